"""Who runs Jeeves's jobs: this Quart process, or Celery workers.

The one place that decides how a job is dispatched (``JEEVES_TASK_RUNNER``):

* ``inprocess`` (the default): a Quart background task in this process;
* ``celery``: a task sent to Celery workers (``jeeves/celery_app.py``); if the
  broker cannot take it, it is done here rather than left waiting.

``install`` also runs, inside Quart: the start-up recovery (events accepted
but never finished, e.g. after a crash, are run again), a housekeeping round
every ten minutes (forget day-old event ids, pick up stuck events), and the
periodic weather alerts (``JEEVES_ALERT_INTERVAL``). Quart's shutdown waits for
its background tasks; ``jobs_in_flight`` says how many there are.
"""

from __future__ import annotations

import asyncio
import logging
import os

from quart import Quart

from . import jobs
from .config import ConfigError

log = logging.getLogger("jeeves.runners")

# Quart cancels background tasks still running this many seconds into shutdown.
# Its default (5 s) is shorter than one job can take (two weather calls of up to
# WEATHER_TIMEOUT each, then Slack's 10 s). A cancelled event is not lost (it
# stays stored and runs at the next start), but finishing it is kinder.
SHUTDOWN_GRACE_SECONDS = 30
HOUSEKEEPING_SECONDS = 600.0
# Events answered at once in this process; the rest wait their turn (they are
# stored). Keeps database connections free for the endpoint's quick inserts.
MAX_PARALLEL_EVENTS = 8


def task_runner(env: dict | None = None) -> str:
    """``JEEVES_TASK_RUNNER``: ``inprocess`` (the default) or ``celery``."""
    raw = ((os.environ if env is None else env).get("JEEVES_TASK_RUNNER") or "inprocess").lower()
    if raw not in ("inprocess", "celery"):
        raise ConfigError(f"JEEVES_TASK_RUNNER must be inprocess or celery, not {raw!r}")
    return raw


class Runner:
    """Runs accepted Slack events; at most once at a time per event in this process."""

    def __init__(self, app: Quart, celery=None):
        self.app = app
        self.celery = celery  # None: in this process
        self.running: set[str] = set()  # event ids with a job here now
        self.alert_rounds = 0
        self.limit = asyncio.Semaphore(MAX_PARALLEL_EVENTS)

    def submit(self, event_id: str, take_over: bool = False) -> None:
        if event_id in self.running:  # a Slack retry while we are answering it
            return
        self.running.add(event_id)
        self.app.add_background_task(self._run, event_id, take_over)

    async def _run(self, event_id: str, take_over: bool) -> None:
        try:
            if self.celery is not None:
                try:
                    # Sending talks to the broker with a blocking client: keep it off the loop.
                    await asyncio.to_thread(self.celery.send_task, "jeeves.handle_event",
                                            args=[event_id])
                    return
                except Exception:
                    log.exception("could not hand event %s to Celery: handling it here", event_id)
            async with self.limit:
                await jobs.handle_event(self.app.extensions["jeeves"], event_id, take_over)
        except Exception:  # it stays stored: the next retry, round or start finishes it
            log.exception("event %s is not finished", event_id)
        finally:
            self.running.discard(event_id)

    @property
    def takes_over_at_start(self) -> bool:
        # In process, this is the only runner for its database: whoever held an
        # unfinished event before the start is gone. Celery workers may be alive.
        return self.celery is None


def runner(app: Quart) -> Runner:
    return app.extensions["jeeves_runner"]


def jobs_in_flight(app: Quart) -> int:
    """Events being answered here and alert rounds running: what shutdown waits for."""
    found = app.extensions.get("jeeves_runner")
    return 0 if found is None else len(found.running) + found.alert_rounds


def install(app: Quart) -> None:
    """Dispatch Jeeves's jobs for this Quart app; recover at start; run the loops.

    Call after the hook that opens ``app.extensions["jeeves"]``: before_serving
    hooks run in the order they were registered. ``app.config["JEEVES_ALERT_INTERVAL"]``
    and ``["JEEVES_HOUSEKEEPING_INTERVAL"]`` may be changed after ``create_app``.
    """
    app.config.setdefault("JEEVES_ALERT_INTERVAL", jobs.alert_interval())
    app.config.setdefault("JEEVES_HOUSEKEEPING_INTERVAL", HOUSEKEEPING_SECONDS)
    if "JEEVES_CELERY" not in app.config:
        celery = None
        if task_runner() == "celery":
            from .celery_app import make_celery  # Celery is imported only when used
            celery = make_celery()
        app.config["JEEVES_CELERY"] = celery
    app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = max(
        app.config.get("BACKGROUND_TASK_SHUTDOWN_TIMEOUT", 5), SHUTDOWN_GRACE_SECONDS)

    @app.before_serving
    async def start_runner():
        found = app.extensions["jeeves_runner"] = Runner(app, app.config["JEEVES_CELERY"])
        await jobs.forget_seen_events(app.extensions["jeeves"].sessions)
        # Recovery: events acknowledged to Slack but not finished (a crash, a kill).
        take_over = found.takes_over_at_start
        unfinished = await jobs.unfinished_events(app.extensions["jeeves"].sessions,
                                                  stale_after=None if take_over else 0)
        if unfinished:
            log.warning("finishing %d event(s) accepted before the last stop", len(unfinished))
        for event_id in unfinished:
            found.submit(event_id, take_over=take_over)
        interval = float(app.config["JEEVES_ALERT_INTERVAL"])
        if interval > 0:
            # A Quart background task, not a bare asyncio.create_task: Quart keeps a
            # reference (a bare task can be garbage-collected mid-run) and its
            # shutdown waits for it.
            app.add_background_task(alert_loop, app, interval)

    @app.while_serving
    async def housekeeping():
        # Not a background task: tests wait for those to finish, and this one never does.
        task = asyncio.create_task(
            housekeeping_loop(app, float(app.config["JEEVES_HOUSEKEEPING_INTERVAL"])))
        yield
        await task  # it stops at once: Quart has set shutdown_event


async def sleep_unless_stopping(app: Quart, seconds: float) -> bool:
    """Sleep, but wake at once when Quart starts shutting down. True: stopping."""
    try:
        await asyncio.wait_for(app.shutdown_event.wait(), seconds)
        return True
    except TimeoutError:
        return False


async def housekeeping_loop(app: Quart, interval: float) -> None:
    """Forget day-old event ids; pick up events nobody finished (a job that failed,
    a Celery worker that died) once their runner's lease has run out."""
    while not await sleep_unless_stopping(app, interval):
        res = app.extensions["jeeves"]
        try:
            forgotten = await jobs.forget_seen_events(res.sessions)
            stuck = await jobs.unfinished_events(res.sessions, stale_after=interval)
        except Exception:  # the database is down? try again next round
            log.exception("housekeeping failed")
            continue
        if forgotten or stuck:
            log.info("housekeeping: forgot %d old event ids, resubmitted %d events",
                     forgotten, len(stuck))
        for event_id in stuck:
            runner(app).submit(event_id)


async def alert_loop(app: Quart, interval: float) -> None:
    """A round every ``interval`` seconds until shutdown; a round is never cut short."""
    while not await sleep_unless_stopping(app, interval):
        runner(app).alert_rounds += 1
        try:
            counts = await jobs.weather_alerts(app.extensions["jeeves"])
            log.info("weather alerts: %s", counts)
        except Exception:  # a failed round (database down?) must not end the schedule
            log.exception("weather alert round failed")
        finally:
            runner(app).alert_rounds -= 1
