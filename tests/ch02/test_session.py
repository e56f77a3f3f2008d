"""ch02_quart.session: the signed cookie, readable by anyone, forgeable by nobody."""

import base64
import json
import subprocess
import sys

from itsdangerous import URLSafeTimedSerializer

from ch02_quart.session import app
from workbook import catalogue


def session_cookie(response) -> str:
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie  # JavaScript in the page cannot read it
    return cookie.split(";", 1)[0].split("=", 1)[1]


async def test_counter_per_visitor():
    alice, bob = app.test_client(), app.test_client()
    for expected in (1, 2, 3):
        assert await (await alice.get("/")).get_json() == {"visits": expected}
    assert await (await bob.get("/")).get_json() == {"visits": 1}  # a different cookie jar
    assert await (await alice.get("/reset")).get_json() == {"visits": 0}
    assert await (await alice.get("/")).get_json() == {"visits": 1}


async def test_the_cookie_is_signed_not_encrypted():
    response = await app.test_client().get("/")
    payload = session_cookie(response).split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert json.loads(decoded) == {"visits": 1}  # anyone can read it: no secrets in here


async def test_a_tampered_cookie_starts_an_empty_session():
    client = app.test_client()
    await client.get("/")
    await client.get("/")
    cookie = session_cookie(await client.get("/"))  # visits == 3
    payload, timestamp, signature = cookie.split(".")
    forged = base64.urlsafe_b64encode(b'{"visits":1000}').decode().rstrip("=")
    attacker = app.test_client()
    for bad in (f"{forged}.{timestamp}.{signature}",  # changed data, old signature
                f"{payload}.{timestamp}.{signature[:-2]}xx",  # changed signature
                "not-a-session-at-all"):
        attacker.set_cookie("localhost", "session", bad)
        response = await attacker.get("/")
        assert response.status_code == 200
        assert await response.get_json() == {"visits": 1}, bad


async def test_only_the_key_holder_can_sign():
    # With the key (what the server does) a cookie is accepted; that is why it must stay secret.
    serializer = URLSafeTimedSerializer(app.secret_key, salt="cookie-session",
                                        signer_kwargs={"key_derivation": "hmac",
                                                       "digest_method": "sha1"})
    client = app.test_client()
    client.set_cookie("localhost", "session", serializer.dumps({"visits": 41}))
    assert await (await client.get("/")).get_json() == {"visits": 42}


def test_secret_key_from_environment_or_a_generated_default():
    example = catalogue.get("ch02.session")
    code = "from ch02_quart import session as s; print(s.KEY_SOURCE, len(s.app.secret_key))"
    env = {k: v for k, v in __import__("os").environ.items() if k != "SECRET_KEY"}
    env["PYTHONPATH"] = str(catalogue.ROOT)
    generated = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=env, cwd=catalogue.ROOT, check=True).stdout
    assert generated.startswith("generated (development only: set SECRET_KEY) 64")
    env["SECRET_KEY"] = "from-the-environment"
    given = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, cwd=catalogue.ROOT, check=True).stdout
    assert given.strip() == "SECRET_KEY 20"
    assert example.port == 8107


async def test_unknown_path():
    assert (await app.test_client().get("/nope")).status_code == 404
