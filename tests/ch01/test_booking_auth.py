"""ch01_wsgi_async.booking.auth: the client-credentials token service."""

from ch01_wsgi_async.booking import auth, kit

GRANT = {"grant_type": "client_credentials", "client_id": "ui", "client_secret": "s3cret"}


async def test_a_known_client_gets_a_token_every_service_can_check(booking_client, monkeypatch):
    monkeypatch.setenv("BOOKING_CLIENT_SECRET", "s3cret")
    async with booking_client(auth.app) as c:
        answer = await c.post("/oauth/token", form=GRANT)
        body = await answer.get_json()
        assert answer.status_code == 200 and body["token_type"] == "Bearer"
        assert body["expires_in"] == auth.TOKEN_TTL
        assert kit.read_token(body["access_token"])["sub"] == "ui"  # checked without a call
        seen = await (await c.post("/oauth/introspect", form={"token": body["access_token"]})).get_json()
        assert seen["active"] is True and seen["sub"] == "ui"
        forged = await c.post("/oauth/introspect", form={"token": body["access_token"][:-2] + "00"})
        assert await forged.get_json() == {"active": False, "reason": "invalid token"}


async def test_wrong_secret_unknown_client_and_wrong_grant(booking_client, monkeypatch):
    monkeypatch.setenv("BOOKING_CLIENT_SECRET", "s3cret")
    async with booking_client(auth.app) as c:
        for form in ({**GRANT, "client_secret": "guess"}, {**GRANT, "client_id": "mallory"}):
            answer = await c.post("/oauth/token", form=form)
            assert answer.status_code == 401
            assert (await answer.get_json())["error"] == "invalid_client"
        answer = await c.post("/oauth/token", form={**GRANT, "grant_type": "password"})
        assert answer.status_code == 400
        assert (await answer.get_json())["error"] == "unsupported_grant_type"
