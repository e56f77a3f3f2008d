"""ch04_jeeves.jeeves.accounts (and payloads): one e-mail check everywhere, a login that takes
as long for an unknown address, a private database file, unreadable bodies refused.

In process, on SQLite in a temporary folder; the ``create-user`` command is run
through ``cli.main`` (the same code as ``jeeves create-user``).
"""

from __future__ import annotations

import io
import sqlite3

import pytest
from sqlalchemy import select

from ch04_jeeves.jeeves import accounts, cli, payloads
from ch04_jeeves.jeeves.models import User, init_db, make_engine, make_sessionmaker

PASSWORD = "correct horse battery"


@pytest.mark.parametrize("typed, stored", [
    ("Ada@Example.com", "ada@example.com"),
    ("  BO@x.io\n", "bo@x.io"),
    ("first.last+tag@sub.example.org", "first.last+tag@sub.example.org"),
])
def test_addresses_are_stored_in_one_form(typed, stored):
    assert accounts.check_email(typed) == stored


@pytest.mark.parametrize("typed", [
    "not an email <script>", "a@b", "@example.com", "a@@example.com", "<a@example.com>",
    "a b@example.com", "a@example.com.", "x" * 250 + "@example.com", "a\ud800@example.com", "",
])
def test_what_is_not_an_address_is_refused(typed):
    with pytest.raises(accounts.BadEmail, match="Enter an email address."):
        accounts.check_email(typed)


@pytest.fixture
async def sessions(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}")
    await init_db(engine)
    sessions = make_sessionmaker(engine)
    async with sessions.begin() as session:
        for email, active, password in (("ada@example.com", True, PASSWORD),
                                        ("old@example.com", False, PASSWORD),
                                        ("slackonly@example.com", True, None)):
            user = User(email=email, is_active=active, config={})
            if password:
                user.set_password(password)
            session.add(user)
    yield sessions
    await engine.dispose()


@pytest.fixture
def hashes(monkeypatch):
    """Count the slow password hashes authenticate runs."""
    calls = []
    real = accounts.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("email, password", [
    ("ada@example.com", "wrong"),          # known, wrong password
    ("nobody@example.com", PASSWORD),      # unknown
    ("old@example.com", PASSWORD),         # deactivated, right password
    ("slackonly@example.com", ""),         # an account without a password
])
async def test_every_refusal_runs_the_hash_once(sessions, hashes, email, password):
    assert await accounts.authenticate(sessions, email, password) is None
    assert len(hashes) == 1  # the same work, so the same time, whoever the address is


async def test_the_right_password_signs_in_whatever_the_case(sessions, hashes):
    user = await accounts.authenticate(sessions, " ADA@example.com", PASSWORD)
    assert user.email == "ada@example.com" and len(hashes) == 1


async def test_text_that_cannot_be_encoded_is_refused_before_the_lookup(sessions, hashes,
                                                                        monkeypatch):
    looked_up = []
    monkeypatch.setattr(accounts, "find_by_email", lambda *a: looked_up.append(a))
    for email in ("ada@example.com", "nobody@example.com"):
        with pytest.raises(accounts.NotText):
            await accounts.authenticate(sessions, email, "\ud800")
    assert looked_up == [] and hashes == []


async def test_logging_out_everywhere_bumps_the_version(sessions):
    await accounts.revoke_sessions(sessions, 1)
    await accounts.revoke_sessions(sessions, 1)
    async with sessions() as session:
        assert (await session.get(User, 1)).session_version == 2
        assert (await session.get(User, 2)).session_version == 0


# --- the create-user command ------------------------------------------------------------


def create_user(monkeypatch, db, email, password=PASSWORD):
    monkeypatch.setenv("JEEVES_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return cli.main(["create-user", "--email", email, "--password-stdin"])


def emails(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT email FROM users ORDER BY id")]


def test_the_cli_refuses_what_the_forms_refuse(monkeypatch, tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert create_user(monkeypatch, db, "not an email <script>") == 2
    assert "Enter an email address." in capsys.readouterr().err
    assert not db.exists() or emails(db) == []
    assert create_user(monkeypatch, db, "ok@example.com", "too short") == 1
    assert "at least 10 characters" in capsys.readouterr().err


def test_the_cli_stores_one_form_and_no_case_twins(monkeypatch, tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert create_user(monkeypatch, db, "Mixed@Example.com") == 0
    assert capsys.readouterr().out == "created user 1: mixed@example.com\n"
    assert create_user(monkeypatch, db, "mixed@example.com") == 1
    assert "exists already" in capsys.readouterr().err
    # A row an older Jeeves stored with capitals still blocks its lowercase twin.
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO users (email, config, is_active, is_admin, session_version)"
                     " VALUES ('Legacy@Example.com', '{}', 1, 0, 0)")
    assert create_user(monkeypatch, db, "legacy@example.com") == 1
    assert emails(db) == ["mixed@example.com", "Legacy@Example.com"]


# --- the database file, and databases made by an older Jeeves ------------------------------


async def test_the_database_file_is_created_private_and_made_private(tmp_path):
    fresh, old = tmp_path / "fresh" / "jeeves.db", tmp_path / "old.db"
    old.touch(mode=0o644)
    old.chmod(0o644)
    for path in (fresh, old):
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await init_db(engine)
        await engine.dispose()
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert fresh.parent.stat().st_mode & 0o777 == 0o700


async def test_an_older_database_gains_the_session_version(tmp_path):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:  # the users table as Jeeves made it before issue 13
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(254) UNIQUE,"
                     " slack_id VARCHAR(32) UNIQUE, password_hash VARCHAR(256),"
                     " location VARCHAR(200), config JSON, is_active BOOLEAN, is_admin BOOLEAN)")
        conn.execute("INSERT INTO users (email, config, is_active, is_admin)"
                     " VALUES ('Old@Example.com', '{}', 1, 0)")
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    await init_db(engine)
    await init_db(engine)  # idempotent
    async with make_sessionmaker(engine)() as session:
        user = await session.scalar(select(User))
        assert user.session_version == 0
        assert (await accounts.find_by_email(session, "old@example.com")).id == user.id
    await engine.dispose()


# --- JSON bodies ----------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    (b"\xff", "body is not UTF-8"), ("é".encode("latin-1"), "body is not UTF-8"),
    ('{"a": 1}'.encode("utf-16"), "body is not UTF-8"), (b"", "body is not JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 32 levels"),
    (b'{"a": ' * 33 + b"{}" + b"}" * 33, "nested deeper than 32 levels"),
    (b'"text"', "not a JSON object"),
])
def test_payloads_refuse_what_they_cannot_read(body, message):
    with pytest.raises(payloads.BadPayload, match=message):
        payloads.load_object(body)


def test_payloads_read_a_slack_sized_object():
    blocks = {"type": "rich_text", "elements": [{"elements": [{"type": "text", "text": "hi"}]}]}
    assert payloads.load_object(b'{"event": {"blocks": [%s]}}' % str(blocks).replace(
        "'", '"').encode())["event"]["blocks"][0]["type"] == "rich_text"
    assert payloads.load_object(b'{"a": ' * 31 + b"1" + b"}" * 31)  # 31 levels: fine
