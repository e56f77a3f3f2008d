"""ch01_wsgi_async.booking.search: two API versions, tokens, and the consumer contract test.

The contract test is the UI's side (``ui.read_hotel``) run against what Search really
serves: it passes for ``/v1`` and ``/v2``, and it fails the day ``/v1`` changes shape
in place, before that change is deployed.
"""

import time

import pytest

from ch01_wsgi_async.booking import kit, search, ui


async def test_v1_and_v2_both_served(booking_client, booking_token):
    async with booking_client(search.app) as c:
        v1 = await (await c.get("/v1/hotels?city=paris", headers=booking_token)).get_json()
        v2 = await (await c.get("/v2/hotels?city=Paris", headers=booking_token)).get_json()
    assert [h["id"] for h in v1["hotels"]] == ["par-1", "par-2"]
    assert v1["hotels"][0]["price"] == 120.0
    assert v2["hotels"][0]["price"] == {"amount_cents": 12000, "currency": "EUR"}


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_consumer_contract_the_ui_can_read_what_search_serves(booking_client, booking_token, version):
    async with booking_client(search.app) as c:
        listing = await (await c.get(f"/{version}/hotels?city=Lisbon", headers=booking_token)).get_json()
        one = await (await c.get(f"/{version}/hotels/lis-1", headers=booking_token)).get_json()
    hotels = [ui.read_hotel(h, version) for h in listing["hotels"]] + [ui.read_hotel(one, version)]
    assert hotels[0] == {"id": "lis-1", "name": "Casa Alfama", "rooms": 2, "rate_cents": 8000}
    assert hotels[-1] == hotels[0]


async def test_consumer_contract_catches_an_incompatible_change_on_v1(booking_client, booking_token):
    async with booking_client(search.app) as c:
        await c.post("/_control", json={"v1_shape": "v2"})  # the change, made in place
        changed = await (await c.get("/v1/hotels/lis-1", headers=booking_token)).get_json()
    with pytest.raises(ui.ContractError, match="v1 price should be a number of euros"):
        ui.read_hotel(changed, "v1")


async def test_tokens_and_client_mistakes(booking_client, booking_token):
    expired = {"Authorization": "Bearer " + kit.sign_token({"sub": "ui", "exp": time.time() - 5})}
    async with booking_client(search.app) as c:
        for headers, says in (({}, "missing bearer token"), (expired, "expired token"),
                              ({"Authorization": "Bearer x.y"}, "invalid token")):
            answer = await c.get("/v1/hotels?city=Paris", headers=headers)
            assert answer.status_code == 401 and (await answer.get_json())["message"] == says
            assert answer.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
        no_city = await c.get("/v1/hotels", headers=booking_token)
        assert no_city.status_code == 400 and "give a city" in (await no_city.get_json())["message"]
        unknown = await c.get("/v2/hotels/atlantis-1", headers=booking_token)
        assert unknown.status_code == 404 and "atlantis-1" in (await unknown.get_json())["message"]
        assert (await c.get("/v3/hotels?city=Paris", headers=booking_token)).status_code == 404
