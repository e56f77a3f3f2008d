"""Jeeves's background jobs, written once and run two ways.

A job is an ``async def`` that takes a context (``sessions``, ``slack``,
``weather``: the app's ``Resources`` has exactly these) and does one piece of
work, logging its outcome in the ``Log`` table:

* ``handle_message``: answer one Slack message (the per-event work);
* ``weather_alert``: post one user the weather at their saved location;
* ``alert_recipients`` + ``weather_alerts``: the periodic round of alerts.

Embedded (the default): Quart runs them in its own process. ``install`` makes
``create_app`` start the periodic round as a background task when
``JEEVES_ALERT_INTERVAL`` (seconds, 0 = off) is set; Quart's shutdown waits for
background tasks, and the loop only stops between rounds, so no job is cut off.

Outgrown: ``jeeves/celery_app.py`` runs the same functions in Celery workers,
each task wrapping one call in ``asyncio.run``; with ``JEEVES_TASK_RUNNER=celery``
Jeeves hands each Slack event to the workers instead of answering it itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from quart import Quart
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import slack
from .actions import Result, dispatch
from .config import ConfigError, Settings
from .models import Log, User, make_engine, make_sessionmaker, user_id_for_slack_id
from .weather import WeatherClient, WeatherError

log = logging.getLogger("jeeves.jobs")

ALERT_SERVICE = "weather_alert"
MAX_PARALLEL_ALERTS = 10  # a round of alerts is friendly to the weather API and to SQLite
# Quart cancels background tasks still running this many seconds into shutdown.
# Its default (5 s) is shorter than one job can take (two weather calls of up to
# WEATHER_TIMEOUT each, then Slack's 10 s), so a job would be cut off and lost.
SHUTDOWN_GRACE_SECONDS = 30


@dataclass
class Context:
    """What a job needs; ``app.Resources`` has the same attributes."""

    sessions: async_sessionmaker[AsyncSession]
    slack: AsyncWebClient
    weather: WeatherClient


@contextlib.asynccontextmanager
async def open_context(settings: Settings) -> AsyncIterator[Context]:
    """Open a job context outside Quart (a Celery worker); closes everything after."""
    engine = make_engine(settings.database_url)
    http = aiohttp.ClientSession()
    try:
        yield Context(
            sessions=make_sessionmaker(engine),
            slack=slack.make_client(settings.bot_token, settings.slack_api_url, session=http),
            weather=WeatherClient(http, settings.weather_api_url, settings.geocoding_api_url,
                                  settings.weather_timeout),
        )
    finally:
        await http.close()
        await engine.dispose()


async def handle_message(ctx, event_id: str, slack_user: str, channel: str, text: str,
                         thread_ts: str | None = None) -> str:
    """Work out the reply, send it, and log the outcome (errors included). Returns the outcome."""
    user_id = None
    try:
        user_id = await user_id_for_slack_id(ctx.sessions, slack_user)
        result = await dispatch(text, user_id, ctx.sessions, ctx.weather)
    except Exception as exc:  # a bug or a database failure: say sorry, log it
        log.exception("event %s failed", event_id)
        result = Result("unknown", "error", "Sorry, something went wrong on my side.",
                        f"{type(exc).__name__}: {exc}")
    refused = await slack.post_reply(ctx.slack, channel, result.reply, thread_ts)
    outcome, detail = result.outcome, result.detail
    if refused:
        outcome = "reply_failed"
        detail = f"Slack refused the reply: {refused}" + (f"; {detail}" if detail else "")
    async with ctx.sessions.begin() as session:
        session.add(Log(user_id=user_id, event_id=event_id, service=result.service,
                        message=text[:4000], outcome=outcome, detail=detail[:4000]))
    return outcome


async def alert_recipients(ctx) -> list[int]:
    """Active users with a saved location and a Slack account, in id order."""
    async with ctx.sessions() as session:
        rows = await session.scalars(
            select(User.id).where(User.is_active.is_(True), User.location.is_not(None),
                                  User.location != "", User.slack_id.is_not(None))
            .order_by(User.id))
        return list(rows)


async def weather_alert(ctx, user_id: int) -> str:
    """Post one user the weather at their location (a direct message) and log it.

    Returns the outcome: ok, error (no weather: nothing is posted), reply_failed,
    or skipped (the user is gone, inactive or without a location: nothing logged).
    """
    async with ctx.sessions() as session:
        user = await session.get(User, user_id)
    if user is None or not user.is_active or not user.location or not user.slack_id:
        return "skipped"
    message = f"alert for {user.location}"
    try:
        report = await ctx.weather.current(user.location)
    except WeatherError as exc:
        outcome, detail = "error", str(exc)
    else:
        # chat.postMessage with a user id as the channel sends a direct message.
        refused = await slack.post_reply(ctx.slack, user.slack_id,
                                         f"Your weather alert: {report.text()}")
        outcome, detail = ("reply_failed", f"Slack refused the alert: {refused}") if refused \
            else ("ok", "")
    async with ctx.sessions.begin() as session:
        session.add(Log(user_id=user_id, service=ALERT_SERVICE, message=message[:4000],
                        outcome=outcome, detail=detail[:4000]))
    return outcome


async def weather_alerts(ctx) -> dict[str, int]:
    """One round: an alert for every recipient, a few at a time. Returns outcome counts."""
    limit = asyncio.Semaphore(MAX_PARALLEL_ALERTS)

    async def one(user_id: int) -> str:
        async with limit:
            try:
                return await weather_alert(ctx, user_id)
            except Exception:  # one user's failure must not cancel the others'
                log.exception("weather alert for user %s failed", user_id)
                return "failed"

    outcomes = await asyncio.gather(*(one(uid) for uid in await alert_recipients(ctx)))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def alert_interval(env: dict | None = None) -> float:
    """``JEEVES_ALERT_INTERVAL`` in seconds; 0 (the default) turns the alerts off."""
    raw = (os.environ if env is None else env).get("JEEVES_ALERT_INTERVAL") or "0"
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"JEEVES_ALERT_INTERVAL must be a number of seconds, not {raw!r}") \
            from None
    if value < 0:
        raise ConfigError("JEEVES_ALERT_INTERVAL must be 0 (off) or a positive number of seconds")
    return value


def task_runner(env: dict | None = None) -> str:
    """``JEEVES_TASK_RUNNER``: ``inprocess`` (the default) or ``celery``."""
    raw = ((os.environ if env is None else env).get("JEEVES_TASK_RUNNER") or "inprocess").lower()
    if raw not in ("inprocess", "celery"):
        raise ConfigError(f"JEEVES_TASK_RUNNER must be inprocess or celery, not {raw!r}")
    return raw


async def handle_event(app: Quart, *args) -> None:
    """The per-event work: handed to Celery workers when configured, else done here.

    ``app.config["JEEVES_CELERY"]`` is the Celery app to send to (None: in process).
    If the broker cannot take the job, it is done here rather than lost.
    """
    celery = app.config.get("JEEVES_CELERY")
    if celery is not None:
        try:
            # Sending talks to the broker with a blocking client: keep it off the loop.
            await asyncio.to_thread(celery.send_task, "jeeves.handle_message", args=list(args))
            return
        except Exception:
            log.exception("could not hand event %s to Celery: handling it here", args[0])
    await handle_message(app.extensions["jeeves"], *args)


def install(app: Quart) -> None:
    """Run the periodic alerts inside this Quart app (when an interval is set).

    Call after the hook that opens ``app.extensions["jeeves"]``: before_serving
    hooks run in the order they were registered. ``app.config["JEEVES_ALERT_INTERVAL"]``
    may be changed after ``create_app`` (tests use a fraction of a second).
    """
    app.config.setdefault("JEEVES_ALERT_INTERVAL", alert_interval())
    if "JEEVES_CELERY" not in app.config:
        celery = None
        if task_runner() == "celery":
            from .celery_app import make_celery  # Celery is imported only when used
            celery = make_celery()
        app.config["JEEVES_CELERY"] = celery
    app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = max(
        app.config.get("BACKGROUND_TASK_SHUTDOWN_TIMEOUT", 5), SHUTDOWN_GRACE_SECONDS)

    @app.before_serving
    async def start_alerts():
        interval = float(app.config["JEEVES_ALERT_INTERVAL"])
        if interval > 0:
            # A Quart background task, not a bare asyncio.create_task: Quart keeps a
            # reference (a bare task can be garbage-collected mid-run) and its
            # shutdown waits for it.
            app.add_background_task(alert_loop, app, interval)


async def alert_loop(app: Quart, interval: float) -> None:
    """A round every ``interval`` seconds until shutdown; a round is never cut short."""
    while True:
        try:
            # Sleep, but wake at once when Quart starts shutting down.
            await asyncio.wait_for(app.shutdown_event.wait(), interval)
            return
        except TimeoutError:
            pass
        try:
            counts = await weather_alerts(app.extensions["jeeves"])
            log.info("weather alerts: %s", counts)
        except Exception:  # a failed round (database down?) must not end the schedule
            log.exception("weather alert round failed")
