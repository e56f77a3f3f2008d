"""ch01_wsgi_async.booking.monolith: one app, one database; the bank is its only HTTP peer.

Bookings end to end (with the bank and the mail server running) are in test_booking_system.py.
"""

from ch01_wsgi_async.booking import monolith

KEY = {"Idempotency-Key": "mono-key-1234"}
BOOKING = {"email": "ada@example.com", "name": "Ada", "hotel_id": "par-2",
           "checkin": "2030-06-01", "checkout": "2030-06-03", "card": "4242424242424242"}
SEARCH = "/search?city=Paris&checkin=2030-06-01&checkout=2030-06-03"


async def test_search_is_one_local_query(booking_client):
    async with booking_client(monolith.app) as c:
        found = await (await c.get(SEARCH)).get_json()
    assert [(h["id"], h["rooms_left"]) for h in found["hotels"]] == [("par-1", 3), ("par-2", 1)]


async def test_bank_down_is_a_503_and_the_room_is_released(booking_client, peer_down):
    peer_down("bank")
    async with booking_client(monolith.app) as c:
        answer = await c.post("/bookings", json=BOOKING, headers=KEY)
        assert answer.status_code == 503 and (await answer.get_json())["peer"] == "bank"
        left = (await (await c.get(SEARCH)).get_json())["hotels"][1]["rooms_left"]
    assert left == 1  # the held room was given back


async def test_client_mistakes(booking_client):
    async with booking_client(monolith.app) as c:
        for headers, body, status, says in (
                ({}, BOOKING, 400, "Idempotency-Key"),
                (KEY, {**BOOKING, "hotel_id": "atlantis-1"}, 404, "unknown hotel 'atlantis-1'"),
                (KEY, {**BOOKING, "email": "ada"}, 400, "email must look like"),
                (KEY, {**BOOKING, "checkout": "2030-05-01"}, 400, "checkout after checkin")):
            answer = await c.post("/bookings", json=body, headers=headers)
            assert answer.status_code == status and says in (await answer.get_json())["message"]
        unknown = await c.delete("/users/42")
        assert unknown.status_code == 404 and (await unknown.get_json())["message"] == "unknown user 42"
        assert (await c.get("/search?city=Paris")).status_code == 400
