"""The ``jeeves`` command: ``serve``, ``chat``, ``init-db``, ``create-user``.

    jeeves serve --dev          # development mode: generated secrets, local stand-ins
    jeeves chat "weather in Paris"
    jeeves init-db
    jeeves create-user --email ada@example.com --admin   # password prompted, never echoed
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import json
import os
import secrets
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from . import config

if TYPE_CHECKING:  # aiohttp's server is imported only by `serve`
    from aiohttp import web

STANDIN_PORTS = {"slack": 8390, "weather": 8391}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jeeves", description="Jeeves, the Slack assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the Slack events endpoint (PORT, default 8300)")
    p.add_argument("--dev", action="store_true",
                   help="development mode: generate secrets, start local Slack/weather stand-ins")
    p = sub.add_parser("chat", help="sign and post a Slack-style message to a running Jeeves")
    p.add_argument("text", nargs="*", help="the message; none for an interactive prompt")
    p.add_argument("--url", help="Jeeves's URL (default: JEEVES_URL, or the one serve --dev wrote)")
    p.add_argument("--timeout", type=float, default=15.0)
    sub.add_parser("init-db", help="create the tables and the default services")
    p = sub.add_parser("create-user", help="add a user; the password is prompted, never echoed")
    p.add_argument("--email", required=True)
    p.add_argument("--slack-id")
    p.add_argument("--admin", action="store_true")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args.dev)
        if args.command == "chat":
            return chat(" ".join(args.text), args.url, args.timeout)
        if args.command == "init-db":
            return asyncio.run(init_db_command())
        return create_user(args)
    except config.ConfigError as exc:
        print(f"jeeves: {exc}", file=sys.stderr)
        return 2


# --- serve ------------------------------------------------------------------


def serve(dev: bool) -> int:
    settings = config.from_env(dev=dev or None)  # raises ConfigError naming what is missing
    try:
        asyncio.run(serve_async(settings))
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        pass
    return 0


async def start_standin(app: web.Application, port: int):
    """Serve a stand-in on this loop: its default port, or any free one if that is taken.

    Returns the workbook's ``Served`` handle (``.url``; ``await .aclose()`` stops it)
    and its URL.
    """
    from workbook.serving import serve_in_loop

    try:
        served = await serve_in_loop(app, port=port)
    except OSError:  # the default port is taken (another Jeeves?): any free one
        served = await serve_in_loop(app)
    return served, served.url


async def serve_async(settings: config.Settings) -> None:
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    from ch04_jeeves.devtools import slack_standin, weather_standin

    from .app import create_app

    grace = graceful_timeout()
    for notice in settings.notices:
        print(f"development mode: {notice}", flush=True)
    runners = []
    env = os.environ
    if settings.dev and not env.get("SLACK_API_URL"):
        runner, url = await start_standin(slack_standin.make_app(token=settings.bot_token),
                                          STANDIN_PORTS["slack"])
        runners.append(runner)
        settings = settings.with_(slack_api_url=url + "/api/")
        print(f"development mode: Slack Web API stand-in on {url}/api/", flush=True)
    if settings.dev and not env.get("WEATHER_API_URL"):
        runner, url = await start_standin(weather_standin.make_app(), STANDIN_PORTS["weather"])
        runners.append(runner)
        settings = settings.with_(weather_api_url=url, geocoding_api_url=url)
        print(f"development mode: weather (Open-Meteo) stand-in on {url}/", flush=True)
    jeeves_url = f"http://127.0.0.1:{settings.port}"
    if runners:
        # Tell `jeeves chat` where everything is.
        write_json(settings.instance_path / "dev.json",
                   {"jeeves_url": jeeves_url, "slack_api_url": settings.slack_api_url})
    app = create_app(settings)
    # What is loaded by now (the libraries, the app) lives as long as the process:
    # out of the garbage collector's sight, its passes while serving skip it, and
    # the exit no longer spends half a second collecting it.
    gc.freeze()
    hconfig = Config()
    hconfig.bind = [f"127.0.0.1:{settings.port}"]
    # Requests in progress at Ctrl-C may finish within this; idle, Jeeves stops at once.
    hconfig.graceful_timeout = grace
    hconfig.accesslog = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal():
        from .runners import jobs_in_flight

        if stop.is_set():  # the second Ctrl-C: stop now, the stored events wait for us
            print(f"Forced exit with {jobs_in_flight(app)} background job(s) unfinished: "
                  "their events are stored and are answered at the next start.", flush=True)
            os._exit(130)
        app.config["JEEVES_STOPPING"] = True
        print(f"Stopping: waiting for {jobs_in_flight(app)} background job(s) "
              "(Ctrl-C again to force)", flush=True)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    print(f"Serving on {jeeves_url}/ (Slack events at {jeeves_url}/slack/events; Ctrl-C to stop)",
          flush=True)
    if runners:
        print('Try it:   jeeves chat "weather in Paris"', flush=True)
    try:
        await hypercorn_serve(app, hconfig, shutdown_trigger=stop.wait)
    finally:
        for runner in runners:
            await runner.aclose()


def graceful_timeout() -> float:
    """``JEEVES_GRACEFUL_TIMEOUT``: seconds an HTTP request in progress at shutdown may take."""
    raw = os.environ.get("JEEVES_GRACEFUL_TIMEOUT") or "10"
    try:
        return max(float(raw), 0.0)
    except ValueError:
        raise config.ConfigError(
            f"JEEVES_GRACEFUL_TIMEOUT must be a number of seconds, not {raw!r}") from None


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old file or the new one


# --- chat -------------------------------------------------------------------


def chat(text: str, url: str | None, timeout: float) -> int:
    env = os.environ
    instance = Path(env.get("JEEVES_INSTANCE_PATH") or config.DEFAULT_INSTANCE_PATH)
    dev = {}
    if (instance / "dev.json").exists():
        dev = json.loads((instance / "dev.json").read_text(encoding="utf-8"))
    jeeves_url = (url or env.get("JEEVES_URL") or dev.get("jeeves_url")
                  or f"http://127.0.0.1:{config.DEFAULT_PORT}")
    slack_api_url = env.get("SLACK_API_URL") or dev.get("slack_api_url")
    secret = env.get("SLACK_SIGNING_SECRET")
    if not secret and (instance / "dev-secrets.json").exists():
        secret = json.loads((instance / "dev-secrets.json").read_text())["signing_secret"]
    if not secret or not slack_api_url:
        print("jeeves chat needs a running Jeeves in development mode (jeeves serve --dev),\n"
              "or SLACK_SIGNING_SECRET and SLACK_API_URL (a Slack stand-in) in the environment.",
              file=sys.stderr)
        return 2
    if text:
        return 0 if say(text, jeeves_url, slack_api_url, secret, timeout) else 1
    print("Talk to Jeeves (empty line or Ctrl-D to stop).")
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            return 0
        say(line, jeeves_url, slack_api_url, secret, timeout)


def say(text: str, jeeves_url: str, slack_api_url: str, secret: str, timeout: float) -> bool:
    """Post one signed Slack event; print the reply the Slack stand-in received."""
    from .slack import signed_headers  # (slack_sdk comes with it: only when chatting)

    channel = "D" + secrets.token_hex(5).upper()  # a fresh DM channel: its messages are our reply
    now = time.time()
    payload = {
        "type": "event_callback", "team_id": "T0STANDIN", "api_app_id": "A0STANDIN",
        "event_id": "Ev" + secrets.token_hex(8).upper(), "event_time": int(now),
        "event": {"type": "message", "channel_type": "im", "channel": channel,
                  "user": os.environ.get("JEEVES_CHAT_USER", "U0LEARNER"),
                  "text": text, "ts": f"{now:.6f}", "event_ts": f"{now:.6f}"},
    }
    body = json.dumps(payload).encode()
    request = urllib.request.Request(jeeves_url.rstrip("/") + "/slack/events", data=body,
                                     headers=signed_headers(secret, body), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            resp.read()
    except urllib.error.HTTPError as err:
        print(f"Jeeves refused the event: {err.code} {err.read().decode(errors='replace')}",
              file=sys.stderr)
        return False
    except OSError as exc:
        print(f"Jeeves is not answering at {jeeves_url} ({exc}).\n"
              "Start it first:  jeeves serve --dev", file=sys.stderr)
        return False
    inbox = urljoin(slack_api_url, "/_standin/messages") + f"?channel={channel}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(inbox, timeout=5) as resp:
            messages = json.load(resp)["messages"]
        if messages:
            for message in messages:
                print(f"jeeves> {message['text']}")
            return True
        time.sleep(0.1)  # polling the stand-in's inbox for the reply
    print(f"no reply within {timeout:g} s (see Jeeves's output)", file=sys.stderr)
    return False


# --- database commands ------------------------------------------------------


async def init_db_command() -> int:
    from .models import init_db, make_engine

    url = config.database_url()
    engine = make_engine(url)
    try:
        await init_db(engine)
    finally:
        await engine.dispose()
    print(f"database ready: {url}")
    return 0


def create_user(args) -> int:
    from .accounts import MIN_PASSWORD, BadEmail, check_email

    try:
        # The same check and the same normal form as the web forms and the API: an
        # admin created as Ada@Example.com logs in as ada@example.com.
        email = check_email(args.email)
    except BadEmail as exc:
        print(f"jeeves: {args.email!r}: {exc}", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("jeeves: the passwords differ", file=sys.stderr)
            return 1
    if len(password) < MIN_PASSWORD:
        print(f"jeeves: a password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 1
    return asyncio.run(create_user_async(email, args.slack_id, args.admin, password))


async def create_user_async(email: str, slack_id: str | None, admin: bool, password: str) -> int:
    from sqlalchemy.exc import IntegrityError

    from .accounts import find_by_email
    from .models import User, init_db, make_engine, make_sessionmaker

    engine = make_engine(config.database_url())
    try:
        await init_db(engine)
        user = User(email=email, slack_id=slack_id, is_admin=admin, config={})
        user.set_password(password)
        try:
            async with make_sessionmaker(engine).begin() as session:
                taken = await find_by_email(session, email) is not None  # also an older "Ada@"
                if not taken:
                    session.add(user)
        except IntegrityError:  # the Slack id, or the email created meanwhile
            taken = True
        if taken:
            print(f"jeeves: a user with that email or Slack id exists already: {email}",
                  file=sys.stderr)
            return 1
    finally:
        await engine.dispose()
    print(f"created user {user.id}: {email}{' (admin)' if admin else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
