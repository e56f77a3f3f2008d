"""Chapter 4's errata, proven: each row's faulty code, reproduced here, gives exactly its error.

The faulty code is written in this file in the fewest lines that show the
fault (never copied from the book's monolith or samples); each fix check runs
the workbook's corrected code. The rows: workbook/catalogue/errata/ch04.py.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib
import inspect
import sqlite3
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import aiohttp
import requests
from aiohttp import web
from aiohttp.test_utils import TestServer
from quart import Quart, got_request_exception, request, session

from workbook.catalogue import ROOT
from workbook.catalogue.errata import Proofs, exception_line, failure

proofs = Proofs("ch04")



class Raised:
    """The exceptions an app's views raised (Quart logs them and answers 500)."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def __enter__(self):
        got_request_exception.connect(self.record, self.app)
        return self.seen

    def __exit__(self, *exc):
        got_request_exception.disconnect(self.record, self.app)

    def record(self, sender, exception, **extra):
        self.seen.append(exception)


# ---------------------------------------------------------------- the monolith


def slow_upstream(seconds: float):
    """A local HTTP server that answers after ``seconds`` (the weather API, slow)."""

    def app(environ, start_response):
        time.sleep(seconds)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"weather": "rain"}']

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args):
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def ticks_during(fetch) -> int:
    """How often a 10 ms ticker on this loop ran while a view awaited ``fetch(url)``."""
    server = slow_upstream(0.3)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    app = Quart(__name__)

    @app.route("/weather")
    async def weather():
        before = ticks
        await fetch(f"http://127.0.0.1:{server.server_port}/")
        return {"ticks": ticks - before}

    task = asyncio.create_task(ticker())
    try:
        response = await app.test_client().get("/weather")
        return (await response.get_json())["ticks"]
    finally:
        task.cancel()
        server.shutdown()
        server.server_close()


@proofs.reproduces("blocking_requests_in_async")
async def _():
    async def fetch(url):
        return requests.get(url, timeout=5).json()  # blocking, inside async code

    return f"ticks while requests.get waited: {await ticks_during(fetch)}"


@proofs.fixes("blocking_requests_in_async")
async def _():
    async def fetch(url):
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
            return await response.json()

    assert await ticks_during(fetch) >= 10  # the loop went on serving others
    from ch04_jeeves.jeeves import weather

    source = inspect.getsource(weather)
    assert "aiohttp" in source and "import requests" not in source


@proofs.reproduces("flask_sqlalchemy_patch")
def _():
    return failure(lambda: importlib.import_module("quart.flask_patch"))


@proofs.fixes("flask_sqlalchemy_patch")
def _():
    from sqlalchemy.ext.asyncio import AsyncSession

    from ch04_jeeves.jeeves import models

    assert "AsyncSession" in inspect.getsource(models) or issubclass(AsyncSession, object)
    assert "flask" not in inspect.getsource(models).lower()


@proofs.reproduces("body_fields_as_view_arguments")
async def _():
    app = Quart(__name__)

    @app.post("/users")
    async def create_user(name, email, slack_id):
        return {"name": name}

    with Raised(app) as raised:
        response = await app.test_client().post("/users", json={"name": "Bo"})
    assert response.status_code == 500
    return exception_line(raised[0])


@proofs.fixes("body_fields_as_view_arguments")
async def _():
    from ch04_jeeves import sqlalchemy_async

    with tempfile.TemporaryDirectory() as folder:
        app = sqlalchemy_async.make_app(f"sqlite+aiosqlite:///{folder}/users.db")
        async with app.test_app() as running:
            client = running.test_client()
            missing = await client.post("/users", json={"name": "Bo"})
            created = await client.post("/users", json={"name": "Ada",
                                                        "email": "ada@example.com"})
        assert missing.status_code == 400  # the reason names the missing field
        assert "email" in await missing.get_data(as_text=True)
        assert created.status_code == 201


@proofs.reproduces("secret_key_in_code")
async def _():
    app = Quart(__name__)
    app.config["SECRET_KEY"] = "ANOTHER ONE"  # published with the code

    @app.route("/whoami")
    async def whoami():
        return {"user_id": session.get("user_id")}

    # anyone who read the code signs a session of their choosing
    forger = Quart("forger")
    forger.config["SECRET_KEY"] = "ANOTHER ONE"
    cookie = forger.session_interface.get_signing_serializer(forger).dumps({"user_id": 1})
    response = await app.test_client().get("/whoami", headers={"Cookie": f"session={cookie}"})
    return (await response.get_data(as_text=True)).strip()


@proofs.fixes("secret_key_in_code")
def _():
    from ch04_jeeves.jeeves import config

    said = failure(lambda: config.from_env({}, dev=False))
    assert "SLACK_SIGNING_SECRET" in said and "SLACK_BOT_TOKEN" in said
    with tempfile.TemporaryDirectory() as folder:
        first = config.web_settings({}, True, Path(folder) / "a")["secret_key"]
        second = config.web_settings({}, True, Path(folder) / "b")["secret_key"]
    assert len(first) >= 32 and first != second  # generated per machine, never in the code


@proofs.reproduces("admin_created_on_import")
def _():
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder, "jeeves.db")
        Path(folder, "admin_on_import.py").write_text(
            "import sqlite3\n\n\n"
            "def create_app(path):\n"
            "    db = sqlite3.connect(path)\n"
            "    db.execute('CREATE TABLE IF NOT EXISTS user (email TEXT, password TEXT)')\n"
            "    db.execute(\"INSERT INTO user VALUES ('simon@flmx.org', 'ok')\")\n"
            "    db.commit()\n"
            "    db.close()\n\n\n"
            f"create_app({str(database)!r})  # at import, as the monolith's app.py does\n")
        sys.path.insert(0, folder)
        try:
            importlib.import_module("admin_on_import")
        finally:
            sys.path.remove(folder)
            sys.modules.pop("admin_on_import", None)
        with sqlite3.connect(database) as db:
            (count,) = db.execute("SELECT count(*) FROM user").fetchone()
        return f"users after import: {count}"


def calls_at_module_level(path: Path) -> list[str]:
    """The functions a module calls while it is imported (its top-level statements)."""
    called = []
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # defined, not run
        called += [ast.unparse(node.func) for node in ast.walk(statement)
                   if isinstance(node, ast.Call)]
    return called


@proofs.fixes("admin_created_on_import")
def _():
    jeeves = ROOT / "ch04_jeeves" / "jeeves"
    for module in ("__init__.py", "app.py", "models.py", "cli.py"):
        called = calls_at_module_level(jeeves / module)
        assert not any(name.endswith(("create_app", "run_until_complete", "create_user",
                                      "add", "commit")) for name in called), (module, called)
    from ch04_jeeves.jeeves import cli

    assert "getpass" in inspect.getsource(cli.create_user)


def booklike_slack_app(work=None):
    app = Quart(__name__)

    @app.route("/slack", methods=["POST"])
    async def incoming_slack_endpoint():
        body = await request.get_json()
        if body.get("type", "") == "url_verification":
            return body.get("challenge", ""), 200
        if work:
            await work(body)
        return {"status": "OK"}, 200

    return app


@proofs.reproduces("slack_endpoint_unsigned")
async def _():
    app = booklike_slack_app()
    response = await app.test_client().post(
        "/slack", json={"type": "url_verification", "challenge": "abc"})  # no signature
    return f"{response.status_code} {await response.get_data(as_text=True)}"


@proofs.fixes("slack_endpoint_unsigned")
def _():
    from ch04_jeeves.jeeves import slack

    body = b'{"type": "url_verification", "challenge": "abc"}'
    said = failure(lambda: slack.verify("s3cret", None, None, body))
    assert said == "ch04_jeeves.jeeves.slack.BadSignature: missing Slack signature headers"
    headers = slack.signed_headers("s3cret", body)
    slack.verify("s3cret", headers["X-Slack-Request-Timestamp"],
                 headers["X-Slack-Signature"], body)  # Slack's own signature passes
    forged = failure(lambda: slack.verify("guess", headers["X-Slack-Request-Timestamp"],
                                          slack.sign("guess", 1, body), body))
    assert forged.endswith(("invalid signature", "request timestamp too old"))


@proofs.reproduces("slack_work_before_answer")
async def _():
    done = []

    async def work(body):
        await asyncio.sleep(0.2)  # the weather call and the reply
        done.append(body)

    app = booklike_slack_app(work)
    response = await app.test_client().post("/slack", json={"type": "event_callback"})
    assert response.status_code == 200
    return f"answered after the work: {bool(done)}"


@proofs.fixes("slack_work_before_answer")
async def _():
    done = []
    app = Quart(__name__)

    async def work():
        await asyncio.sleep(0.2)
        done.append(True)

    @app.post("/slack")
    async def incoming():
        app.add_background_task(work)
        return {"status": "OK"}

    async with app.test_app() as running:
        response = await running.test_client().post("/slack", json={})
        assert response.status_code == 200 and done == []  # answered first
    assert done == [True]  # and shutting down waited for the work


def run_test_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


@proofs.reproduces("test_body_pass")
def _():
    class TestSomething(unittest.TestCase):
        def test_my_view(self):
            pass

    result = run_test_case(TestSomething)
    return f"OK: {result.testsRun} run, {len(result.failures)} failures"


@proofs.fixes("test_body_pass")
def _():
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    broken = Response("no home page", status=404)  # an app that answers nothing useful

    class TestHome(unittest.TestCase):
        def test_home(self):
            self.assertEqual(Client(broken).get("/").status_code, 200)

    assert len(run_test_case(TestHome).failures) == 1  # a real test can fail


# ---------------------------------------------------------------- the web pages


@functools.cache
def logging_in_app():
    """One app for the checks below: each make_app hashes two passwords with scrypt."""
    from ch04_jeeves import logging_in

    return logging_in.make_app(password="pw", dev=True)


@proofs.reproduces("flask_login_in_quart")
async def _():
    from flask_login import LoginManager, current_user

    app = Quart(__name__)
    app.secret_key = "test only"
    LoginManager().init_app(app)

    @app.route("/plain")
    async def plain():
        return {"ok": True}

    @app.route("/")
    async def home():
        return {"signed_in": current_user.is_authenticated}

    with Raised(app) as raised:
        plain_page = await app.test_client().get("/plain")
        assert plain_page.status_code == 500  # even a page that never looks at the user
        home_page = await app.test_client().get("/")
        assert home_page.status_code == 500
    lines = [exception_line(exc).splitlines()[0] for exc in raised]
    assert "AttributeError: 'NoneType' object has no attribute 'is_authenticated'" in lines
    return lines[0]


@proofs.fixes("flask_login_in_quart")
async def _():
    app = logging_in_app()
    response = await app.test_client().get("/")
    assert response.status_code == 200
    assert await response.get_json() == {"hello": "anonymous",
                                         "login": "POST /login with email and password"}


@proofs.reproduces("quart_auth_manager_renamed")
def _():
    return failure(lambda: exec("from quart_auth import AuthManager", {}))


@proofs.fixes("quart_auth_manager_renamed")
def _():
    from quart_auth import QuartAuth

    from ch04_jeeves import logging_in

    assert logging_in.QuartAuth is QuartAuth
    assert "QuartAuth(app)" in inspect.getsource(logging_in.make_app)


async def fake_slack_oauth():
    """A local Slack stand-in for oauth.v2.access that records what it was sent."""
    seen = []

    async def access(request):
        seen.append(request)
        return web.json_response({"ok": True, "authed_user": {"id": "U1"},
                                  "access_token": "xoxp-test"})

    api = web.Application()
    api.router.add_route("*", "/api/oauth.v2.access", access)
    server = TestServer(api, host="127.0.0.1", port=0)
    await server.start_server()
    return server, seen


@proofs.reproduces("oauth_secret_in_url")
async def _():
    server, seen = await fake_slack_oauth()
    api = str(server.make_url("/api/"))
    app = Quart(__name__)

    @app.route("/slack/callback")
    async def callback():
        code = request.args["code"]
        url = f"{api}oauth.v2.access?client_id=cid&client_secret=s3cret&code={code}"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            await response.json()
        return "logged in"

    try:
        response = await app.test_client().get("/slack/callback?code=theirs")  # no state
    finally:
        await server.close()
    in_url = "client_secret" in seen[0].query
    return f"client_secret in the URL: {in_url}; a callback without state: {response.status_code}"


@proofs.fixes("oauth_secret_in_url")
async def _():
    server, seen = await fake_slack_oauth()
    from ch04_jeeves import oauth2

    try:
        app = oauth2.make_app(api_url=str(server.make_url("/api/")), client_id="cid",
                              client_secret="s3cret")
        client = app.test_client()
        refused = await client.get("/callback?code=theirs")  # no state: refused
        login = await client.get("/login")
        state = dict(p.split("=", 1) for p in
                     login.headers["Location"].split("?", 1)[1].split("&"))["state"]
        accepted = await client.get(f"/callback?code=ours&state={state}")
    finally:
        await server.close()
    assert refused.status_code == 400 and len(seen) == 1  # refused without calling Slack
    assert accepted.status_code == 200
    exchange = seen[-1]
    assert exchange.method == "POST" and "client_secret" not in exchange.query
    assert exchange.headers["Authorization"].startswith("Basic ")


@proofs.reproduces("logout_returns_none")
async def _():
    app = Quart(__name__)

    @app.route("/logout")
    async def logout():
        pass  # logout_user() and nothing returned

    with Raised(app) as raised:
        response = await app.test_client().get("/logout")
    assert response.status_code == 500
    return exception_line(raised[0])


@proofs.fixes("logout_returns_none")
async def _():
    app = logging_in_app()
    response = await app.test_client().post("/logout")
    assert response.status_code == 200 and await response.get_json() == {"logged_out": True}
    assert (await app.test_client().get("/logout")).status_code == 405  # not a GET


@proofs.reproduces("users_page_open")
async def _():
    app = Quart(__name__)
    users = ["simon@flmx.org"]

    @app.route("/users")
    async def _users():
        return {"users": users}

    response = await app.test_client().get("/users")  # anonymous
    return f"{response.status_code} {(await response.get_json())['users']}"


@proofs.fixes("users_page_open")
async def _():
    app = logging_in_app()
    anonymous = await app.test_client().get("/admin")
    assert anonymous.status_code == 401


(test_every_row_is_reproduced_and_its_fix_checked,
 test_reproduction_gives_the_exact_error,
 test_the_fix_works) = proofs.tests()
