"""Jeeves, the Slack assistant: the chapter 4 monolith, async end to end.

What it shows: an app factory (``create_app``) with SQLAlchemy 2 asyncio models,
a signed Slack events endpoint that acknowledges at once and works in the
background, a message router, replies through ``slack_sdk``'s async client and
the weather from Open-Meteo, all configured from the environment.

Run it:   jeeves serve --dev        (or: python -m ch04_jeeves.jeeves serve --dev)
          PORT=8300 by default; development mode generates a signing secret and
          starts local Slack and weather stand-ins (ports 8390, 8391).
Ask it:   jeeves chat "weather in Paris"     (in a second terminal)
Expect:   jeeves> Weather in Paris, France: overcast, 14.2°C, wind 11.5 km/h
          An unsigned POST /slack/events gets 401 {"ok": false, "error": "..."}.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    # The app is imported when first asked for, not with the package: `jeeves chat`
    # and the start-up checks need neither Quart nor SQLAlchemy (about a second).
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
