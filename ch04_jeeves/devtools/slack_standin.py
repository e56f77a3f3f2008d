"""A local stand-in for Slack's Web API: ``auth.test``, ``chat.postMessage``, ``oauth.v2.access``,
``conversations.history`` and ``conversations.replies`` (with message metadata).

What it shows: the wire format Jeeves's ``slack_sdk`` client speaks, on your
machine: ``POST /api/<method>``, a form or JSON body, ``Authorization: Bearer
<token>``; JSON answers with ``"ok": true`` or ``"ok": false, "error": "<code>"``
(HTTP 200, as Slack does). It records every message, for tests and ``jeeves
chat`` (``GET /_standin/messages``); the OAuth authorize page approves at once.

Run it:   python -m ch04_jeeves.devtools.slack_standin    (PORT=8390 by default;
          SLACK_STANDIN_TOKEN, default xoxb-standin; SLACK_STANDIN_FAIL_CHANNELS=C1,C2)
Ask it:   curl -X POST -H "Authorization: Bearer xoxb-standin" http://127.0.0.1:8390/api/auth.test
Expect:   {"ok": true, "user_id": "U0JEEVES", ...}; a wrong token gives
          {"ok": false, "error": "invalid_auth"}. The chapter README lists the
          /oauth/v2/authorize and /_standin/* control endpoints; authorize refuses
          a redirect_uri that is not registered (SLACK_STANDIN_REDIRECT_URLS).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import time

from aiohttp import web
from yarl import URL

BOT_USER_ID = "U0JEEVES"
TEAM = {"id": "T0STANDIN", "name": "Stand-in workspace"}
STATE = web.AppKey("state", dict)
# The app's "Redirect URLs" as registered with Slack: Jeeves's callback and oauth2.py's.
# As RFC 8252 asks for loopback addresses, any port matches; the scheme, host and
# path must (a redirect_uri may be below a registered path, as Slack allows).
REDIRECT_URLS = ("http://127.0.0.1/login/slack/callback", "http://localhost/login/slack/callback",
                 "http://127.0.0.1/callback", "http://localhost/callback")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_TEXT = 4000  # longer texts: real Slack answers "msg_too_long"


def make_app(token: str = "xoxb-standin", fail_channels=(), client_id: str = "standin-client",
             client_secret: str = "standin-secret", oauth_code: str = "standin-code",
             redirect_urls=REDIRECT_URLS) -> web.Application:
    app = web.Application()
    app[STATE] = {
        "token": token, "fail_channels": set(fail_channels), "messages": [], "calls": [],
        "client": (client_id, client_secret), "code": oauth_code, "ts": itertools.count(1),
        "redirect_urls": tuple(redirect_urls), "issued": {},  # code -> the redirect_uri it was for
    }
    app.router.add_post("/api/auth.test", auth_test)
    app.router.add_post("/api/chat.postMessage", post_message)
    app.router.add_post("/api/oauth.v2.access", oauth_access)
    app.router.add_get("/api/conversations.history", conversations_history)
    app.router.add_get("/api/conversations.replies", conversations_replies)
    app.router.add_route("*", "/api/{method}", unknown_method)
    app.router.add_get("/oauth/v2/authorize", authorize)
    app.router.add_get("/_standin/messages", read_messages)
    app.router.add_get("/_standin/calls", read_calls)
    app.router.add_delete("/_standin/messages", clear_messages)
    app.router.add_post("/_standin/config", configure)
    app.router.add_get("/", index)
    return app


async def json_body(request: web.Request):
    """The JSON body, or None if it is not readable JSON (not UTF-8, absurdly deep...)."""
    try:
        return json.loads(await request.read())  # bytes: UTF-8 (or -16/-32) is detected
    except (ValueError, RecursionError):
        return None


async def arguments(request: web.Request) -> dict:
    """Slack accepts query, form or JSON arguments; so do we."""
    args = dict(request.query)
    if request.content_type == "application/json":
        body = await json_body(request)
        if isinstance(body, dict):
            args.update(body)
    elif request.can_read_body:
        try:
            args.update(await request.post())
        except ValueError:  # a form that is not valid text: no arguments
            pass
    return args


def bearer_ok(request: web.Request) -> bool:
    state = request.app[STATE]
    header = request.headers.get("Authorization", "")
    return header == f"Bearer {state['token']}"


def fail(error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error})


async def auth_test(request: web.Request) -> web.Response:
    await arguments(request)
    if not bearer_ok(request):
        return fail("not_authed" if "Authorization" not in request.headers else "invalid_auth")
    return web.json_response({"ok": True, "url": "https://standin.slack.local/", "team": TEAM["name"],
                              "user": "jeeves", "team_id": TEAM["id"], "user_id": BOT_USER_ID,
                              "bot_id": "B0JEEVES"})


async def post_message(request: web.Request) -> web.Response:
    state = request.app[STATE]
    args = await arguments(request)
    state["calls"].append({"method": "chat.postMessage", "args": args})
    if not bearer_ok(request):
        return fail("not_authed" if "Authorization" not in request.headers else "invalid_auth")
    channel = args.get("channel")
    if not channel:
        return fail("channel_not_found")
    if not (args.get("text") or args.get("blocks")):
        return fail("no_text")
    if channel in state["fail_channels"]:
        return fail("channel_not_found")
    if len(str(args.get("text") or "")) > MAX_TEXT:
        return fail("msg_too_long")
    ts = f"{int(time.time())}.{next(state['ts']):06d}"
    message = {"type": "message", "channel": channel, "text": args.get("text", ""),
               "thread_ts": args.get("thread_ts"), "ts": ts, "user": BOT_USER_ID,
               "bot_id": "B0JEEVES"}
    if isinstance(args.get("metadata"), dict):  # message metadata (event_type, event_payload)
        message["metadata"] = args["metadata"]
    state["messages"].append(message)
    return web.json_response({"ok": True, "channel": channel, "ts": ts, "message": message})


def history_message(message: dict, with_metadata: bool) -> dict:
    """A stored message as the history methods return it: metadata only when asked for."""
    shown = {k: v for k, v in message.items() if k != "metadata"}
    if with_metadata and "metadata" in message:
        shown["metadata"] = message["metadata"]
    return shown


async def conversations_history(request: web.Request) -> web.Response:
    """A channel's messages, newest first, since ``oldest`` (one page: no cursor needed here)."""
    args = await arguments(request)
    if not bearer_ok(request):
        return fail("not_authed" if "Authorization" not in request.headers else "invalid_auth")
    try:
        oldest = float(args.get("oldest") or 0)
    except ValueError:
        return fail("invalid_arguments")
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    found = [history_message(m, with_metadata) for m in request.app[STATE]["messages"]
             if m["channel"] == args.get("channel") and float(m["ts"]) >= oldest]
    return web.json_response({"ok": True, "messages": found[::-1], "has_more": False})


async def conversations_replies(request: web.Request) -> web.Response:
    """A thread: its parent (if we hold it) and its replies, oldest first."""
    args = await arguments(request)
    if not bearer_ok(request):
        return fail("not_authed" if "Authorization" not in request.headers else "invalid_auth")
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    thread = args.get("ts")
    found = [history_message(m, with_metadata) for m in request.app[STATE]["messages"]
             if m["channel"] == args.get("channel") and thread in (m["ts"], m.get("thread_ts"))]
    return web.json_response({"ok": True, "messages": found, "has_more": False})


async def oauth_access(request: web.Request) -> web.Response:
    """The OAuth v2 code exchange; client credentials by HTTP Basic or in the body."""
    state = request.app[STATE]
    args = await arguments(request)
    client = (args.get("client_id"), args.get("client_secret"))
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client = tuple(base64.b64decode(header[6:]).decode().split(":", 1))
        except ValueError:
            return fail("invalid_client_id")
    if client != state["client"]:
        return fail("invalid_client_id" if client[0] != state["client"][0] else "bad_client_secret")
    if args.get("code") != state["code"]:
        return fail("invalid_code")
    issued_for = state["issued"].get(args["code"])
    if issued_for and args.get("redirect_uri") != issued_for:
        return fail("bad_redirect_uri")  # Slack: it must match the one sent to authorize
    return web.json_response({
        "ok": True, "access_token": state["token"], "token_type": "bot",
        "scope": "app_mentions:read,chat:write,im:history", "bot_user_id": BOT_USER_ID,
        "app_id": "A0STANDIN", "team": TEAM, "enterprise": None,
        "authed_user": {"id": "U0LEARNER"},
    })


async def authorize(request: web.Request) -> web.Response:
    """Slack's authorize page, approved at once: back to the app with a code and its state."""
    state = request.app[STATE]
    # No redirect_uri: Slack uses the first registered one.
    redirect_uri = request.query.get("redirect_uri") or state["redirect_urls"][0]
    if request.query.get("client_id") != state["client"][0]:
        return web.Response(status=400, text="invalid_client_id")
    if not registered(redirect_uri, state["redirect_urls"]):
        return web.Response(status=400, text="bad_redirect_uri: redirect_uri did not match "
                                             "any configured URIs")
    state["issued"][state["code"]] = redirect_uri
    target = URL(redirect_uri).update_query(code=state["code"],
                                                state=request.query.get("state", ""))
    raise web.HTTPFound(target)


def registered(redirect_uri: str, urls) -> bool:
    try:
        given = URL(redirect_uri)
    except ValueError:
        return False
    for url in map(URL, urls):
        same_port = given.port == url.port or url.host in LOOPBACK
        below = given.path == url.path or given.path.startswith(url.path.rstrip("/") + "/")
        if given.scheme == url.scheme and given.host == url.host and same_port and below:
            return True
    return False


async def unknown_method(request: web.Request) -> web.Response:
    # Real Slack answers an unknown method with "ok": false too; a 404 makes the
    # mistake louder while developing.
    return web.json_response({"ok": False, "error": "unknown_method"}, status=404)


async def read_messages(request: web.Request) -> web.Response:
    messages = request.app[STATE]["messages"]
    channel = request.query.get("channel")
    if channel:
        messages = [m for m in messages if m["channel"] == channel]
    return web.json_response({"messages": messages})


async def read_calls(request: web.Request) -> web.Response:
    return web.json_response({"calls": request.app[STATE]["calls"]})


async def clear_messages(request: web.Request) -> web.Response:
    request.app[STATE]["messages"].clear()
    return web.json_response({"ok": True})


async def configure(request: web.Request) -> web.Response:
    body = await json_body(request)
    if body is None:
        return web.json_response({"ok": False, "error": "body is not JSON"}, status=400)
    channels = body.get("fail_channels", []) if isinstance(body, dict) else None
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        return web.json_response({"ok": False, "error": "expected {\"fail_channels\": [...]}"},
                                 status=400)
    state = request.app[STATE]
    state["fail_channels"] = set(body.get("fail_channels", []))
    return web.json_response({"ok": True, "fail_channels": sorted(state["fail_channels"])})


async def index(request: web.Request) -> web.Response:
    return web.json_response({"standin": "slack", "api": str(request.url.with_path("/api/")),
                              "methods": ["auth.test", "chat.postMessage", "oauth.v2.access",
                                          "conversations.history", "conversations.replies"]})


def main() -> None:
    port = int(os.environ.get("PORT", "8390"))
    fail_channels = [c for c in os.environ.get("SLACK_STANDIN_FAIL_CHANNELS", "").split(",") if c]
    urls = [u for u in os.environ.get("SLACK_STANDIN_REDIRECT_URLS", "").split(",") if u]
    app = make_app(token=os.environ.get("SLACK_STANDIN_TOKEN", "xoxb-standin"),
                   fail_channels=fail_channels, redirect_urls=urls or REDIRECT_URLS)
    print(f"Serving on http://127.0.0.1:{port}/api/ (Slack Web API stand-in; Ctrl-C to stop)",
          flush=True)
    # run_app handles SIGINT and SIGTERM and shuts down cleanly.
    web.run_app(app, host="127.0.0.1", port=port, print=None, shutdown_timeout=1.0)


if __name__ == "__main__":
    main()
