"""What every booking service shares: the plumbing, written once.

- ``service(name)``: a Quart app with JSON errors, a ``/`` health answer and a
  ``/_control`` endpoint that slows it down on purpose (fault injection);
- ``database(name, schema)``: the service's *own* SQLite file;
- tokens: ``sign_token``/``read_token`` and ``require_token`` (OAuth2-style bearer);
- ``Peers``: one httpx.AsyncClient with explicit timeouts, a cached token, and
  every network failure turned into a ``PeerError`` (a 502/503/504 JSON answer);
- ``send_mail``: the normal SMTP client (smtplib, in a thread);
- ``Outbox``: work that must happen eventually, kept in a table and retried;
- ``serve(app, port)``: Hypercorn on 127.0.0.1, stopped by Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import smtplib
import sqlite3
import time
from email.message import EmailMessage
from functools import wraps
from pathlib import Path

import httpx
from quart import Quart, abort, request
from werkzeug.exceptions import HTTPException

from ch01_wsgi_async.booking import PORTS, SMTP_DEFAULT_PORT, exit_now
from ch01_wsgi_async.booking.domain import DomainError

DEV_TOKEN_KEY = "dev-only-token-key-set-BOOKING_TOKEN_KEY"  # says what it is; never for production
DEV_CLIENT_SECRET = "dev-only-client-secret-set-BOOKING_CLIENT_SECRET"
TIMEOUT = float(os.environ.get("PEER_TIMEOUT", "3"))  # seconds for any call to a peer


def peer_url(name: str) -> str:
    """A peer's base URL: ``SEARCH_URL`` and friends, or its default port on loopback."""
    return os.environ.get(f"{name.upper()}_URL", f"http://127.0.0.1:{PORTS[name]}")


# -- the app ------------------------------------------------------------------------

class Refusal(Exception):
    """A client mistake or a refusal with any status (Werkzeug's abort() has no 402)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class PeerError(Exception):
    """A peer failed us: 502 (bad answer), 503 (unreachable), 504 (too slow)."""

    def __init__(self, status: int, peer: str, message: str):
        super().__init__(message)
        self.status, self.peer, self.message = status, peer, message


def service(name: str, choices: dict | None = None, page: str | None = None,
            **controls) -> Quart:
    """A Quart app for one service; ``controls`` are the knobs ``/_control`` may turn.

    ``/`` answers with ``page`` (HTML) if given, else with the service's health in JSON.
    A knob is a number of seconds (``None`` allowed except for ``delay``), or one
    of its ``choices``.
    """
    app = Quart(name)
    app.config["CONTROL"] = {"delay": float(os.environ.get("DELAY", "0")), **controls}
    choices = choices or {}

    def problem(knob, value):
        if knob in choices:
            return None if value in choices[knob] else f"{knob} is one of {list(choices[knob])}"
        if value is None and knob != "delay":
            return None
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 30:
            return f"{knob} is a number of seconds from 0 to 30"
        return None

    @app.get("/")
    async def health():
        return page or {"service": name, "ok": True, "control": app.config["CONTROL"]}

    @app.post("/_control")
    async def control():
        # Fault injection for the lessons: POST {"delay": 2} makes every answer 2 s late.
        changes = await json_body()
        unknown = set(changes) - set(app.config["CONTROL"])
        if unknown:
            abort(400, f"unknown control(s) {sorted(unknown)}; known: {sorted(app.config['CONTROL'])}")
        wrong = [p for p in (problem(k, v) for k, v in changes.items()) if p]
        if wrong:
            abort(400, "; ".join(wrong))
        app.config["CONTROL"].update(changes)
        return app.config["CONTROL"]

    @app.before_request
    async def lag():
        delay = app.config["CONTROL"]["delay"]
        if delay and request.path not in ("/", "/_control"):
            await asyncio.sleep(delay)

    @app.errorhandler(HTTPException)
    async def http_error(error):
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return {"error": error.code, "message": error.description}, error.code, headers

    @app.errorhandler(DomainError)
    async def domain_error(error):
        return {"error": 400, "message": str(error)}, 400

    @app.errorhandler(Refusal)
    async def refusal(error):
        return {"error": error.status, "message": error.message}, error.status

    @app.errorhandler(PeerError)
    async def peer_error(error):
        return {"error": error.status, "message": error.message, "peer": error.peer}, error.status

    return app


async def json_body(*required: str) -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    data = await request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        abort(400, "send a JSON object (Content-Type: application/json)")
    missing = [f for f in required if data.get(f) in (None, "")]
    if missing:
        abort(400, f"missing field(s): {', '.join(missing)}")
    return data


# -- each service's own database ----------------------------------------------------

def database(name: str, schema: str) -> sqlite3.Connection:
    """The service's own SQLite database, which no other service opens.

    A file in ``BOOKING_DATA`` (the one command sets it), else in memory: a service
    run alone keeps its data for that run and leaves nothing behind.
    """
    where = ":memory:"
    if os.environ.get("BOOKING_DATA"):
        folder = Path(os.environ["BOOKING_DATA"])
        folder.mkdir(parents=True, exist_ok=True)
        where = str(folder / f"{name}.db")
    # SQLite answers in microseconds: calling it from the event loop is fine here.
    db = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.executescript(schema)
    return db


# -- tokens: OAuth2-style client credentials, signed by the Authentication service ----

def _key() -> bytes:
    return os.environ.get("BOOKING_TOKEN_KEY", DEV_TOKEN_KEY).encode()


def sign_token(claims: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    sig = hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{sig}"


def read_token(token: str) -> dict:
    """The token's claims; ValueError when forged or expired."""
    body, _, sig = token.partition(".")
    good = hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, good):
        raise ValueError("invalid token")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if claims.get("exp", 0) < time.time():
        raise ValueError("expired token")
    return claims


def require_token(view):
    """Only a caller with a valid bearer token from the Authentication service gets in."""
    @wraps(view)
    async def checked(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise ValueError("missing bearer token")
            read_token(token)
        except ValueError as exc:
            return ({"error": 401, "message": str(exc)}, 401,
                    {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc}"'})
        return await view(*args, **kwargs)
    return checked


# -- calling peers ------------------------------------------------------------------

class Peers:
    """The one way a service calls another: JSON over HTTP, explicit timeouts, a token."""

    def __init__(self, client_id: str):
        self.client_id = client_id
        self.http: httpx.AsyncClient | None = None
        self._token: tuple[str, float] | None = None

    async def start(self) -> None:
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(TIMEOUT, connect=1.0))

    async def close(self) -> None:
        if self.http:
            await self.http.aclose()

    async def token(self) -> str:
        if self._token and self._token[1] > time.time() + 5:
            return self._token[0]
        answer = await self.call("POST", "auth", "/oauth/token", auth=False, data={
            "grant_type": "client_credentials", "client_id": self.client_id,
            "client_secret": os.environ.get("BOOKING_CLIENT_SECRET", DEV_CLIENT_SECRET)})
        body = answer.json()
        self._token = (body["access_token"], time.time() + body["expires_in"])
        return self._token[0]

    async def call(self, method: str, peer: str, path: str, *, auth: bool = True,
                   timeout: float | None | str = "default", **kwargs) -> httpx.Response:
        """Send one request; 4xx answers come back to the caller, failures raise PeerError."""
        headers = kwargs.pop("headers", {})
        if auth:
            headers["Authorization"] = f"Bearer {await self.token()}"
        extra = {} if timeout == "default" else {"timeout": timeout}
        try:
            answer = await self.http.request(method, peer_url(peer) + path, headers=headers,
                                             **extra, **kwargs)
        except httpx.TimeoutException:
            limit = TIMEOUT if timeout == "default" else timeout
            raise PeerError(504, peer, f"{peer} did not answer within {limit} s") from None
        except httpx.TransportError as exc:
            raise PeerError(503, peer, f"{peer} is unreachable ({type(exc).__name__})") from None
        if answer.status_code == 401 and auth:
            self._token = None  # expired or the key changed: one fresh try
            headers["Authorization"] = f"Bearer {await self.token()}"
            answer = await self.http.request(method, peer_url(peer) + path, headers=headers,
                                             **extra, **kwargs)
        if answer.status_code >= 500:
            try:  # pass on what went wrong behind the peer, if it said
                why = ": " + answer.json()["message"]
            except (ValueError, KeyError, TypeError):
                why = ""
            raise PeerError(502, peer, f"{peer} failed with {answer.status_code}{why}")
        return answer


# -- mail through the normal SMTP client ---------------------------------------------

def smtp_address() -> tuple[str, int]:
    return os.environ.get("SMTP_HOST", "127.0.0.1"), int(os.environ.get("SMTP_PORT", SMTP_DEFAULT_PORT))


async def send_mail(to: str, subject: str, text: str, pdf: bytes | None = None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bookings@example.com", to, subject
    msg.set_content(text)
    if pdf:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="receipt.pdf")

    def send():
        with smtplib.SMTP(*smtp_address(), timeout=5) as smtp:
            smtp.send_message(msg)

    await asyncio.to_thread(send)  # smtplib blocks: keep it off the event loop


# -- the outbox: work that must happen, retried until it does -------------------------

class Outbox:
    """Jobs kept in the service's own table; a failed job stays pending and is retried."""

    SCHEMA = """CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY, payload TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);"""

    def __init__(self, db: sqlite3.Connection, deliver):
        self.db, self.deliver = db, deliver  # deliver(payload) -> awaitable; raises on failure
        db.executescript(self.SCHEMA)
        self._lock = asyncio.Lock()
        self._busy: set[int] = set()  # jobs being tried right now: never sent twice at once

    def add(self, payload: dict) -> int:
        return self.db.execute("INSERT INTO outbox (payload) VALUES (?)",
                               (json.dumps(payload),)).lastrowid

    async def try_one(self, job_id: int) -> str | None:
        """Deliver one job now; None when done, else why it is still pending."""
        row = self.db.execute("SELECT payload, done FROM outbox WHERE id = ?", (job_id,)).fetchone()
        if row is None or row["done"]:
            return None
        if job_id in self._busy:
            return "being retried"
        self._busy.add(job_id)
        try:
            await self.deliver(json.loads(row["payload"]))
        except Exception as exc:  # noqa: BLE001 - any failure leaves the job for a retry
            reason = exc.message if isinstance(exc, PeerError) else f"{type(exc).__name__}: {exc}"
            self.db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                            "WHERE id = ?", (reason, job_id))
            return reason
        finally:
            self._busy.discard(job_id)
        self.db.execute("UPDATE outbox SET done = 1, attempts = attempts + 1 WHERE id = ?",
                        (job_id,))
        return None

    async def flush(self) -> dict:
        async with self._lock:  # one retry pass at a time
            for (job_id,) in self.db.execute("SELECT id FROM outbox WHERE done = 0").fetchall():
                await self.try_one(job_id)
        return self.counts()

    def counts(self) -> dict:
        row = self.db.execute("SELECT COALESCE(SUM(done = 0), 0), COALESCE(SUM(done), 0), "
                              "MAX(CASE WHEN done = 0 THEN last_error END) FROM outbox").fetchone()
        return {"pending": row[0], "done": row[1], "last_error": row[2]}

    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)  # a timer, not synchronisation: retry pending jobs
            with contextlib.suppress(Exception):
                await self.flush()


# -- serving ------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _orphan_watch(starter: int) -> None:
    # Started by the one command (or a test): if it dies without stopping us, stop too
    # (leave nothing behind). It may not be our parent (a test forks us from another).
    while os.getppid() == starter or _alive(starter):
        await asyncio.sleep(0.5)
    os.kill(os.getpid(), 2)


def serve(app: Quart, name: str) -> None:
    """Serve ``app`` on 127.0.0.1:$PORT (default: the service's port) until Ctrl-C/SIGTERM."""
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    port = int(os.environ.get("PORT", PORTS[name]))
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.graceful_timeout = 0.2  # seconds for in-flight requests on shutdown
    config.accesslog = None
    print(f"{name}: serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)

    async def main():
        if os.environ.get("BOOKING_PARENT_PID"):
            watch = asyncio.create_task(_orphan_watch(int(os.environ["BOOKING_PARENT_PID"])))
        await hypercorn_serve(app, config)
        if os.environ.get("BOOKING_PARENT_PID"):
            watch.cancel()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    exit_now(0)  # everything is closed and committed
