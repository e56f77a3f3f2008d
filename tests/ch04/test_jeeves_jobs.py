"""ch04_jeeves.jeeves.jobs: the background jobs, run inside the Quart process.

The periodic weather alerts and the per-event work are Quart background tasks;
shutting Jeeves down while they run loses none of them: every job finishes, its
message reaches the Slack stand-in and its Log row is written. On SQLite and
PostgreSQL (the ``db_url`` fixture).
"""

from __future__ import annotations

import ast
import asyncio
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ch04_jeeves.jeeves import create_app, jobs, slack
from ch04_jeeves.jeeves.config import ConfigError
from ch04_jeeves.jeeves.models import Log, User, init_db, make_engine, make_sessionmaker

TAIPEI = "Your weather alert: Weather in Taipei, Taiwan: rain showers, 24.1°C, wind 9.1 km/h"


async def add_users(sessions) -> dict[str, int]:
    """Three users who get alerts, and two who must not (no location; inactive)."""
    people = [User(slack_id=f"U0ALERT{i}", location=place, config={})
              for i, place in enumerate(("Paris", "Taipei", "Paris"))]
    people += [User(slack_id="U0NOWHERE", config={}),
               User(slack_id="U0GONE", location="Paris", is_active=False, config={})]
    async with sessions.begin() as session:
        session.add_all(people)
    return {u.slack_id: u.id for u in people}


async def all_logs(db_url: str) -> list[Log]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.scalars(select(Log).order_by(Log.id))).all())
    finally:
        await engine.dispose()


async def wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)
    return result


async def test_shutdown_mid_work_loses_no_job(settings, slack_api, weather_api, make_event):
    app = create_app(settings)
    app.config["JEEVES_ALERT_INTERVAL"] = 0.1
    weather_api.state["delay"] = 0.3  # every job is in flight for a while
    async with app.test_app() as test_app:
        ids = await add_users(app.extensions["jeeves"].sessions)
        client = test_app.test_client()
        events = [make_event("weather in Paris", channel=f"C0EV{i}") for i in range(5)]
        for body in events:
            raw = json.dumps(body).encode()
            resp = await client.post("/slack/events", data=raw,
                                     headers=slack.signed_headers(settings.signing_secret, raw))
            assert resp.status_code == 200 and await resp.get_json() == {"ok": True}
        # Wait until an alert round is in flight (a geocoding call for Taipei only
        # comes from an alert), then shut down at once.
        await wait_for(lambda: any(r["query"].get("name") == "Taipei"
                                   for r in weather_api.state["requests"]))
    # test_app() has exited: Quart's shutdown waited for every background task.
    logs = await all_logs(settings.database_url)
    event_logs = [log for log in logs if log.event_id]
    alert_logs = [log for log in logs if log.service == jobs.ALERT_SERVICE]
    assert sorted(log.event_id for log in event_logs) == sorted(e["event_id"] for e in events)
    assert all(log.outcome == "ok" for log in event_logs)
    rounds, rest = divmod(len(alert_logs), 3)
    assert rounds >= 1 and rest == 0, f"a round was cut short: {len(alert_logs)} alerts"
    assert all(log.outcome == "ok" for log in alert_logs)
    per_user = {uid: sum(log.user_id == uid for log in alert_logs) for uid in ids.values()}
    assert per_user == {ids["U0ALERT0"]: rounds, ids["U0ALERT1"]: rounds, ids["U0ALERT2"]: rounds,
                        ids["U0NOWHERE"]: 0, ids["U0GONE"]: 0}
    messages = slack_api.state["messages"]
    alerts = [m for m in messages if m["channel"].startswith("U0ALERT")]
    assert len(alerts) == len(alert_logs)
    assert {m["text"] for m in alerts if m["channel"] == "U0ALERT1"} == {TAIPEI}
    assert sorted(m["channel"] for m in messages if m["channel"].startswith("C0EV")) == [
        f"C0EV{i}" for i in range(5)]


async def test_alerts_are_off_by_default(jeeves, slack_api):
    assert jeeves.app.config["JEEVES_ALERT_INTERVAL"] == 0
    await add_users(jeeves.sessions)
    await jeeves.drain()  # returns at once: no alert loop was started
    assert slack_api.state["messages"] == []


async def test_weather_alert_job_outcomes(db_url, settings, slack_api, weather_api):
    """The shared job on its own context (as a Celery worker opens it)."""
    engine = make_engine(db_url)
    await init_db(engine)
    ids = await add_users(make_sessionmaker(engine))
    await engine.dispose()
    async with jobs.open_context(settings) as ctx:
        assert await jobs.alert_recipients(ctx) == [ids["U0ALERT0"], ids["U0ALERT1"],
                                                     ids["U0ALERT2"]]
        assert await jobs.weather_alert(ctx, ids["U0ALERT1"]) == "ok"
        assert await jobs.weather_alert(ctx, ids["U0NOWHERE"]) == "skipped"
        assert await jobs.weather_alert(ctx, ids["U0GONE"]) == "skipped"
        assert await jobs.weather_alert(ctx, 10_000) == "skipped"
        weather_api.state["fail_status"] = 503
        assert await jobs.weather_alerts(ctx) == {"error": 3}
        weather_api.state["fail_status"] = None
        slack_api.state["fail_channels"].add("U0ALERT2")
        assert await jobs.weather_alerts(ctx) == {"ok": 2, "reply_failed": 1}
    [first] = slack_api.state["messages"][:1]
    assert first == {**first, "channel": "U0ALERT1",
                     "text": TAIPEI}
    logs = await all_logs(db_url)
    assert (logs[0].outcome, logs[0].message) == ("ok", "alert for Taipei")
    # A round runs its alerts concurrently: their rows come in any order.
    assert sorted((log.outcome, log.message, log.detail) for log in logs[1:4]) == [
        ("error", "alert for Paris", "the weather service answered 503")] * 2 + [
        ("error", "alert for Taipei", "the weather service answered 503")]
    assert sorted(log.outcome for log in logs[4:]) == ["ok", "ok", "reply_failed"]
    # The failed weather rounds posted nothing: only the 1 + 2 successful alerts.
    assert len(slack_api.state["messages"]) == 3


@pytest.mark.parametrize("raw", ["soon", "-5"])
def test_a_bad_alert_interval_is_a_config_error(raw):
    with pytest.raises(ConfigError, match="JEEVES_ALERT_INTERVAL"):
        jobs.alert_interval({"JEEVES_ALERT_INTERVAL": raw})
    assert jobs.alert_interval({}) == 0
    assert jobs.alert_interval({"JEEVES_ALERT_INTERVAL": "3600"}) == 3600


async def test_an_unreachable_broker_means_the_event_is_handled_here(settings, slack_api,
                                                                     make_event, tmp_path):
    """JEEVES_TASK_RUNNER=celery, but the broker cannot take the job: it is not lost."""
    from celery import Celery

    (tmp_path / "not-a-folder").write_text("")
    broken = Celery("broken", broker=f"sqla+sqlite:///{tmp_path / 'not-a-folder' / 'b.db'}")
    broken.conf.broker_connection_max_retries = 0
    app = create_app(settings)
    app.config["JEEVES_CELERY"] = broken
    raw = json.dumps(make_event("help", event_id="EvNOBROKER", channel="C0HERE")).encode()
    async with app.test_app() as test_app:
        resp = await test_app.test_client().post(
            "/slack/events", data=raw, headers=slack.signed_headers(settings.signing_secret, raw))
        assert resp.status_code == 200
    [row] = await all_logs(settings.database_url)
    assert (row.event_id, row.service, row.outcome) == ("EvNOBROKER", "help", "ok")
    assert [m["channel"] for m in slack_api.state["messages"]] == ["C0HERE"]


def test_jobs_are_plain_jobs_and_one_module_dispatches_them():
    """No import loop: jobs.py knows neither Quart nor Celery nor who runs it;
    celery_app.py imports jobs.py, and only runners.py decides (and imports both)."""
    from ch04_jeeves.jeeves import celery_app, runners

    def imports(module) -> set[str]:
        """Sibling modules as ".name", others by their top-level package."""
        found = set()
        for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                found |= {"." + (node.module or a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
        return found

    assert not imports(jobs) & {"quart", "celery", ".celery_app", ".runners", ".app"}
    assert ".jobs" in imports(celery_app)
    assert not imports(celery_app) & {".runners", ".app", "quart"}
    assert {".jobs", ".celery_app"} <= imports(runners)  # celery_app only when it is used
