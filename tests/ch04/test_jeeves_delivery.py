"""ch04_jeeves.jeeves delivery: every acknowledged event answered once, whatever dies when.

The hard way first: Jeeves as a real process, the Slack and weather stand-ins
as real HTTP servers, a burst of signed events, and the process stopped by PID
at a random point (SIGKILL: no goodbye; SIGTERM: its graceful shutdown). Then
a restart on the same database and Slack-style retries of every event. Every
acknowledged event must end with exactly one reply at the Slack stand-in and
one Log row, and nothing left pending. Run with ``-s`` to see the figures.

Then each recovery path on its own (Quart's test client): a retry of an
accepted-but-unfinished event, a stored reply that did or did not reach Slack
before the crash, recovery at start-up, refused overlong ids, pruning, and
the 503 while stopping.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import time
from collections import Counter

import aiohttp
import pytest
from sqlalchemy import select

from ch04_jeeves.jeeves import slack
from ch04_jeeves.jeeves.models import (
    Log,
    PendingEvent,
    make_engine,
    make_sessionmaker,
)
from workbook import catalogue, serving

CLEAN = {k: v for k, v in os.environ.items()
         if not k.startswith(("SLACK_", "JEEVES_", "WEATHER_", "GEOCODING_"))}
BURST = 40
COMMANDS = ["help", "weather in Paris", "get location", "weather in Tokyo", "services",
            "config location London", "make tea"]


# --- the hard way: a real process, killed ------------------------------------------


@pytest.fixture(scope="module")
def standins():
    """The Slack and weather stand-ins as processes, shared by this module's tests
    (each test uses its own channels). The weather answers after 50 ms, so some
    events are always mid-work when Jeeves is stopped."""
    token = "xoxb-burst-" + os.urandom(4).hex()
    slack_api = serving.start_example(catalogue.get("ch04.slack_standin"),
                                      env={"SLACK_STANDIN_TOKEN": token})
    weather_api = serving.start_example(catalogue.get("ch04.weather_standin"),
                                        env={"WEATHER_STANDIN_DELAY": "0.05"})
    try:
        yield slack_api, weather_api, token
    finally:
        slack_api.stop()
        weather_api.stop()


def start_jeeves(standins, db_url: str, secret: str) -> serving.Served:
    slack_api, weather_api, token = standins
    env = {**CLEAN, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(catalogue.ROOT),
           "SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": token,
           "SLACK_API_URL": slack_api.url + "/api/", "WEATHER_API_URL": weather_api.url,
           "JEEVES_DATABASE_URL": db_url, "JEEVES_DEV": "0"}
    return serving.start_process([sys.executable, "-m", "ch04_jeeves.jeeves", "serve"],
                                 name="jeeves", env=env)


def burst_events(tag: str) -> list[dict]:
    return [{"type": "event_callback", "event_id": f"Ev{tag}{i:03d}", "event": {
        "type": "message", "channel_type": "im", "user": f"U0{tag}{i % 5}",
        "channel": f"D{tag}{i:03d}", "text": COMMANDS[i % len(COMMANDS)]}}
        for i in range(BURST)]


async def send(http: aiohttp.ClientSession, url: str, secret: str, payload: dict,
               retry: int = 0) -> dict | None:
    """POST one signed event; its JSON answer if it was a 200, else None (not acknowledged)."""
    raw = json.dumps(payload).encode()
    headers = slack.signed_headers(secret, raw)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    try:
        async with http.post(url + "/slack/events", data=raw, headers=headers) as resp:
            return await resp.json() if resp.status == 200 else None
    except aiohttp.ClientError:  # refused, reset, cut: Slack would retry it
        return None


async def db_counts(db_url: str) -> dict:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            logged = Counter((await session.scalars(select(Log.event_id))).all())
            pending = list(await session.scalars(select(PendingEvent)))
    finally:
        await engine.dispose()
    return {"logged": logged, "pending": len(pending),
            "pending_with_reply": sum(p.reply is not None for p in pending)}


async def standin_replies(slack_url: str, tag: str) -> Counter:
    async with aiohttp.ClientSession() as http, http.get(slack_url + "/_standin/messages") as resp:
        messages = (await resp.json())["messages"]
    return Counter(m["channel"] for m in messages if m["channel"].startswith(f"D{tag}"))


async def run_burst(standins, db_url: str, stop_signal: int, capsys) -> dict:
    """Burst, stop by PID after a random number of acknowledgements, restart, retry all."""
    slack_api = standins[0]
    secret = os.urandom(16).hex()
    tag = f"{'K' if stop_signal == signal.SIGKILL else 'T'}{os.urandom(3).hex().upper()}"
    events = burst_events(tag)
    stop_after = random.Random().randint(5, BURST - 10)
    jeeves = start_jeeves(standins, db_url, secret)
    acknowledged: set[str] = set()
    try:
        async with aiohttp.ClientSession() as http:
            limit = asyncio.Semaphore(8)  # eight of Slack's connections at a time

            async def first(payload):
                async with limit:
                    answer = await send(http, jeeves.url, secret, payload)
                if answer == {"ok": True}:
                    acknowledged.add(payload["event_id"])
                    if len(acknowledged) == stop_after:
                        os.kill(jeeves.pid, stop_signal)  # mid-burst, by PID

            await asyncio.gather(*(first(p) for p in events))
        code = await asyncio.to_thread(jeeves.process.wait, 30)
    finally:
        jeeves.stop()
    before = await db_counts(db_url)
    if stop_signal == signal.SIGTERM:
        assert code == 0, jeeves.output()
        assert "Stopping: waiting for" in jeeves.output()
        # A graceful stop finishes everything it acknowledged before exiting.
        assert before["pending"] == 0 and set(before["logged"]) >= acknowledged, jeeves.output()
    else:
        assert code == -signal.SIGKILL

    again = start_jeeves(standins, db_url, secret)
    try:
        async with aiohttp.ClientSession() as http:
            # Slack retries what it has no 200 for; we retry everything, to be harsh.
            answers = await asyncio.gather(*(send(http, again.url, secret, p, retry=1)
                                             for p in events))
        assert None not in answers
        assert all(a in ({"ok": True}, {"ok": True, "pending": True},
                         {"ok": True, "duplicate": True}) for a in answers), answers
        deadline = time.monotonic() + 60
        while len((after := await db_counts(db_url))["logged"]) < BURST:
            assert time.monotonic() < deadline, f"unfinished: {after}\n{again.output()}"
            await asyncio.sleep(0.1)  # polling the database, not synchronisation
    finally:
        again.stop()
    replies = await standin_replies(slack_api.url, tag)
    after = await db_counts(db_url)
    figures = {
        "acknowledged": len(acknowledged), "stopped_after": stop_after,
        "unfinished_at_stop": before["pending"],
        "reply_stored_at_stop": before["pending_with_reply"],
        "replied": len(replies), "logged": len(after["logged"]),
        "duplicates": sum(n - 1 for n in replies.values())
        + sum(n - 1 for n in after["logged"].values()),
    }
    with capsys.disabled():
        print(f"\n[burst {signal.Signals(stop_signal).name} {db_url.split(':')[0]}] {figures}")
    # Exactly one reply and one Log row for every event, acknowledged or not.
    assert replies == Counter(e["event"]["channel"] for e in events), figures
    assert after["logged"] == Counter(e["event_id"] for e in events), figures
    assert after["pending"] == 0
    assert "Traceback" not in again.output(), again.output()
    return figures


@pytest.mark.integration
async def test_sigkill_mid_burst_loses_and_repeats_nothing(standins, db_url, capsys):
    figures = await run_burst(standins, db_url, signal.SIGKILL, capsys)
    assert figures["acknowledged"] >= figures["stopped_after"]


@pytest.mark.integration
async def test_sigterm_mid_burst_finishes_what_it_acknowledged(standins, tmp_path, capsys):
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}"
    figures = await run_burst(standins, db_url, signal.SIGTERM, capsys)
    assert figures["unfinished_at_stop"] == 0
