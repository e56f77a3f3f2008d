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
import socket
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from ch04_jeeves.jeeves import create_app, jobs, slack
from ch04_jeeves.jeeves.actions import HELP
from ch04_jeeves.jeeves.app import wait_for_background_tasks
from ch04_jeeves.jeeves.models import (
    Log,
    PendingEvent,
    SeenEvent,
    init_db,
    make_engine,
    make_sessionmaker,
)
from tests.ch04.conftest import without_jeeves_settings
from workbook import catalogue, serving

CLEAN = without_jeeves_settings()
BURST = 40
COMMANDS = ["help", "weather in Paris", "get location", "weather in Tokyo", "services",
            "config location London", "make tea"]


def process_test(test):
    """Real processes, a few seconds each (spread over the xdist workers)."""
    return pytest.mark.integration(pytest.mark.slow(test))


# --- the hard way: a real process, killed ------------------------------------------


@pytest.fixture(scope="module")
def standins():
    """The Slack and weather stand-ins as processes, shared by this module's tests
    (each test uses its own channels). The weather answers after 50 ms, so some
    events are always mid-work when Jeeves is stopped."""
    token = "xoxb-burst-" + os.urandom(4).hex()
    slack_api = serving.start_example(catalogue.get("ch04.slack_standin"), warm=True,
                                      env={"SLACK_STANDIN_TOKEN": token})
    weather_api = serving.start_example(catalogue.get("ch04.weather_standin"), warm=True,
                                        env={"WEATHER_STANDIN_DELAY": "0.05"})
    try:
        yield slack_api, weather_api, token
    finally:
        slack_api.stop()
        weather_api.stop()


def start_jeeves(standins, db_url: str, secret: str) -> serving.Served:
    slack_api, weather_api, token = standins
    env = {**CLEAN,
           "SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": token,
           "SLACK_API_URL": slack_api.url + "/api/", "WEATHER_API_URL": weather_api.url,
           "JEEVES_DATABASE_URL": db_url, "JEEVES_DEV": "0"}
    return serving.start_process([sys.executable, "-m", "ch04_jeeves.jeeves", "serve"],
                                 name="jeeves", env=env, warm=True)


def burst_events(tag: str) -> list[dict]:
    return [{"type": "event_callback", "event_id": f"Ev{tag}{i:03d}", "event": {
        "type": "message", "channel_type": "im", "user": f"U0{tag}{i % 5}",
        "channel": f"D{tag}{i:03d}", "text": COMMANDS[i % len(COMMANDS)]}}
        for i in range(BURST)]


async def send(http: aiohttp.ClientSession, url: str, secret: str, payload: dict,
               retry: int = 0) -> dict | str:
    """POST one signed event: its JSON answer if it was a 200 (acknowledged), else
    a string saying what came back instead (Slack would retry it)."""
    raw = json.dumps(payload).encode()
    headers = slack.signed_headers(secret, raw)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    try:
        async with http.post(url + "/slack/events", data=raw, headers=headers) as resp:
            if resp.status == 200:
                return await resp.json()
            return f"{resp.status} {(await resp.text())[:200]}"
    except aiohttp.ClientError as exc:  # refused, reset, cut
        return repr(exc)


def is_jeeves(server: serving.Served) -> None:
    """The server that answered is our Jeeves (not another process that took the port
    between free_port() and our bind), and it is still running."""
    with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
        assert json.load(resp).get("name") == "jeeves", server.output()
    assert server.process.poll() is None, server.output()


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
    clock = [time.monotonic()]
    jeeves = start_jeeves(standins, db_url, secret)
    acknowledged: set[str] = set()
    try:
        is_jeeves(jeeves)
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
        clock.append(time.monotonic())
        code = await asyncio.to_thread(jeeves.process.wait, 30)
        clock.append(time.monotonic())
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
    clock.append(time.monotonic())
    try:
        is_jeeves(again)
        async with aiohttp.ClientSession() as http:
            # Slack retries what it has no 200 for; we retry everything, to be harsh.
            answers = await asyncio.gather(*(send(http, again.url, secret, p, retry=1)
                                             for p in events))
        failed = [a for a in answers if not isinstance(a, dict)]
        assert not failed, f"{len(failed)} retries failed: {failed[:3]}\n{again.output()}"
        assert all(a in ({"ok": True}, {"ok": True, "pending": True},
                         {"ok": True, "duplicate": True}) for a in answers), answers
        deadline = time.monotonic() + 60
        while len((after := await db_counts(db_url))["logged"]) < BURST:
            assert time.monotonic() < deadline, f"unfinished: {after}\n{again.output()}"
            await asyncio.sleep(0.1)  # polling the database, not synchronisation
        clock.append(time.monotonic())
    finally:
        again.stop()
    clock.append(time.monotonic())
    replies = await standin_replies(slack_api.url, tag)
    after = await db_counts(db_url)
    figures = {
        "acknowledged": len(acknowledged), "stopped_after": stop_after,
        "unfinished_at_stop": before["pending"],
        "reply_stored_at_stop": before["pending_with_reply"],
        "replied": len(replies), "logged": len(after["logged"]),
        "duplicates": sum(n - 1 for n in replies.values())
        + sum(n - 1 for n in after["logged"].values()),
        # start+burst, stop, restart, retries until all logged, last stop (seconds)
        "phases": [round(b - a, 1) for a, b in zip(clock, clock[1:], strict=False)],
    }
    with capsys.disabled():
        print(f"\n[burst {signal.Signals(stop_signal).name} {db_url.split(':')[0]}] {figures}")
    # Exactly one reply and one Log row for every event, acknowledged or not.
    assert replies == Counter(e["event"]["channel"] for e in events), figures
    assert after["logged"] == Counter(e["event_id"] for e in events), figures
    assert after["pending"] == 0
    assert "Traceback" not in again.output(), again.output()
    return figures


@process_test
async def test_sigkill_mid_burst_loses_and_repeats_nothing(standins, db_url, capsys):
    figures = await run_burst(standins, db_url, signal.SIGKILL, capsys)
    assert figures["acknowledged"] >= figures["stopped_after"]


@process_test
async def test_sigterm_mid_burst_finishes_what_it_acknowledged(standins, tmp_path, capsys):
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}"
    figures = await run_burst(standins, db_url, signal.SIGTERM, capsys)
    assert figures["unfinished_at_stop"] == 0


# --- each recovery path on its own (Quart's test client) ------------------------------


async def store_unfinished(sessions, event_id: str, channel: str, text: str = "help",
                           reply: str | None = None, thread_ts: str | None = None) -> None:
    """What a process killed mid-work leaves behind: the event accepted, maybe its reply
    stored (the outbox), no Log row, and a lease held by the dead process."""
    assert await jobs.accept_event(sessions, event_id, "U0CRASH", channel, text,
                                   thread_ts) == "new"
    async with sessions.begin() as session:
        row = await session.get(PendingEvent, event_id)
        row.lease_until = time.time() + jobs.LEASE_SECONDS
        if reply is not None:
            row.reply, row.reply_stored_at = reply, time.time()
            row.service, row.outcome = "help", "ok"


async def test_a_retry_of_an_accepted_but_unfinished_event_is_finished(jeeves, make_event,
                                                                       slack_api):
    payload = make_event("help", event_id="EvUNFINISHED", channel="D0UNFIN")
    await store_unfinished(jeeves.sessions, "EvUNFINISHED", "D0UNFIN")
    async with jeeves.sessions.begin() as session:  # the dead process's lease has run out
        (await session.get(PendingEvent, "EvUNFINISHED")).lease_until = time.time() - 1
    raw = json.dumps(payload).encode()
    headers = slack.signed_headers(jeeves.settings.signing_secret, raw) | {"X-Slack-Retry-Num": "1"}
    response = await jeeves.post(raw, headers=headers)
    assert await response.get_json() == {"ok": True, "pending": True}  # not a lost "duplicate"
    await jeeves.drain()
    [message] = slack_api.state["messages"]
    assert (message["channel"], message["text"]) == ("D0UNFIN", HELP)
    [log] = await jeeves.logs()
    assert (log.event_id, log.service, log.outcome) == ("EvUNFINISHED", "help", "ok")
    response = await jeeves.post(raw, headers=headers)
    assert await response.get_json() == {"ok": True, "duplicate": True}


@pytest.mark.parametrize("thread_ts", [None, "1700000000.000100"], ids=["channel", "thread"])
@pytest.mark.parametrize("reached_slack", [True, False], ids=["posted", "not-posted"])
async def test_a_stored_reply_is_posted_once_after_a_crash(settings, slack_api, thread_ts,
                                                           reached_slack):
    """The one window: the reply stored, the process killed around the post. At the
    next start Jeeves asks Slack (the reply's metadata names the event) before posting."""
    engine = make_engine(settings.database_url)
    await init_db(engine)
    sessions = make_sessionmaker(engine)
    await store_unfinished(sessions, "EvWINDOW", "D0WINDOW", reply=HELP, thread_ts=thread_ts)
    if reached_slack:  # the post the dead process made before it could write the Log row
        client = slack.make_client(settings.bot_token, settings.slack_api_url)
        assert await slack.post_reply(client, "D0WINDOW", HELP, thread_ts,
                                      event_id="EvWINDOW") is None
    await engine.dispose()
    app = create_app(settings)
    async with app.test_app():  # start-up recovery takes over the dead process's lease
        await wait_for_background_tasks(app)
    [message] = slack_api.state["messages"]
    assert (message["channel"], message["thread_ts"]) == ("D0WINDOW", thread_ts)
    assert message["metadata"] == {"event_type": "jeeves_reply",
                                   "event_payload": {"event_id": "EvWINDOW"}}
    counts = await db_counts(settings.database_url)
    assert counts == {"logged": Counter({"EvWINDOW": 1}), "pending": 0, "pending_with_reply": 0}
    posts = [c for c in slack_api.state["calls"] if c["method"] == "chat.postMessage"]
    assert len(posts) == 1  # posted once, by whichever process


async def test_when_slack_cannot_say_whether_a_reply_went_out_it_is_never_posted_blind(
        jeeves, slack_api):
    await store_unfinished(jeeves.sessions, "EvUNSURE", "D0UNSURE", reply=HELP)
    slack_api.state["token"] = "xoxb-rotated"  # conversations.history answers invalid_auth
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await jobs.handle_event(jeeves.app.extensions["jeeves"], "EvUNSURE", take_over=True)
    counts = await db_counts(jeeves.settings.database_url)
    assert counts["pending"] == 1 and counts["logged"] == Counter()  # kept, to ask again
    async with jeeves.sessions.begin() as session:
        (await session.get(PendingEvent, "EvUNSURE")).attempts = jobs.MAX_ATTEMPTS
    assert await jobs.handle_event(jeeves.app.extensions["jeeves"], "EvUNSURE",
                                   take_over=True) == "reply_unknown"
    [log] = await jeeves.logs()
    assert (log.event_id, log.outcome) == ("EvUNSURE", "reply_unknown")
    assert log.detail.startswith(
        "could not ask Slack whether the reply went out before a crash: SlackApiError")
    assert "invalid_auth" in log.detail
    assert [c for c in slack_api.state["calls"] if c["method"] == "chat.postMessage"] == []


async def test_unfinished_events_are_finished_at_start(settings, slack_api):
    engine = make_engine(settings.database_url)
    await init_db(engine)
    for i in range(3):
        await store_unfinished(make_sessionmaker(engine), f"EvSTART{i}", f"D0START{i}",
                               text="config location Paris")
    await engine.dispose()
    app = create_app(settings)
    async with app.test_app():
        await wait_for_background_tasks(app)
    assert sorted(m["channel"] for m in slack_api.state["messages"]) == [
        "D0START0", "D0START1", "D0START2"]
    assert {m["text"] for m in slack_api.state["messages"]} == {"Got it: you are in Paris."}
    counts = await db_counts(settings.database_url)
    assert counts["logged"] == Counter({"EvSTART0": 1, "EvSTART1": 1, "EvSTART2": 1})
    assert counts["pending"] == 0


async def test_an_overlong_event_id_is_refused_not_cut(jeeves, make_event, slack_api):
    longest = "Ev" + "A" * 62
    response = await jeeves.post(make_event("help", event_id=longest + "X"))
    assert response.status_code == 400
    assert await response.get_json() == {"ok": False,
                                         "error": "event_id longer than 64 characters"}
    # Before, ids were cut to 64 characters, so this one would have been a "duplicate".
    response = await jeeves.post(make_event("help", event_id=longest))
    assert await response.get_json() == {"ok": True}
    await jeeves.drain()
    assert [log.event_id for log in await jeeves.logs()] == [longest]
    assert len(slack_api.state["messages"]) == 1


async def test_seen_event_ids_are_forgotten_after_a_day(jeeves):
    old = datetime.now(UTC) - timedelta(days=1, minutes=1)
    async with jeeves.sessions.begin() as session:
        session.add_all([SeenEvent(event_id="EvOLD", received_at=old),
                         SeenEvent(event_id="EvRECENT")])
    # An old event still unfinished keeps its marker (its retries must not start it twice).
    await store_unfinished(jeeves.sessions, "EvOLDPENDING", "D0OLD")
    async with jeeves.sessions.begin() as session:
        (await session.get(SeenEvent, "EvOLDPENDING")).received_at = old
    assert await jobs.forget_seen_events(jeeves.sessions) == 1
    async with jeeves.sessions() as session:
        left = set(await session.scalars(select(SeenEvent.event_id)))
    assert left == {"EvRECENT", "EvOLDPENDING"}


async def test_a_request_that_starts_while_stopping_gets_a_503(jeeves, make_event, slack_api):
    jeeves.app.config["JEEVES_STOPPING"] = True  # what `jeeves serve` sets on Ctrl-C
    response = await jeeves.post(make_event("help"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert await response.get_json() == {"ok": False, "error": "shutting down: try again shortly"}
    await jeeves.drain()
    assert await jeeves.logs() == [] and slack_api.state["messages"] == []


# --- shutdown, as an operator sees it ---------------------------------------------------


def wait_for_output(server: serving.Served, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in server.output():
        assert time.monotonic() < deadline, f"never printed {text!r}:\n{server.output()}"
        time.sleep(0.05)  # polling its output, not synchronisation


def configure_weather(weather_url: str, delay: float) -> None:
    request = urllib.request.Request(weather_url + "/_standin/config", method="POST",
                                     data=json.dumps({"delay": delay}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as resp:
        assert json.load(resp)["delay"] == delay


@process_test
async def test_shutdown_says_what_it_waits_for_and_a_second_ctrl_c_forces(standins, tmp_path):
    slack_api, weather_api, _ = standins
    db_url, secret = f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}", os.urandom(16).hex()
    event = {"type": "event_callback", "event_id": "EvFORCED", "event": {
        "type": "message", "channel_type": "im", "user": "U0OPS", "channel": "D0FORCED",
        "text": "weather in Beijing"}}
    configure_weather(weather_api.url, 20.0)  # a weather API slower than anyone waits for
    try:
        jeeves = start_jeeves(standins, db_url, secret)
        try:
            async with aiohttp.ClientSession() as http:
                assert await send(http, jeeves.url, secret, event) == {"ok": True}
            os.kill(jeeves.pid, signal.SIGINT)  # Ctrl-C
            wait_for_output(jeeves, "Stopping: waiting for 1 background job(s)")
            os.kill(jeeves.pid, signal.SIGINT)  # Ctrl-C again: now
            started = time.monotonic()
            code = await asyncio.to_thread(jeeves.process.wait, 10)
            assert time.monotonic() - started < 2
        finally:
            jeeves.stop()
        assert code == 130
        assert "Forced exit with 1 background job(s) unfinished" in jeeves.output()
    finally:
        configure_weather(weather_api.url, 0.05)
    assert (await db_counts(db_url))["pending"] == 1  # stored, not lost
    again = start_jeeves(standins, db_url, secret)  # answers it at start
    try:
        deadline = time.monotonic() + 30
        while not (await db_counts(db_url))["logged"]:
            assert time.monotonic() < deadline, again.output()
            await asyncio.sleep(0.1)  # polling the database, not synchronisation
    finally:
        again.stop()
    assert await standin_replies(slack_api.url, "0FORCED") == Counter({"D0FORCED": 1})


@process_test
async def test_a_request_on_the_wire_at_shutdown_gets_a_clean_answer(standins, tmp_path):
    """Half a request is on the wire when SIGTERM comes. If Jeeves had started on it, it
    finishes (Hypercorn's graceful timeout, JEEVES_GRACEFUL_TIMEOUT, is 10 s); if not,
    it gets a clean 503 that Slack retries. Never a cut connection or an empty 500,
    and the answer matches what was stored."""
    slack_api = standins[0]
    db_url, secret = f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}", os.urandom(16).hex()
    raw = json.dumps({"type": "event_callback", "event_id": "EvINFLIGHT", "event": {
        "type": "message", "channel_type": "im", "user": "U0OPS", "channel": "D0INFLIGHT",
        "text": "help"}}).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in slack.signed_headers(secret, raw).items())
    jeeves = start_jeeves(standins, db_url, secret)
    try:
        with socket.create_connection(("127.0.0.1", jeeves.port), timeout=10) as sock:
            sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: jeeves\r\n{head}"
                         f"Content-Length: {len(raw)}\r\n\r\n".encode() + raw[:20])
            os.kill(jeeves.pid, signal.SIGTERM)
            wait_for_output(jeeves, "Stopping: waiting for")
            sock.sendall(raw[20:])
            answer = b""
            while not answer.endswith(b"}\n"):
                chunk = sock.recv(4096)
                assert chunk, f"connection closed: {answer!r}\n{jeeves.output()}"
                answer += chunk
        code = await asyncio.to_thread(jeeves.process.wait, 15)
    finally:
        jeeves.stop()
    assert code == 0
    status, body = answer.split(b"\r\n", 1)[0], json.loads(answer.split(b"\r\n\r\n", 1)[1])
    counts = await db_counts(db_url)
    assert counts["pending"] == 0
    if status == b"HTTP/1.1 200 ":
        assert body == {"ok": True}
        assert counts["logged"] == Counter({"EvINFLIGHT": 1})
        assert await standin_replies(slack_api.url, "0INFLIGHT") == Counter({"D0INFLIGHT": 1})
    else:
        assert status == b"HTTP/1.1 503 " and b"retry-after: 5" in answer.lower(), answer
        assert body == {"ok": False, "error": "shutting down: try again shortly"}
        assert counts["logged"] == Counter()
    print(f"\n[on the wire at SIGTERM] {status.decode()}")
