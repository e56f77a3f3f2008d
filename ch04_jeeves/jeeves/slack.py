"""Talking to Slack: checking that a request came from Slack, and replying.

Slack signs every request it sends: ``X-Slack-Signature`` is
``v0=`` + HMAC-SHA256(signing secret, ``v0:{timestamp}:{raw body}``), and
``X-Slack-Request-Timestamp`` is the timestamp. We recompute it, compare in
constant time, and refuse anything older than five minutes (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

MAX_AGE_SECONDS = 5 * 60


class BadSignature(Exception):
    """Why a request is refused, in a few words safe to send back."""


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes,
           now: float | None = None) -> None:
    """Raise BadSignature unless the request is signed with ``secret`` and fresh."""
    if not timestamp or not signature:
        raise BadSignature("missing Slack signature headers")
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        raise BadSignature("bad request timestamp") from None
    if age > MAX_AGE_SECONDS:
        raise BadSignature("request timestamp too old")
    # compare_digest takes the same time whatever the first differing byte is.
    # (bytes, so a non-ASCII forged header is just "invalid", not a TypeError).
    expected = sign(secret, timestamp, body).encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        raise BadSignature("invalid signature")


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack would send with ``body`` (used by ``jeeves chat`` and tests)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret, ts, body)}


def make_client(token: str, base_url: str, session=None) -> AsyncWebClient:
    # base_url must end with "/": slack_sdk appends the method name to it. A shared
    # aiohttp session reuses connections; without one slack_sdk opens one per call.
    return AsyncWebClient(token=token, base_url=base_url.rstrip("/") + "/", timeout=10,
                          session=session)


# Our replies carry Slack message metadata naming the event they answer, so that
# after a crash we can ask Slack whether a reply went out (find_reply).
REPLY_EVENT_TYPE = "jeeves_reply"


async def post_reply(client: AsyncWebClient, channel: str, text: str,
                     thread_ts: str | None = None, event_id: str | None = None) -> str | None:
    """Send a reply; return None on success or Slack's error code ("ok": false)."""
    metadata = None
    if event_id:
        metadata = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"event_id": event_id}}
    try:
        await client.chat_postMessage(channel=channel, text=text, thread_ts=thread_ts,
                                      metadata=metadata)
    except SlackApiError as exc:
        return str(exc.response.get("error", "unknown_error"))
    except Exception as exc:  # network trouble: the reply is lost, say how
        return f"{type(exc).__name__}: {exc}"
    return None


async def find_reply(client: AsyncWebClient, channel: str, event_id: str,
                     thread_ts: str | None = None, oldest: float = 0.0) -> bool:
    """Is our reply to ``event_id`` in the channel (or thread) since ``oldest``?

    Reads ``conversations.history`` (or ``.replies`` for a thread) page by page
    with the metadata; raises SlackApiError (or a network error) if Slack cannot say.
    """
    cursor = None
    while True:
        if thread_ts:
            page = await client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200,
                cursor=cursor)
        else:
            page = await client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200,
                cursor=cursor)
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (metadata.get("event_type") == REPLY_EVENT_TYPE
                    and (metadata.get("event_payload") or {}).get("event_id") == event_id):
                return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
