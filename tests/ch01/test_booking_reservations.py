"""ch01_wsgi_async.booking.reservations: rooms held once per key, guests under ids of its own."""

from ch01_wsgi_async.booking import reservations

STAY = {"user_ref": "u-ada", "hotel_id": "par-2", "checkin": "2030-06-01", "checkout": "2030-06-03"}


async def test_a_reservation_is_made_once_and_rooms_run_out(booking_client, booking_token):
    async with booking_client(reservations.app) as c:
        first = await c.post("/reservations", json={**STAY, "key": "k1"}, headers=booking_token)
        again = await c.post("/reservations", json={**STAY, "key": "k1"}, headers=booking_token)
        assert first.status_code == 201 and again.status_code == 200
        assert await first.get_json() == await again.get_json()
        full = await c.post("/reservations", json={**STAY, "key": "k2", "checkin": "2030-06-02",
                                                   "checkout": "2030-06-04"}, headers=booking_token)
        assert full.status_code == 409  # Le Petit Quai has one room
        assert "no room left at Le Petit Quai" in (await full.get_json())["message"]
        taken = await c.get("/availability?checkin=2030-06-02&checkout=2030-06-03", headers=booking_token)
        assert (await taken.get_json())["taken"]["par-2"] == 1
        rid = (await first.get_json())["reservation_id"]
        assert (await (await c.delete(f"/reservations/{rid}", headers=booking_token)).get_json())[
            "status"] == "cancelled"
        after = await c.get("/availability?checkin=2030-06-02&checkout=2030-06-03", headers=booking_token)
        assert (await after.get_json())["taken"]["par-2"] == 0  # the room is free again


async def test_forgetting_a_guest(booking_client, booking_token):
    async with booking_client(reservations.app) as c:
        await c.post("/reservations", json={**STAY, "key": "k1"}, headers=booking_token)
        said = await (await c.delete("/guests/u-ada", headers=booking_token)).get_json()
        assert said == {"user_ref": "u-ada", "cancelled": 1, "kept_anonymous": 1}
        assert (await (await c.get("/guests/u-ada", headers=booking_token)).get_json())[
            "reservations"] == []
        rows = reservations.app.db.execute("SELECT guest_id, status FROM reservations").fetchall()
        assert [tuple(r) for r in rows] == [(None, "cancelled")]  # kept for the hotel, unlinked
        again = await (await c.delete("/guests/u-ada", headers=booking_token)).get_json()
        assert again["cancelled"] == 0  # deleting twice is harmless


async def test_client_mistakes(booking_client, booking_token):
    async with booking_client(reservations.app) as c:
        for body, status, says in (
                ({**STAY, "key": "k", "hotel_id": "nope"}, 400, "unknown hotel 'nope'"),
                ({**STAY, "key": "k", "checkout": "2030-05-01"}, 400, "checkout after checkin"),
                ({**STAY}, 400, "missing field(s): key")):
            answer = await c.post("/reservations", json=body, headers=booking_token)
            assert answer.status_code == status and says in (await answer.get_json())["message"]
        assert (await c.delete("/reservations/99", headers=booking_token)).status_code == 404
        assert (await c.get("/availability?checkin=x&checkout=y", headers=booking_token)).status_code == 400
        assert (await c.post("/reservations", json={**STAY, "key": "k"})).status_code == 401
