"""ch04_jeeves.jeeves end to end, over real HTTP: every piece a separate process.

Jeeves (``python -m ch04_jeeves.jeeves serve``) on a free port, the Slack and
weather stand-ins as processes too; a signed event posted over a socket, the
reply read back from the Slack stand-in, the Log row read from the database
after Jeeves has stopped (its shutdown waits for the background work).
Also the ``jeeves`` CLI: ``chat``, ``serve --dev`` on a fresh instance folder,
start-up refusal without settings, ``init-db`` and ``create-user``.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import select

from ch04_jeeves.jeeves import slack
from ch04_jeeves.jeeves.models import Log, User, make_engine, make_sessionmaker
from tests.ch04.conftest import without_jeeves_settings
from workbook import catalogue, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # Jeeves processes and CLI runs
CLEAN = without_jeeves_settings()


def jeeves_cli(*args, env=None, input=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "ch04_jeeves.jeeves", *args],
                          cwd=catalogue.ROOT, env={**CLEAN, **(env or {})}, input=input,
                          capture_output=True, text=True, timeout=timeout)


def post_event(url: str, secret: str, text: str, channel: str) -> tuple[int, dict]:
    payload = {"type": "event_callback", "event_id": "Ev" + secrets.token_hex(6),
               "event": {"type": "app_mention", "user": "U0LOOP", "channel": channel,
                         "text": f"<@U0JEEVES> {text}"}}
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url + "/slack/events", data=body, method="POST",
                                     headers=slack.signed_headers(secret, body))
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.status, json.load(resp)


def messages(standin_url: str, channel: str) -> list[dict]:
    with urllib.request.urlopen(f"{standin_url}/_standin/messages?channel={channel}",
                                timeout=5) as resp:
        return json.load(resp)["messages"]


def wait_for(check, timeout: float = 30.0):
    """Poll until ``check()`` is truthy (the reply travels through two other processes)."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)
    return result


async def logs_in(db_url: str) -> list[tuple]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(Log.event_id, Log.service, Log.outcome, Log.message, User.slack_id)
                .join(User, Log.user_id == User.id).order_by(Log.id))
            return [tuple(r) for r in rows]
    finally:
        await engine.dispose()


async def test_the_whole_loop_over_real_http(jeeves_served, db_url):
    # Production mode (no --dev, every setting given), every piece its own process.
    jeeves, slack_api, secret = jeeves_served.server, jeeves_served.slack_api, jeeves_served.secret
    try:
        assert post_event(jeeves.url, secret, "weather in Paris", "C0LOOP") == (200, {"ok": True})
        [reply] = wait_for(lambda: messages(slack_api.url, "C0LOOP"))
        assert reply["text"] == "Weather in Paris, France: overcast, 14.2°C, wind 11.5 km/h"

        # `jeeves chat` against the same running Jeeves
        chat = jeeves_cli("chat", "config location Taipei", env={
            "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": slack_api.url + "/api/",
            "JEEVES_URL": jeeves.url})
        assert chat.returncode == 0, chat.stderr
        assert chat.stdout == "jeeves> Got it: you are in Taipei.\n"
    finally:
        jeeves.stop()  # SIGINT: Quart's shutdown waits for the background tasks
    output = jeeves.output()
    assert "Traceback" not in output and "development mode" not in output, output
    logs = await logs_in(db_url)
    assert [(svc, outcome, who) for _, svc, outcome, _, who in logs] == [
        ("weather", "ok", "U0LOOP"), ("location", "ok", "U0LEARNER")]
    assert logs[0][3] == "<@U0JEEVES> weather in Paris"


def test_serve_dev_then_chat_on_a_fresh_instance(tmp_path):
    """What a learner does on a fresh clone: `jeeves serve --dev`, then `jeeves chat`."""
    env = {"JEEVES_INSTANCE_PATH": str(tmp_path / "instance")}
    example = dataclasses.replace(catalogue.get("ch04.jeeves"), env={})
    jeeves = serving.start_example(example, warm=True, env={**env, **{k: "" for k in (
        "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_URL", "WEATHER_API_URL",
        "JEEVES_DATABASE_URL")}})
    try:
        chat = jeeves_cli("chat", "weather in Paris", env={**env, "JEEVES_URL": jeeves.url})
        help_ = jeeves_cli("chat", "help", env={**env, "JEEVES_URL": jeeves.url})
    finally:
        jeeves.stop()
    output = jeeves.output()
    assert chat.returncode == 0, chat.stderr + output
    assert chat.stdout.startswith("jeeves> Weather in Paris, France: overcast")
    assert help_.stdout.startswith("jeeves> I can do these:")
    assert "development mode: generated a development signing secret" in output
    assert "Slack Web API stand-in on http://127.0.0.1:" in output
    assert "Traceback" not in output
    assert (tmp_path / "instance" / "jeeves.db").is_file()
    stored = json.loads((tmp_path / "instance" / "dev-secrets.json").read_text())
    assert len(stored["signing_secret"]) == 64
    assert stored["signing_secret"] not in output  # said so, never printed it


def test_missing_settings_stop_start_up_naming_them(tmp_path):
    result = jeeves_cli("serve", env={"JEEVES_INSTANCE_PATH": str(tmp_path), "PORT": "1"})
    assert result.returncode == 2
    assert result.stderr.startswith(
        "jeeves: missing required setting(s): SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN.")
    assert "Traceback" not in result.stderr
    only_token = jeeves_cli("serve", env={"SLACK_SIGNING_SECRET": "x", "PORT": "1"})
    assert "missing required setting(s): SLACK_BOT_TOKEN." in only_token.stderr
    bad_port = jeeves_cli("serve", env={"SLACK_SIGNING_SECRET": "x", "SLACK_BOT_TOKEN": "y",
                                        "PORT": "eighty"})
    assert bad_port.returncode == 2 and "PORT" in bad_port.stderr


def test_chat_without_a_running_jeeves_says_how_to_start_it(tmp_path):
    result = jeeves_cli("chat", "help", env={
        "SLACK_SIGNING_SECRET": "x", "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "JEEVES_URL": f"http://127.0.0.1:{serving.free_port()}"})
    assert result.returncode == 1
    assert "Start it first:  jeeves serve --dev" in result.stderr
    nothing = jeeves_cli("chat", "help", env={"JEEVES_INSTANCE_PATH": str(tmp_path)})
    assert nothing.returncode == 2 and "jeeves serve --dev" in nothing.stderr


async def test_init_db_and_create_user(tmp_path):
    db = f"sqlite+aiosqlite:///{tmp_path / 'users.db'}"
    env = {"JEEVES_DATABASE_URL": db}
    assert jeeves_cli("init-db", env=env).stdout == f"database ready: {db}\n"
    created = jeeves_cli("create-user", "--email", "ada@example.com", "--admin",
                         "--password-stdin", env=env, input="correct horse battery\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout == "created user 1: ada@example.com (admin)\n"
    again = jeeves_cli("create-user", "--email", "ada@example.com", "--password-stdin",
                       env=env, input="another password\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    short = jeeves_cli("create-user", "--email", "bo@example.com", "--password-stdin",
                       env=env, input="too short\n")
    assert short.returncode == 1 and "at least 10" in short.stderr
    engine = make_engine(db)
    async with make_sessionmaker(engine)() as session:
        [user] = (await session.scalars(select(User))).all()
    await engine.dispose()
    assert user.is_admin and user.check_password("correct horse battery")
    assert "correct horse" not in user.password_hash
