"""Fixtures for Jeeves: a fresh database per test (SQLite and PostgreSQL), the stand-ins, the app.

The stand-ins are the real aiohttp servers from ``ch04_jeeves/devtools``, on a
free port of this test's event loop; Jeeves reaches them over HTTP through its
normal clients (``slack_sdk`` for Slack, aiohttp for the weather).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import uuid

import psycopg
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.engine import make_url

from ch04_jeeves.devtools import slack_standin, weather_standin
from ch04_jeeves.jeeves import create_app, slack
from ch04_jeeves.jeeves.app import wait_for_background_tasks
from ch04_jeeves.jeeves.config import Settings
from ch04_jeeves.jeeves.models import Log
from workbook import catalogue, pg, serving


def pytest_configure(config):
    # A cheaper scrypt for every password these tests hash, here and in the Jeeves
    # processes they start (see password_hash_method in jeeves/models.py).
    os.environ.setdefault("JEEVES_PASSWORD_HASH", "scrypt:1024:8:1")


def without_jeeves_settings() -> dict:
    """A child's environment (``serving.child_env``) minus every Jeeves setting, for a
    process that is to get only what its test gives it; the suite's cheaper password
    hash (above) stays."""
    return {k: v for k, v in serving.child_env().items() if k == "JEEVES_PASSWORD_HASH"
            or not k.startswith(("SLACK_", "JEEVES_", "WEATHER_", "GEOCODING_"))}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database of each kind, private to this test (so ``-n auto`` is safe)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}"
    url = make_url(request.getfixturevalue("worker_database"))
    # Emptied before each test (a tenth of the time of a new database): whatever
    # an earlier test made, or a process it left connected, is gone.
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def worker_database(postgres_url):
    """One PostgreSQL database for this pytest process (each xdist worker has its own)."""
    with pg.new_database(postgres_url, prefix="jeeves") as url:
        yield url


class Standin:
    """A running stand-in: its URL, and its recorded state for assertions."""

    def __init__(self, server: TestServer, state_key):
        self.server = server
        self.url = str(server.make_url("/")).rstrip("/")
        self.state = server.app[state_key]


@pytest.fixture
async def slack_api():
    token = "xoxb-test-" + secrets.token_hex(6)
    # The test clients' callbacks (https://localhost/...) are registered too.
    urls = (*slack_standin.REDIRECT_URLS, "https://localhost/login/slack/callback")
    server = TestServer(slack_standin.make_app(token=token, redirect_urls=urls),
                        host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield Standin(server, slack_standin.STATE)
    finally:
        await server.close()


@pytest.fixture
async def weather_api():
    server = TestServer(weather_standin.make_app(), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield Standin(server, weather_standin.STATE)
    finally:
        await server.close()


@pytest.fixture
def settings(db_url, slack_api, weather_api, tmp_path):
    return Settings(
        signing_secret=secrets.token_hex(32), bot_token=slack_api.state["token"],
        database_url=db_url, slack_api_url=slack_api.url + "/api/",
        weather_api_url=weather_api.url, geocoding_api_url=weather_api.url,
        weather_timeout=2.0, instance_path=tmp_path,
    )


def event(text: str, *, event_id: str | None = None, channel: str = "D0TEST",
          user: str = "U0TEST", kind: str = "message", **extra) -> dict:
    """A Slack ``event_callback`` payload as the Events API sends it."""
    inner = {"type": kind, "user": user, "text": text, "channel": channel,
             "ts": "1700000000.000100", "event_ts": "1700000000.000100", **extra}
    if kind == "message":
        inner.setdefault("channel_type", "im")
    return {"type": "event_callback", "team_id": "T0STANDIN", "api_app_id": "A0STANDIN",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:16].upper(),
            "event_time": 1700000000, "event": inner}


class Running:
    """Jeeves started as for serving, with a test client and helpers."""

    def __init__(self, app, test_app, settings: Settings):
        self.app = app
        self.client = test_app.test_client()
        self.settings = settings

    async def drain(self) -> None:
        await wait_for_background_tasks(self.app)

    @property
    def sessions(self):
        return self.app.extensions["jeeves"].sessions

    async def post(self, body: bytes | dict, *, secret: str | None = None,
                   timestamp: int | None = None, headers: dict | None = None):
        """POST to /slack/events, signed like Slack would (unless headers are given)."""
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        if headers is None:
            headers = slack.signed_headers(secret or self.settings.signing_secret, raw, timestamp)
        return await self.client.post("/slack/events", data=raw, headers=headers)

    async def logs(self) -> list[Log]:
        async with self.sessions() as session:
            return list((await session.scalars(select(Log).order_by(Log.id))).all())


@pytest.fixture
def make_event():
    return event


@contextlib.asynccontextmanager
async def running(settings: Settings):
    """Jeeves with before_serving run. Leaving ``test_app()`` runs Quart's shutdown,
    which waits for every background task; ``drain()`` does it mid-test."""
    app = create_app(settings)
    async with app.test_app() as test_app:
        yield Running(app, test_app, settings)


@pytest.fixture
async def jeeves(settings):
    async with running(settings) as started:
        yield started


@dataclasses.dataclass
class ServedJeeves:
    """Jeeves and both stand-ins, each its own process; what a test needs to talk to them."""

    server: serving.Served
    slack_api: serving.Served
    weather_api: serving.Served
    secret: str


@pytest.fixture
def jeeves_served(start_example, db_url):
    """``python -m ch04_jeeves.jeeves serve`` in production mode (every setting given,
    no --dev) on a free port, talking to the stand-ins over sockets; each process is
    forked from the suite's warm interpreter (``workbook.warm``). A test may stop it
    early (``jeeves_served.server.stop()``: its shutdown waits for the background
    work) to read the database afterwards; stopping twice is harmless."""
    token, secret = "xoxb-" + secrets.token_hex(4), secrets.token_hex(32)
    slack_api = start_example("ch04.slack_standin", env={"SLACK_STANDIN_TOKEN": token})
    weather_api = start_example("ch04.weather_standin")
    example = dataclasses.replace(catalogue.get("ch04.jeeves"), args=("serve",), env={})
    server = serving.start_example(example, warm=True, env={
        "SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": token,
        "SLACK_API_URL": slack_api.url + "/api/", "WEATHER_API_URL": weather_api.url,
        "JEEVES_DATABASE_URL": db_url, "JEEVES_DEV": "0"})
    try:
        yield ServedJeeves(server, slack_api, weather_api, secret)
    finally:
        server.stop()
