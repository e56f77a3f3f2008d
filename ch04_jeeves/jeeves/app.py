"""The Jeeves app factory: one Slack events endpoint, the work done in the background.

Slack wants an answer within 3 seconds and retries otherwise, so the endpoint
only checks the request (signature, shape), stores the event (with its
"seen" marker, in one transaction) and acknowledges; the reply is worked out,
sent once and logged by a background job (``jobs.handle_event``), which
``runners.py`` runs here or in Celery workers. A crash loses no stored event.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp
from quart import Quart, request
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from werkzeug.exceptions import HTTPException

from . import jobs, payloads, runners, slack
from .config import Settings, from_env
from .models import PendingEvent, init_db, make_engine, make_sessionmaker
from .weather import WeatherClient

log = logging.getLogger("jeeves")


@dataclass
class Resources:
    """What the app opens at start-up and closes at shutdown."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    slack: AsyncWebClient
    http: aiohttp.ClientSession
    weather: WeatherClient


def create_app(settings: Settings | None = None) -> Quart:
    """Build Jeeves. With no settings, read the environment (raises ConfigError if incomplete)."""
    settings = settings or from_env()
    app = Quart(__name__, instance_path=str(settings.instance_path))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # Slack's events are small
    app.config["JEEVES"] = settings

    @app.before_serving
    async def open_resources():
        engine = make_engine(settings.database_url)
        await init_db(engine)
        http = aiohttp.ClientSession()
        app.extensions["jeeves"] = Resources(
            engine=engine, sessions=make_sessionmaker(engine),
            slack=slack.make_client(settings.bot_token, settings.slack_api_url, session=http),
            http=http,
            weather=WeatherClient(http, settings.weather_api_url, settings.geocoding_api_url,
                                  settings.weather_timeout),
        )

    @app.after_serving
    async def close_resources():
        # Quart has already waited for the background tasks when this runs.
        res: Resources | None = app.extensions.pop("jeeves", None)
        if res is None:  # start-up failed before opening anything
            return
        await res.http.close()
        await res.engine.dispose()

    @app.before_request
    async def refuse_while_stopping():
        # Set by `jeeves serve` on Ctrl-C/SIGTERM: a request already in progress
        # finishes; one that starts now is told to come back (Slack retries a 503).
        if app.config.get("JEEVES_STOPPING"):
            return {"ok": False, "error": "shutting down: try again shortly"}, 503, {
                "Retry-After": "5"}

    @app.errorhandler(HTTPException)
    async def http_error(exc: HTTPException):
        return {"ok": False, "error": exc.name, "message": exc.description}, exc.code

    @app.get("/")
    async def index():
        return {"name": "jeeves", "status": "ok",
                "endpoints": {"POST /slack/events": "Slack Events API (signed requests only)"}}

    @app.post("/slack/events")
    async def slack_events():
        body = await request.get_data()
        try:
            slack.verify(settings.signing_secret,
                         request.headers.get("X-Slack-Request-Timestamp"),
                         request.headers.get("X-Slack-Signature"), body)
        except slack.BadSignature as exc:
            return {"ok": False, "error": str(exc)}, 401
        try:
            payload = payloads.load_object(body)  # not UTF-8, not JSON, too deep: 400
        except payloads.BadPayload as exc:
            return bad_request(str(exc))
        kind = payload.get("type")
        if kind == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                return bad_request("url_verification without a challenge")
            return {"challenge": challenge}
        if kind != "event_callback":
            return bad_request(f"unsupported payload type {kind!r}")
        event, event_id = payload.get("event"), payload.get("event_id")
        if not isinstance(event, dict) or not isinstance(event_id, str) or not event_id:
            return bad_request("event_callback needs an event object and an event_id")
        if len(event_id) > MAX_EVENT_ID:  # stored whole, compared whole: never a prefix
            return bad_request(f"event_id longer than {MAX_EVENT_ID} characters")
        ignored = why_ignore(event)
        if ignored:
            return {"ok": True, "ignored": ignored}
        user, channel = event.get("user"), event.get("channel")
        if not isinstance(user, str) or not isinstance(channel, str):
            return bad_request("event needs a user and a channel")
        text = event_text(event)
        res: Resources = app.extensions["jeeves"]
        thread_ts = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
        # Stored before Slack hears "ok": Slack retries (X-Slack-Retry-Num) carry the
        # same event_id, and a retry of an event we have not finished is run again.
        state = await jobs.accept_event(res.sessions, event_id, user, channel, text, thread_ts)
        if state == "done":
            return {"ok": True, "duplicate": True}
        runners.runner(app).submit(event_id)
        if state == "pending":
            return {"ok": True, "pending": True}
        return {"ok": True}

    from .web import init_web  # pages, login, Slack OAuth and the JSON API (jeeves/web/)
    init_web(app, settings)
    runners.install(app)  # recovery, housekeeping, alerts: after open_resources
    return app


MAX_EVENT_ID = PendingEvent.__table__.c.event_id.type.length  # 64


def bad_request(message: str):
    return {"ok": False, "error": message}, 400


def why_ignore(event: dict) -> str | None:
    """Events we acknowledge but do not answer; None for the ones we answer."""
    kind = event.get("type")
    if kind not in ("app_mention", "message"):
        return f"event type {kind!r}"
    if event.get("bot_id") or event.get("subtype"):
        # Our own replies (and edits, joins...) come back as message events: never answer them.
        return "bot message or subtype"
    if kind == "message" and event.get("channel_type", "im") != "im":
        # In a channel Slack also sends app_mention for a mention; answer that one only.
        return "channel message without a mention"
    return None


def event_text(event: dict) -> str:
    """The message's text, or the text inside its rich-text ``blocks`` if it has none."""
    text = event.get("text")
    if isinstance(text, str) and text.strip():
        return text
    parts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(event.get("blocks") or [])
    return "".join(parts)


async def wait_for_background_tasks(app: Quart) -> None:
    """Tests: wait until every background task (and any they started) has finished."""
    while app.background_tasks:
        await asyncio.gather(*list(app.background_tasks), return_exceptions=True)
