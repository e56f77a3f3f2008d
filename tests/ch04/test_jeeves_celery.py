"""ch04_jeeves.jeeves.celery_app: the same jobs in a real Celery worker process.

A worker (``celery -A ch04_jeeves.jeeves.celery_app worker --pool=solo``) runs
as a subprocess against a real broker: kombu's SQLAlchemy transport on a
SQLite file (needs no server), and Redis when ``JEEVES_BROKER_URL`` points to
one. The test sends tasks by name, as Jeeves or ``celery beat`` would, and
checks their effects where they land: the Slack stand-in's messages and the
``Log`` rows in the database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from kombu.transport import get_transport_cls
from sqlalchemy import select

from ch04_jeeves.jeeves import create_app, jobs, runners, slack
from ch04_jeeves.jeeves.actions import HELP
from ch04_jeeves.jeeves.celery_app import make_celery
from ch04_jeeves.jeeves.config import ConfigError
from ch04_jeeves.jeeves.models import Log, User, init_db, make_engine, make_sessionmaker
from tests.ch04.conftest import without_jeeves_settings
from workbook import catalogue, serving

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,  # a Celery worker process per test
    # kombu's SQL transport still uses `noload`, deprecated in SQLAlchemy 2.1 (kombu's to fix).
    pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy is deprecated"),
]
CLEAN = without_jeeves_settings()


@pytest.fixture(params=["sqlite-broker", "redis-broker"])
def broker(request, tmp_path):
    """(broker URL, result backend URL) for one test."""
    results = f"db+sqlite:///{tmp_path / 'results.db'}"
    if request.param == "sqlite-broker":
        return f"sqla+sqlite:///{tmp_path / 'broker.db'}", results
    url = os.environ.get("JEEVES_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        pytest.skip("the Redis variant runs when JEEVES_BROKER_URL=redis://host:port/db is set")
    pytest.importorskip("redis", reason="JEEVES_BROKER_URL is Redis but the redis client "
                                        "is not installed (pip install redis)")
    return url, results


class Worker:
    """A Celery worker process on its own queue, stopped by PID."""

    def __init__(self, env: dict, log_path):
        self.log_path = log_path
        self.log_file = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ch04_jeeves.jeeves.celery_app", "worker",
             "--pool=solo", "--concurrency=1", "--loglevel=INFO",
             "-Q", env["JEEVES_CELERY_QUEUE"], "-n", f"{env['JEEVES_CELERY_QUEUE']}@%h",
             # No broadcast chatter: the SQL transport has no fan-out, and it is not needed.
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=catalogue.ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def result(self, async_result, timeout: float = 60.0):
        """The task's return value; fails at once (with the log) if the worker died."""
        deadline = time.monotonic() + timeout
        while not async_result.ready():
            assert self.process.poll() is None, "the worker exited:\n" + self.output()
            assert time.monotonic() < deadline, "no result in time:\n" + self.output()
            await asyncio.sleep(0.05)
        return async_result.get(timeout=1)

    def stop(self) -> float:
        # SIGTERM is Celery's warm shutdown: the task in hand is finished first.
        took = serving.stop_process(self.process, grace=10.0, first=signal.SIGTERM)
        self.log_file.close()
        return took


async def logs_of(db_url: str, service: str) -> list[Log]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.scalars(
                select(Log).where(Log.service == service).order_by(Log.id))).all())
    finally:
        await engine.dispose()


async def wait_for(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (result := await check()):
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)
    return result


async def test_jobs_run_in_a_real_celery_worker(broker, settings, slack_api, weather_api,
                                                tmp_path, capsys, make_event):
    engine = make_engine(settings.database_url)
    await init_db(engine)
    async with make_sessionmaker(engine).begin() as session:
        session.add_all([User(slack_id="U0CELERY1", location="Tokyo", config={}),
                         User(slack_id="U0CELERY2", location="London", config={}),
                         User(slack_id="U0NOPLACE", config={})])
    await engine.dispose()
    broker_url, backend = broker
    env = {**CLEAN, "JEEVES_DEV": "0", "JEEVES_INSTANCE_PATH": str(tmp_path),
           "JEEVES_DATABASE_URL": settings.database_url,
           "SLACK_SIGNING_SECRET": settings.signing_secret, "SLACK_BOT_TOKEN": settings.bot_token,
           "SLACK_API_URL": settings.slack_api_url, "WEATHER_API_URL": settings.weather_api_url,
           "JEEVES_BROKER_URL": broker_url, "JEEVES_RESULT_BACKEND": backend,
           # A queue of its own: parallel tests (and a shared Redis) never take each other's jobs.
           "JEEVES_CELERY_QUEUE": "jeeves-test-" + uuid.uuid4().hex[:12]}
    client = make_celery(env)
    started = time.monotonic()
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert await worker.result(client.send_task("jeeves.ping")) == "pong"
        ready = time.monotonic() - started

        # The periodic round, as `celery beat` sends it: it fans out one task per user.
        assert await worker.result(client.send_task("jeeves.weather_alerts")) == 2
        alerts = await wait_for(lambda: _logs_when(settings.database_url, jobs.ALERT_SERVICE, 2))
        # The per-event work, as Jeeves hands it over: the event stored, then its id sent.
        engine = make_engine(settings.database_url)
        assert await jobs.accept_event(make_sessionmaker(engine), "EvCELERY1", "U0CHAT",
                                       "C0CELERY", "weather in Paris") == "new"
        await engine.dispose()
        outcome = await worker.result(client.send_task("jeeves.handle_event", args=["EvCELERY1"]))
        assert outcome == "ok"
        # Sent twice (a broker redelivery, a Slack retry): the second finds nothing to do.
        again = await worker.result(client.send_task("jeeves.handle_event", args=["EvCELERY1"]))
        assert again == "busy"
        done = time.monotonic() - started

        # Jeeves itself handing a Slack event to the workers (JEEVES_TASK_RUNNER=celery).
        jeeves = create_app(settings)
        jeeves.config["JEEVES_CELERY"] = client
        raw = json.dumps(make_event("help", event_id="EvHANDED1", channel="C0HANDED")).encode()
        async with jeeves.test_app() as test_app:
            resp = await test_app.test_client().post(
                "/slack/events", data=raw,
                headers=slack.signed_headers(settings.signing_secret, raw))
            assert resp.status_code == 200 and await resp.get_json() == {"ok": True}
        # Jeeves has shut down; the reply comes from the worker.
        [handed] = await wait_for(lambda: _logs_when(settings.database_url, "help", 1))
        assert (handed.event_id, handed.outcome) == ("EvHANDED1", "ok")
    finally:
        stopped = worker.stop()
    output = worker.output()
    assert worker.process.returncode == 0, output
    assert "Traceback" not in output and "Warm shutdown" in output, output
    assert output.count("Task jeeves.handle_event[") == 6  # 3 handed over: received, succeeded

    assert sorted((log.message, log.outcome) for log in alerts) == [
        ("alert for London", "ok"), ("alert for Tokyo", "ok")]
    sent = {m["channel"]: m["text"] for m in slack_api.state["messages"]}
    assert sent == {
        "U0CELERY1": "Your weather alert: Weather in Tokyo, Japan: mainly clear, 18.4°C, "
                     "wind 7.2 km/h",
        "U0CELERY2": "Your weather alert: Weather in London, United Kingdom: light rain, 11°C, "
                     "wind 19.8 km/h",
        "C0CELERY": "Weather in Paris, France: overcast, 14.2°C, wind 11.5 km/h",
        "C0HANDED": HELP}
    [chat] = await logs_of(settings.database_url, "weather")
    assert (chat.event_id, chat.outcome, chat.message) == ("EvCELERY1", "ok", "weather in Paris")
    with capsys.disabled():  # the numbers the README quotes
        print(f"\n[celery {broker_url.split(':')[0]}] worker ready {ready:.1f}s, "
              f"3 jobs done {done:.1f}s, stopped in {stopped:.1f}s")


async def _logs_when(db_url: str, service: str, count: int) -> list[Log] | None:
    found = await logs_of(db_url, service)
    return found if len(found) >= count else None


def test_celery_config_from_the_environment(tmp_path):
    env = {"JEEVES_INSTANCE_PATH": str(tmp_path / "inst"), "JEEVES_ALERT_INTERVAL": "600"}
    app = make_celery(env)
    assert app.conf.broker_url == f"sqla+sqlite:///{tmp_path / 'inst' / 'celery-broker.db'}"
    assert app.conf.result_backend == f"db+sqlite:///{tmp_path / 'inst' / 'celery-results.db'}"
    assert app.conf.task_default_queue == "jeeves"
    assert app.conf.task_acks_late is True
    # kombu polls a SQL broker every second unless told otherwise
    assert get_transport_cls("sqla").polling_interval == 0.1
    assert app.conf.beat_schedule == {
        "weather-alerts": {"task": "jeeves.weather_alerts", "schedule": 600.0}}
    assert make_celery({"JEEVES_INSTANCE_PATH": str(tmp_path)}).conf.beat_schedule == {}
    redis = make_celery({"JEEVES_BROKER_URL": "redis://localhost:6379/0",
                         "JEEVES_INSTANCE_PATH": str(tmp_path)})
    assert redis.conf.broker_url == "redis://localhost:6379/0"


def test_task_runner_setting():
    assert runners.task_runner({}) == "inprocess"
    assert runners.task_runner({"JEEVES_TASK_RUNNER": "Celery"}) == "celery"
    with pytest.raises(ConfigError, match="JEEVES_TASK_RUNNER must be inprocess or celery"):
        runners.task_runner({"JEEVES_TASK_RUNNER": "threads"})
