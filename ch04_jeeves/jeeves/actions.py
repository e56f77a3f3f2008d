"""The message router: a line of text in, a reply and an outcome out.

Each command belongs to a service; a service switched off in the ``services``
table refuses politely. The router never raises for a user's input: whatever
goes wrong becomes a reply and an outcome that the caller logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .models import Service, User
from .weather import PlaceNotFound, WeatherClient, WeatherError

HELP = (
    "I can do these:\n"
    "• help: this list\n"
    "• weather [in] <place>: the weather now (or at your saved location)\n"
    "• config location <place>: remember where you are\n"
    "• get location: where I think you are\n"
    "• services: what is switched on"
)
HINT = "Sorry, I don't know {!r}. Try \"help\"."
ECHO_LIMIT = 200  # characters of an unknown message said back (Slack refuses ~4,000+)

MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


@dataclass
class Result:
    service: str
    outcome: str  # ok, refused, unknown, error
    reply: str
    detail: str = ""


def clean(text: str) -> str:
    """Drop the ``<@U123>`` mentions Slack puts in the text, and spare spaces."""
    return " ".join(MENTION.sub(" ", text or "").split())


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters; a cut text ends with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def parse(text: str) -> tuple[str, str]:
    """``"weather in Paris"`` -> ``("weather", "Paris")``; unknown -> ``("", text)``."""
    words = clean(text)
    lower = words.lower()
    if lower in ("help", "hi", "hello", "?"):
        return "help", ""
    if lower == "services":
        return "services", ""
    if lower == "get location":
        return "get_location", ""
    if lower.startswith("config location"):
        return "config_location", words[len("config location"):].strip()
    if lower == "weather" or lower.startswith("weather "):
        rest = words[len("weather"):].strip()
        if rest.lower().startswith("in "):
            rest = rest[3:].strip()
        return "weather", rest
    return "", words


SERVICE_OF = {"weather": "weather", "config_location": "location", "get_location": "location"}


async def dispatch(text: str, user_id: int, sessions: async_sessionmaker[AsyncSession],
                   weather: WeatherClient) -> Result:
    """Answer one message. Database work happens in short transactions, and
    never while waiting on the network: SQLite has one writer at a time."""
    command, arg = parse(text)
    if command == "help":
        return Result("help", "ok", HELP)
    if command == "services":
        async with sessions() as session:
            rows = (await session.scalars(select(Service).order_by(Service.name))).all()
        lines = [f"• {s.name}: {'on' if s.enabled else 'off'} ({s.description})" for s in rows]
        return Result("services", "ok", "\n".join(lines) or "No services yet.")
    if not command:
        return Result("unknown", "unknown", HINT.format(shorten(arg)) if arg else 'Try "help".')
    service = SERVICE_OF[command]
    async with sessions() as session:
        enabled = await session.scalar(select(Service.enabled).where(Service.name == service))
        location = await session.scalar(select(User.location).where(User.id == user_id))
    if not enabled:  # a missing service counts as off
        return Result(service, "refused", f"Sorry, the {service} service is switched off.")
    if command == "config_location":
        if not arg:
            return Result(service, "error", "Where are you? Try: config location Paris")
        async with sessions.begin() as session:
            user = await session.get(User, user_id)
            user.location = arg[:200]
        return Result(service, "ok", f"Got it: you are in {arg[:200]}.")
    if command == "get_location":
        if not location:
            return Result(service, "ok", "I don't know yet. Try: config location Paris")
        return Result(service, "ok", f"You are in {location}.")
    # weather
    place = arg or location
    if not place:
        return Result(service, "error",
                      "Where? Try: weather in Paris (or: config location Paris)")
    try:
        report = await weather.current(place)
    except PlaceNotFound as exc:
        return Result(service, "error", f"Sorry, {exc}.", str(exc))
    except WeatherError as exc:
        return Result(service, "error",
                      f"Sorry, I can't get the weather right now: {exc}.", str(exc))
    return Result(service, "ok", report.text())
