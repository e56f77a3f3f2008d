"""ch02_quart.authorization: HTTP Basic credentials, checked against stored hashes."""

import base64

import pytest

from ch02_quart import authorization


async def test_good_credentials_say_who_you_are(capsys):
    response = await authorization.app.test_client().get("/", auth=("alice", "wonderland"))
    assert response.status_code == 200
    assert await response.get_json() == {"username": "alice", "auth_type": "basic"}
    out = capsys.readouterr().out
    assert "authenticated alice" in out and "wonderland" not in out  # never log a password


@pytest.mark.parametrize("headers, message", [
    ({}, "send HTTP Basic credentials"),
    ({"Authorization": "Bearer abc"}, "'bearer' is not supported here"),
    ({"Authorization": "Basic !!!not-base64"}, "send HTTP Basic credentials"),
])
async def test_missing_or_unusable_credentials_are_401(headers, message):
    response = await authorization.app.test_client().get("/", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="ch02"'
    assert message in (await response.get_json())["error"]


@pytest.mark.parametrize("user, password", [("alice", "nope"), ("mallory", "wonderland"),
                                            ("alice", ""), ("", "")])
async def test_wrong_credentials_are_401_with_one_message(user, password):
    response = await authorization.app.test_client().get("/", auth=(user, password))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert await response.get_json() == {"error": "wrong username or password"}


async def test_the_header_is_just_base64():
    token = base64.b64encode(b"alice:wonderland").decode()
    response = await authorization.app.test_client().get(
        "/", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200
    assert base64.b64decode(token) == b"alice:wonderland"  # encoding, not encryption


def test_passwords_are_stored_hashed():
    stored = authorization.PASSWORD_HASHES["alice"]
    assert "wonderland" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize("user", ["alice", "mallory"])
async def test_known_and_unknown_users_cost_one_hash_each(monkeypatch, user):
    # The same work, so the same time: a stopwatch cannot tell who has an account.
    calls = []

    def counting(stored, password):
        calls.append(stored)
        return False

    monkeypatch.setattr(authorization, "check_password_hash", counting)
    response = await authorization.app.test_client().get("/", auth=(user, "guess"))
    assert response.status_code == 401
    assert await response.get_json() == {"error": "wrong username or password"}
    assert len(calls) == 1
    assert calls[0] == (authorization.PASSWORD_HASHES["alice"] if user == "alice"
                        else authorization.DUMMY_HASH)
