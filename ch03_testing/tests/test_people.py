"""Property-based tests: Hypothesis invents the URLs, and finds a converter's missing check.

The property: whatever id a client puts in ``/api/person/<id>``, the service
answers 200 (a known person) or 404 (anyone else) - never a crash.
ch03_testing.people's ``RegisteredUser`` (the book's, with its check) holds
it; the same converter without the check (``return _USERS[value]``) does not,
and Hypothesis finds an id that breaks it without being told which.
"""

import asyncio

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ch03_testing import people
from workbook.serving import serve_in_loop

# Ids a client could type: mostly junk, sometimes a real one.
person_ids = st.one_of(
    st.sampled_from(sorted(people._USERS)),
    st.from_regex(r"[A-Za-z0-9_.~-]{1,12}", fullmatch=True),
)
FAST = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def person_property(converter, seen=None):
    """Build the property test for an app using ``converter``; ``seen`` collects the ids tried."""
    app = people.create_app(converter)
    seen = [] if seen is None else seen

    @FAST
    @given(person_id=person_ids)
    def property_test(person_id):
        seen.append(person_id)

        async def ask():
            return await app.test_client().get(f"/api/person/{person_id}")

        response = asyncio.run(ask())
        assert response.status_code in (200, 404), response.status_code
        body = asyncio.run(response.get_json())
        if person_id in people._USERS:
            assert body == {"Hello": people._USERS[person_id]}
        else:
            assert body == {"error": "no such person"}

    return property_test


def test_fixed_converter_never_crashes():
    seen = []
    person_property(people.RegisteredUser, seen)()  # asserts 200/404 and the body, per id
    # ...and Hypothesis really tried both kinds of id, known people and junk
    assert any(i in people._USERS for i in seen)
    assert any(i not in people._USERS for i in seen)


def test_hypothesis_finds_the_unchecked_keyerror():
    # We do not tell Hypothesis which id is bad; it has to find one.
    with pytest.raises((KeyError, ExceptionGroup)) as caught:
        person_property(people.UncheckedRegisteredUser)()
    error = caught.value
    while isinstance(error, ExceptionGroup):  # Quart 0.23 serves in a TaskGroup: one inside
        [error] = error.exceptions
    assert isinstance(error, KeyError) and error.args[0] not in people._USERS


@FAST
@given(name=st.sampled_from(sorted(people._IDS)))
def test_url_for_round_trips(name):
    async def round_trip():
        client = people.app.test_client()
        link = await (await client.get(f"/api/link/{name}")).get_json()
        return await (await client.get(link["url"])).get_json()

    assert asyncio.run(round_trip()) == {"Hello": name}


async def test_unknown_name_has_no_link():
    response = await people.app.test_client().get("/api/link/Nobody")
    assert response.status_code == 404
    assert await response.get_json() == {"error": "no such person"}


@pytest.mark.integration
async def test_over_real_http_the_unchecked_keyerror_is_a_500():
    async with (await serve_in_loop(people.create_app(people.UncheckedRegisteredUser)) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        crashed = await client.get("/api/person/99")
        ok = await client.get("/api/person/2")
    assert crashed.status_code == 500
    assert ok.json() == {"Hello": "Freya"}


@pytest.mark.integration
async def test_over_real_http_the_fix_is_a_404():
    async with (await serve_in_loop(people.app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        response = await client.get("/api/person/99")
    assert response.status_code == 404
    assert response.json() == {"error": "no such person"}


async def test_the_books_to_url_is_a_keyerror_too():
    # url_for calls to_url; the book's _IDS[value] has no answer for a stranger
    app = people.create_app(people.UncheckedRegisteredUser)
    async with app.test_request_context("/"):
        assert people.url_for("person", name="Freya") == "/api/person/2"
        with pytest.raises(KeyError):
            people.url_for("person", name="Nobody")
