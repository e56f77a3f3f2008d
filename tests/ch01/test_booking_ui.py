"""ch01_wsgi_async.booking.ui: client mistakes answered before any call, peers down as 503.

The happy path needs the other six services: tests/ch01/test_booking_system.py runs it.
"""

import httpx
import pytest

from ch01_wsgi_async.booking import ui

KEY = {"Idempotency-Key": "test-key-1234"}
BOOKING = {"email": "ada@example.com", "name": "Ada", "hotel_id": "par-1",
           "checkin": "2030-06-01", "checkout": "2030-06-03", "card": "4242424242424242"}


async def test_the_page_and_client_mistakes(booking_client):
    async with booking_client(ui.app) as c:
        page = await c.get("/")
        assert "Booking UI" in await page.get_data(as_text=True)
        for headers, body, says in (
                ({}, BOOKING, "Idempotency-Key"),
                (KEY, {**BOOKING, "card": None}, "missing field(s): card"),
                (KEY, {**BOOKING, "checkin": "soon"}, "dates like"),
        ):
            answer = await c.post("/bookings", json=body, headers=headers)
            assert answer.status_code == 400 and says in (await answer.get_json())["message"]
        garbled = await c.post("/bookings", data="{oops", headers=KEY)
        assert garbled.status_code == 400
        for query in ("", "?city=Paris&fanout=sideways", "?city=Paris&checkin=x&checkout=y"):
            assert (await c.get("/search" + query)).status_code == 400
        wrong = await c.post("/_control", json={"search_version": "v9"})
        assert wrong.status_code == 400


async def test_peers_down_is_a_503_json_not_a_hang(booking_client, peer_down):
    peer_down("auth", "search", "users", "reservations", "payments", "pdf")
    async with booking_client(ui.app) as c:
        answer = await c.post("/bookings", json=BOOKING, headers=KEY)
        body = await answer.get_json()
        assert answer.status_code == 503 and body["peer"] == "auth"
        assert body["message"].startswith("auth is unreachable")
        search = await c.get("/search?city=Paris&checkin=2030-06-01&checkout=2030-06-03")
        assert search.status_code == 503


def test_read_hotel_is_the_consumers_contract():
    v1 = {"id": "par-1", "name": "Hotel du Nord", "city": "Paris", "price": 120.0, "rooms": 3}
    assert ui.read_hotel(v1, "v1")["rate_cents"] == 12000
    v2 = {**v1, "price": {"amount_cents": 12000, "currency": "EUR"}}
    assert ui.read_hotel(v2, "v2")["rate_cents"] == 12000
    with pytest.raises(ui.ContractError, match="v2 price should be"):
        ui.read_hotel(v1, "v2")
    with pytest.raises(ui.ContractError, match="needs id, name and rooms"):
        ui.read_hotel({**v1, "rooms": "3"}, "v1")
    assert ui.ContractError("x").status == 502  # the UI answers 502: its peer broke the contract


def test_an_unexpected_refusal_from_a_peer_is_a_502():
    refused = httpx.Response(401, json={"error": 401, "message": "expired token"})
    with pytest.raises(ui.kit.PeerError) as caught:
        ui.body_of(refused, "reservations")
    assert (caught.value.status, caught.value.message) == (
        502, "reservations answered 401: expired token")
    assert ui.body_of(httpx.Response(200, json={"taken": {}}), "reservations") == {"taken": {}}
