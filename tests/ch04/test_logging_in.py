"""ch04_jeeves.logging_in: quart-auth's QuartAuth, 401 for anonymous, 403 for non-admins."""

import functools

import ch04_jeeves.logging_in as example
from ch04_jeeves.logging_in import make_app

PASSWORD = "a demo password"


@functools.cache
def app(dev=True):
    # One app per mode for the module: making one hashes three passwords with
    # scrypt; each test still gets a client (a cookie jar) of its own.
    return make_app(PASSWORD, dev=dev)


def client(dev=True):
    return app(dev).test_client()


async def test_login_then_me_then_logout():
    c = client()
    assert (await (await c.get("/")).get_json())["hello"] == "anonymous"
    resp = await c.post("/login", form={"email": "ada@example.com", "password": PASSWORD})
    assert resp.status_code == 200 and (await resp.get_json()) == {"logged_in": "ada@example.com"}
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("QUART_AUTH=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert await (await c.get("/me")).get_json() == {"email": "ada@example.com", "admin": True}
    resp = await c.post("/logout")
    assert resp.status_code == 200 and await resp.get_json() == {"logged_out": True}
    assert (await c.get("/me")).status_code == 401


async def test_anonymous_and_wrong_passwords_get_401():
    c = client()
    resp = await c.get("/me")
    assert resp.status_code == 401 and (await resp.get_json())["error"] == "Unauthorized"
    for email, password in (("ada@example.com", "wrong"), ("nobody@example.com", PASSWORD),
                            ("", "")):
        resp = await c.post("/login", form={"email": email, "password": password})
        assert resp.status_code == 401
        assert await resp.get_json() == {"error": "wrong email or password"}
    assert (await c.get("/me")).status_code == 401


async def test_admin_view_is_403_for_a_user():
    c = client()
    await c.post("/login", form={"email": "bo@example.com", "password": PASSWORD})
    assert (await c.get("/me")).status_code == 200
    resp = await c.get("/admin")
    assert resp.status_code == 403 and await resp.get_json() == {"error": "admins only"}
    c = client()
    await c.post("/login", form={"email": "ada@example.com", "password": PASSWORD})
    assert (await (await c.get("/admin")).get_json())["users"] == ["ada@example.com",
                                                                  "bo@example.com"]


async def test_cookie_is_secure_outside_development():
    c = client(dev=False)
    resp = await c.post("/login", form={"email": "ada@example.com", "password": PASSWORD},
                        scheme="https")
    assert "Secure" in resp.headers["Set-Cookie"]
    assert (await c.get("/me", scheme="https")).status_code == 200


async def test_a_forged_cookie_is_not_a_login():
    c = client()
    c.set_cookie("localhost", "QUART_AUTH", "1")  # the user id without the signature
    assert (await c.get("/me")).status_code == 401


async def test_known_and_unknown_emails_cost_the_same_hashing(monkeypatch):
    # One scrypt check either way; before, an unknown email made a hash and checked it (2x).
    app = make_app(password="pw-for-the-test", dev=True)
    work = []
    real_check, real_make = example.check_password_hash, example.generate_password_hash
    monkeypatch.setattr(example, "check_password_hash",
                        lambda *a: work.append("check") or real_check(*a))
    monkeypatch.setattr(example, "generate_password_hash",
                        lambda *a: work.append("make") or real_make(*a))
    for email in ("ada@example.com", "nobody@example.com"):
        work.clear()
        resp = await app.test_client().post("/login", form={"email": email, "password": "no"})
        assert resp.status_code == 401
        assert work == ["check"], email
