"""ch01_wsgi_async.booking.users: opaque refs, and a deletion that needs the others."""

from ch01_wsgi_async.booking import users


async def test_a_user_is_created_once_under_an_opaque_ref(booking_client, booking_token):
    async with booking_client(users.app) as c:
        first = await c.post("/users", json={"email": "ada@example.com", "name": "Ada"},
                             headers=booking_token)
        again = await c.post("/users", json={"email": "ada@example.com", "name": "Ada"},
                             headers=booking_token)
        assert first.status_code == 201 and again.status_code == 200
        ref = (await first.get_json())["user_ref"]
        assert ref.startswith("u-") and (await again.get_json())["user_ref"] == ref
        assert (await (await c.get(f"/users/{ref}", headers=booking_token)).get_json())["name"] == "Ada"


async def test_deleting_needs_the_others_and_keeps_the_user_if_they_are_down(booking_client, booking_token,
                                                                             peer_down):
    peer_down("auth", "reservations", "payments")
    async with booking_client(users.app) as c:
        ref = (await (await c.post("/users", json={"email": "bob@example.com", "name": "Bob"},
                                   headers=booking_token)).get_json())["user_ref"]
        answer = await c.delete(f"/users/{ref}", headers=booking_token)
        assert answer.status_code == 503
        assert "unreachable" in (await answer.get_json())["message"]
        assert (await c.get(f"/users/{ref}", headers=booking_token)).status_code == 200  # kept: retry later


async def test_client_mistakes(booking_client, booking_token):
    async with booking_client(users.app) as c:
        bad = await c.post("/users", json={"email": "not-an-email", "name": "X"}, headers=booking_token)
        assert bad.status_code == 400 and "email must look like" in (await bad.get_json())["message"]
        for method in (c.get, c.delete):
            unknown = await method("/users/u-nobody", headers=booking_token)
            assert unknown.status_code == 404
            assert (await unknown.get_json())["message"] == "unknown user 'u-nobody'"
        assert (await c.post("/users", data="{oops", headers=booking_token)).status_code == 400
