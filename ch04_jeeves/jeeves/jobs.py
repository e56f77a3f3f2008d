"""Jeeves's background jobs: plain ``async`` functions, written once.

A job takes a context (``sessions``, ``slack``, ``weather``: the app's
``Resources`` has exactly these) and does one piece of work, logging its
outcome in the ``Log`` table:

* ``accept_event`` + ``handle_event``: store one Slack event, then answer it
  exactly once (the per-event work; safe to rerun after a crash at any point);
* ``weather_alert``: post one user the weather at their saved location;
* ``alert_recipients`` + ``weather_alerts``: the periodic round of alerts;
* ``unfinished_events``, ``forget_seen_events``: recovery and housekeeping.

Jobs know nothing of who runs them: ``jeeves/runners.py`` decides (in the
Quart process, or handed to Celery workers through ``jeeves/celery_app.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import slack
from .actions import Result, dispatch
from .config import ConfigError, Settings
from .models import (
    Log,
    PendingEvent,
    SeenEvent,
    User,
    make_engine,
    make_sessionmaker,
    user_id_for_slack_id,
)
from .weather import WeatherClient, WeatherError

log = logging.getLogger("jeeves.jobs")

ALERT_SERVICE = "weather_alert"
MAX_PARALLEL_ALERTS = 10  # a round of alerts is friendly to the weather API and to SQLite
# One event's work takes at most two weather calls (WEATHER_TIMEOUT each) and
# Slack's 10 s: a runner's hold on an event outlasts that comfortably.
LEASE_SECONDS = 120.0
MAX_ATTEMPTS = 3  # runs of one event before an unanswerable "was it posted?" is given up
SEEN_EVENTS_KEPT_SECONDS = 24 * 3600  # Slack retries for minutes; a day is plenty


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


async def accept_event(sessions: async_sessionmaker[AsyncSession], event_id: str,
                       slack_user: str, channel: str, text: str,
                       thread_ts: str | None = None) -> str:
    """Store an event before Slack gets its 200. Returns ``new``, or for a retry of
    one seen before ``pending`` (accepted but not finished: run it) or ``done``.

    The dedupe marker and the work are one transaction: an acknowledged event is
    never marked seen without its work being stored with it.
    """
    try:
        async with sessions.begin() as session:
            session.add(SeenEvent(event_id=event_id))
            session.add(PendingEvent(event_id=event_id, slack_user=slack_user, channel=channel,
                                     text=text, thread_ts=thread_ts))
        return "new"
    except IntegrityError:  # the primary key: seen before
        async with sessions() as session:
            found = await session.get(PendingEvent, event_id)
        return "done" if found is None else "pending"


async def claim(sessions: async_sessionmaker[AsyncSession], event_id: str,
                take_over: bool = False) -> PendingEvent | None:
    """Take an unfinished event for LEASE_SECONDS and read it; None if it is finished
    or another runner holds it. ``take_over`` ignores a lease (its holder is dead)."""
    now = time.time()
    held = PendingEvent.event_id == event_id
    if not take_over:
        held &= or_(PendingEvent.lease_until.is_(None), PendingEvent.lease_until < now)
    async with sessions.begin() as session:
        taken = await session.execute(update(PendingEvent).where(held).values(
            lease_until=now + LEASE_SECONDS, attempts=PendingEvent.attempts + 1))
        return await session.get(PendingEvent, event_id) if taken.rowcount == 1 else None


async def release(sessions: async_sessionmaker[AsyncSession], event_id: str) -> None:
    async with sessions.begin() as session:
        await session.execute(update(PendingEvent).where(PendingEvent.event_id == event_id)
                              .values(lease_until=None))


async def work_out(ctx, work: PendingEvent) -> tuple[int | None, Result]:
    """The reply to one message (never raises: a failure becomes a polite reply)."""
    user_id = None
    try:
        user_id = await user_id_for_slack_id(ctx.sessions, work.slack_user)
        return user_id, await dispatch(work.text, user_id, ctx.sessions, ctx.weather)
    except Exception as exc:  # a bug or a database failure: say sorry, log it
        log.exception("event %s failed", work.event_id)
        return user_id, Result("unknown", "error", "Sorry, something went wrong on my side.",
                               f"{type(exc).__name__}: {exc}")


async def handle_event(ctx, event_id: str, take_over: bool = False) -> str:
    """Finish one accepted event: work out the reply, post it once, log it.

    Safe to run again after a crash at any point. The steps, each a commit:
    1. ``accept_event`` stored the event (before the 200);
    2. the reply is stored in the event's row (the outbox), then posted;
    3. the Log row is written and the event deleted, together.
    A rerun that finds a stored reply does not know whether the post happened
    (a crash between 2 and 3), so it asks Slack (``find_reply``) before posting.
    Returns the outcome, or ``busy`` (finished, or another runner holds it).
    """
    work = await claim(ctx.sessions, event_id, take_over)
    if work is None:
        return "busy"
    try:
        posted, unknown = False, ""
        if work.reply is not None:
            try:
                # Margin: Slack's clock and ours differ a little; the metadata does the matching.
                posted = await slack.find_reply(ctx.slack, work.channel, event_id,
                                                work.thread_ts, oldest=work.reply_stored_at - 60)
            except Exception as exc:
                if work.attempts < MAX_ATTEMPTS:
                    raise  # it stays pending: asked again at the next retry, round or start
                # Never post blind: give up on this reply, and say so in the Log.
                posted, unknown = True, f"{type(exc).__name__}: {exc}"
        else:
            user_id, result = await work_out(ctx, work)
            async with ctx.sessions.begin() as session:
                row = await session.get(PendingEvent, event_id)
                row.user_id, row.service, row.outcome = user_id, result.service, result.outcome
                row.detail, row.reply, row.reply_stored_at = result.detail, result.reply, time.time()
            work = row
        outcome, detail = work.outcome, work.detail
        if unknown:
            outcome = "reply_unknown"
            detail = f"could not ask Slack whether the reply went out before a crash: {unknown}"
        if not posted:
            refused = await slack.post_reply(ctx.slack, work.channel, work.reply, work.thread_ts,
                                             event_id=event_id)
            if refused:
                outcome = "reply_failed"
                detail = f"Slack refused the reply: {refused}" + (f"; {detail}" if detail else "")
        async with ctx.sessions.begin() as session:
            session.add(Log(user_id=work.user_id, event_id=event_id, service=work.service,
                            message=work.text[:4000], outcome=outcome, detail=detail[:4000]))
            await session.execute(delete(PendingEvent).where(PendingEvent.event_id == event_id))
        return outcome
    except BaseException:
        # Unfinished (Slack could not say, the database failed, we were cancelled):
        # let the next retry or start-up have it at once rather than after the lease.
        with contextlib.suppress(Exception):
            await asyncio.shield(release(ctx.sessions, event_id))
        raise


async def unfinished_events(sessions: async_sessionmaker[AsyncSession],
                            stale_after: float | None = None) -> list[str]:
    """Accepted events not finished, oldest first. With ``stale_after`` (seconds), only
    those nobody holds and (if never claimed) accepted at least that long ago."""
    query = select(PendingEvent.event_id).order_by(PendingEvent.received_at)
    if stale_after is not None:
        now = time.time()
        cutoff = datetime.now(UTC) - timedelta(seconds=stale_after)
        query = query.where(or_(
            PendingEvent.lease_until < now,
            PendingEvent.lease_until.is_(None) & (PendingEvent.received_at < cutoff)))
    async with sessions() as session:
        return list(await session.scalars(query))


async def forget_seen_events(sessions: async_sessionmaker[AsyncSession],
                             older_than: float = SEEN_EVENTS_KEPT_SECONDS) -> int:
    """Delete dedupe markers older than a day (Slack stops retrying after minutes),
    except for events still unfinished. Returns how many went."""
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than)
    async with sessions.begin() as session:
        gone = await session.execute(delete(SeenEvent).where(
            SeenEvent.received_at < cutoff,
            SeenEvent.event_id.not_in(select(PendingEvent.event_id))))
    return gone.rowcount


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
