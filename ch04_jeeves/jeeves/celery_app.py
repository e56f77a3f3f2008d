"""Jeeves's jobs in Celery workers: for when one Quart process is not enough.

The tasks are thin: each opens a job context, runs the shared ``async`` job
from ``jobs.py`` with ``asyncio.run`` (a Celery task is a plain function; an
``async def`` task would hand back an un-awaited coroutine), and closes it.

Run a worker (the broker needs no server by default: kombu's SQLAlchemy
transport on a SQLite file in the instance folder)::

    JEEVES_DEV=1 celery -A ch04_jeeves.jeeves.celery_app worker --pool=solo --loglevel=INFO
    JEEVES_DEV=1 JEEVES_ALERT_INTERVAL=3600 celery -A ch04_jeeves.jeeves.celery_app beat

and with Redis: ``JEEVES_BROKER_URL=redis://localhost:6379/0`` (``pip install redis``).
Send work from Python: ``app.send_task("jeeves.weather_alerts")``. Jeeves itself
(``JEEVES_TASK_RUNNER=celery``, see ``runners.py``) sends ``jeeves.handle_event``
with the id of an event it has stored; running it twice is harmless.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from celery import Celery
from kombu.transport import sqlalchemy as sql_broker

from . import jobs
from .config import DEFAULT_INSTANCE_PATH, from_env

# A SQL broker is polled for new tasks: by kombu, once a second, so each task
# handed over could wait that long. A tenth of a second costs a cheap query.
# (Set on the transport: kombu passes this transport's broker_transport_options
# to SQLAlchemy's create_engine, which refuses a polling_interval.)
sql_broker.Transport.polling_interval = 0.1


def broker_urls(env: dict | None = None) -> tuple[str, str]:
    """(broker, result backend): JEEVES_BROKER_URL / JEEVES_RESULT_BACKEND, else SQLite files."""
    env = os.environ if env is None else env
    instance = Path(env.get("JEEVES_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH)
    broker = env.get("JEEVES_BROKER_URL") or f"sqla+sqlite:///{instance / 'celery-broker.db'}"
    backend = env.get("JEEVES_RESULT_BACKEND") or f"db+sqlite:///{instance / 'celery-results.db'}"
    return broker, backend


def make_celery(env: dict | None = None) -> Celery:
    """A Celery app configured from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    broker, backend = broker_urls(env)
    if broker.startswith("sqla+sqlite:///"):
        # SQLAlchemy creates the SQLite file, but not its folder.
        Path(broker.removeprefix("sqla+sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    celery = Celery("jeeves", broker=broker, backend=backend)
    celery.conf.update(
        task_default_queue=env.get("JEEVES_CELERY_QUEUE") or "jeeves",
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # A job is acknowledged when it has run, not when it was received: a worker
        # killed mid-job leaves it in the queue for the next worker.
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        result_expires=3600,
    )
    interval = jobs.alert_interval(env)
    if interval > 0:  # for `celery beat`: the same setting as the in-process scheduler
        celery.conf.beat_schedule = {
            "weather-alerts": {"task": "jeeves.weather_alerts", "schedule": interval}}
    return celery


app = make_celery()


def run(job, *args):
    """Run one shared async job with a fresh context, in this worker process."""
    settings = from_env()  # read per task: a worker can start before the settings exist

    async def go():
        async with jobs.open_context(settings) as ctx:
            return await job(ctx, *args)

    return asyncio.run(go())


@app.task(name="jeeves.ping")
def ping() -> str:
    """Readiness: a round trip through the broker and the worker."""
    return "pong"


@app.task(name="jeeves.handle_event")
def handle_event(event_id: str) -> str:
    """Answer one Slack event Jeeves accepted (and stored): safe to run twice."""
    return run(jobs.handle_event, event_id)


@app.task(name="jeeves.weather_alert")
def weather_alert(user_id: int) -> str:
    return run(jobs.weather_alert, user_id)


@app.task(name="jeeves.weather_alerts")
def weather_alerts() -> int:
    """The periodic round: one ``weather_alert`` task per recipient, so workers share them."""
    recipients = run(jobs.alert_recipients)
    for user_id in recipients:
        weather_alert.delay(user_id)
    return len(recipients)
