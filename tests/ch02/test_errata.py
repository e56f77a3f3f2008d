"""Chapter 2's errata, proven: each row's faulty code, reproduced here, gives exactly its error.

The faulty code is written in this file in the fewest lines that show the
fault (never copied from the book's samples); each fix check runs the
workbook's corrected example. The rows: workbook/catalogue/errata/ch02.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import json
import os
from pathlib import Path

import sqlalchemy
import yaml
from jinja2 import Template
from quart import Blueprint, Quart, got_request_exception, jsonify, request, url_for
from werkzeug.datastructures import Headers
from werkzeug.routing import BaseConverter, ValidationError

from workbook.catalogue.errata import (
    Proofs,
    exception_line,
    failure,
    get_event_loop_outside_a_loop_on_3_14,
)
from workbook.pythons import run_newer_python

proofs = Proofs("ch02")
HERE = Path(__file__).resolve().parents[2] / "ch02_quart"



# ---------------------------------------------------------------- how Quart handles requests


@proofs.reproduces("quart_is_asgi_only")
def _():
    from ch02_quart.quart_basic import app

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8100", "wsgi.url_scheme": "http"}
    return failure(lambda: app(environ, lambda status, headers: None))  # a WSGI server's call


@proofs.fixes("quart_is_asgi_only")
async def _():
    from ch02_quart.quart_basic import app

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/api", "raw_path": b"/api", "query_string": b"",
             "root_path": "", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8100)}
    sent, messages = [], [{"type": "http.request", "body": b"", "more_body": False}]
    finished = asyncio.Event()

    async def receive():
        if messages:
            return messages.pop()
        await finished.wait()  # then the client goes away, as after any response
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            finished.set()

    await app(scope, receive, send)  # what an ASGI server does
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    assert b"".join(m.get("body", b"") for m in sent[1:]).strip() == b'{"Hello":"World!"}'


# ---------------------------------------------------------------- routing


@proofs.reproduces("duplicate_endpoint_path_friendly")
def _():
    app = Quart(__name__)

    @app.route("/many/<a>/<b>/<int:n>")
    def path_friendly(a, b, n):
        return f"{a} {b} {n}"

    def second():
        @app.route("/path/<path:some_path>")
        def path_friendly(some_path):  # the same name again
            return some_path

    return failure(second)


@proofs.fixes("duplicate_endpoint_path_friendly")
async def _():
    from ch02_quart import variables_and_converters as ex

    endpoints = [rule.endpoint for rule in ex.app.url_map.iter_rules()]
    assert len(endpoints) == len(set(endpoints))
    response = await ex.app.test_client().get("/files/a/b/c.txt")
    assert await response.get_json() == {"path": "a/b/c.txt"}


@proofs.reproduces("url_for_wrong_app")
async def _():
    app = Quart(__name__)

    @app.route("/person/<person_id>")
    def person(person_id):
        return {"Hello": person_id}

    async with app.test_request_context("/", method="GET"):
        return failure(lambda: url_for("person", name="Alice"))


@proofs.fixes("url_for_wrong_app")
async def _():
    from ch02_quart import converter_custom, variables_and_converters

    async with variables_and_converters.app.test_request_context("/"):
        assert url_for("person_by_name", person_id="Alice") == "/person/Alice"
    async with converter_custom.app.test_request_context("/"):
        assert url_for("person", name="Alice") == "/api/person/1"


@proofs.reproduces("url_for_missing_module")
def _():
    return failure(lambda: importlib.import_module("quart_converter"))


@proofs.fixes("url_for_missing_module")
def _():
    module = importlib.import_module("ch02_quart.converter_custom")
    assert "registered" in module.app.url_map.converters


_USERS = {"1": "Alice", "2": "Bob"}
_IDS = {name: user_id for user_id, name in _USERS.items()}


class UncheckedToUrl(BaseConverter):
    def to_python(self, value):
        if value in _USERS:
            return _USERS[value]
        raise ValidationError()

    def to_url(self, value):
        return _IDS[value]


@proofs.reproduces("url_for_unregistered_name")
async def _():
    app = Quart(__name__)
    app.url_map.converters["registered"] = UncheckedToUrl

    @app.route("/api/person/<registered:name>")
    def person(name):
        return {"Hello": name}

    async with app.test_request_context("/", method="GET"):
        return failure(lambda: url_for("person", name="Tarek"))


@proofs.fixes("url_for_unregistered_name")
async def _():
    from ch02_quart import converter_custom

    async with converter_custom.app.test_request_context("/"):
        assert url_for("person", name="Alice") == "/api/person/1"
        said = failure(lambda: url_for("person", name="Carol"))
    assert said == "ValueError: 'Carol' is not a registered user (known: ['Alice', 'Bob'])"
    response = await converter_custom.app.test_client().get("/api/person/3")
    assert response.status_code == 404  # to_python was right all along


@proofs.reproduces("get_event_loop_url_for")
def _():
    # 3.12 and 3.13 only warn (-W error makes the warning the traceback's last line);
    # 3.14 raises without -W: test_get_event_loop_raises_from_python_3_14
    result = run_newer_python("-W", "error::DeprecationWarning", "-c",
                              "import asyncio; asyncio.get_event_loop()", below=(3, 14))
    assert result.returncode == 1
    return result.stderr.strip().splitlines()[-1]


@proofs.fixes("get_event_loop_url_for")
def _():
    result = run_newer_python("-W", "error::DeprecationWarning", "-c",
                              "import asyncio; print(asyncio.run(asyncio.sleep(0, 'ok')))")
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
    source = (HERE / "url_for.py").read_text(encoding="utf-8")
    assert "asyncio.run(main())" in source and "get_event_loop" not in source.replace(
        "get_event_loop().run_until_complete: see the errata", "")


def test_get_event_loop_raises_from_python_3_14():
    """The row's other claim: from 3.14 the warning is a RuntimeError, no -W needed."""
    assert "3.14 raises `RuntimeError`" in proofs.rows["get_event_loop_url_for"].broke_in
    assert get_event_loop_outside_a_loop_on_3_14() == (
        1, "RuntimeError: There is no current event loop in thread 'MainThread'.")


# ---------------------------------------------------------------- requests


BASIC = {"Authorization": "Basic YWxpY2U6d29uZGVybGFuZA=="}  # alice:wonderland


@proofs.reproduces("authorization_printed")
async def _():
    app = Quart(__name__)

    @app.route("/")
    def auth():
        print(request.authorization)
        return ""

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        response = await app.test_client().get("/", headers=BASIC)
        anonymous = await app.test_client().get("/")
    assert (response.status_code, await response.get_data()) == (200, b"")
    assert anonymous.status_code == 200  # no challenge either
    return printed.getvalue().splitlines()[0]


@proofs.fixes("authorization_printed")
async def _():
    from ch02_quart import authorization

    client = authorization.app.test_client()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        ok = await client.get("/", headers=BASIC)
        anonymous = await client.get("/")
    assert await ok.get_json() == {"auth_type": "basic", "username": "alice"}
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert "YWxpY2U6d29uZGVybGFuZA" not in printed.getvalue()
    assert "wonderland" not in printed.getvalue()


def app_with_json_500() -> Quart:
    app = Quart(__name__)

    @app.errorhandler(500)
    def error_handling(error):
        return {"Error": "Internal Server Error"}, 500

    @app.route("/api")
    def my_microservice():
        raise TypeError("SomeException")

    return app


@proofs.reproduces("debug_mode_bypasses_handlers")
async def _():
    app = app_with_json_500()
    app.debug = True  # what app.run(debug=True) sets
    response = await app.test_client().get("/api")
    page = await response.get_data(as_text=True)
    assert 'raise TypeError("SomeException")' in page  # the source, sent to the client
    return f"{response.status_code} {response.content_type}"


@proofs.fixes("debug_mode_bypasses_handlers")
async def _():
    from ch02_quart import error_handler

    assert not error_handler.app.debug
    response = await error_handler.app.test_client().get("/api")
    assert response.status_code == 500 and response.content_type == "application/json"
    assert "SomeException" not in await response.get_data(as_text=True)


# ---------------------------------------------------------------- extensions, middleware


@proofs.reproduces("flask_patch_removed")
def _():
    return failure(lambda: importlib.import_module("quart.flask_patch"))


@proofs.fixes("flask_patch_removed")
async def _():
    from ch02_quart import extensions

    response = await extensions.app.test_client().post("/orders", json={"item": "burger"})
    assert response.status_code == 400
    assert (await response.get_json())["error"] == "invalid order"


def booklike_middleware(rebuild):
    """The shape of the book's XFF middleware; ``rebuild`` makes the new headers."""

    class XFF:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if "headers" in scope and "HTTP_X_FORWARDED_FOR" not in scope["headers"]:
                scope["headers"] = rebuild(scope["headers"])
            return await self.app(scope, receive, send)

    app = Quart(__name__)
    app.asgi_app = XFF(app.asgi_app)

    @app.route("/api")
    def my_microservice():
        return {"Hello": request.headers.get("X-Forwarded-For")}

    return app


async def middleware_failure(rebuild) -> str:
    app = booklike_middleware(rebuild)
    try:
        await app.test_client().get("/api")
    except Exception as exc:
        return exception_line(exc)
    raise AssertionError("it did not fail")


@proofs.reproduces("middleware_raw_items")
async def _():
    return await middleware_failure(
        lambda headers: Headers(headers.raw_items() + [(b"X-Forwarded-For", b"10.1.1.1")]))


@proofs.reproduces("middleware_headers_object")
async def _():
    return await middleware_failure(
        lambda headers: Headers(list(headers) + [(b"X-Forwarded-For", b"10.1.1.1")]))


@proofs.reproduces("middleware_wsgi_header_name")
def _():
    scope_headers = [(b"host", b"localhost"), (b"x-forwarded-for", b"6.6.6.6")]
    return str("HTTP_X_FORWARDED_FOR" not in scope_headers)


async def trusted_proxy_answers(headers=None, **make_app_kwargs):
    from ch02_quart import trusted_proxy

    app = trusted_proxy.make_app(**make_app_kwargs)
    peer = {"client": ("127.0.0.1", 40000)}  # the test client's own peer is "<local>"
    response = await app.test_client().get("/api", headers=headers or {}, scope_base=peer)
    assert response.status_code == 200
    return await response.get_json()


@proofs.fixes("middleware_raw_items")
@proofs.fixes("middleware_headers_object")
@proofs.fixes("middleware_wsgi_header_name")
async def _():
    from ch02_quart import middleware

    sent = []
    app = middleware.XFFMiddleware(lambda scope, receive, send: sent.append(scope) or _noop())
    await app({"type": "http", "headers": [(b"x-forwarded-for", b"6.6.6.6")]}, None, None)
    await app({"type": "http", "headers": [(b"host", b"localhost")]}, None, None)
    first, second = sent
    assert first["headers"] == [(b"x-forwarded-for", b"6.6.6.6")]  # not added twice
    assert isinstance(second["headers"], list)
    assert all(isinstance(n, bytes) and n == n.lower() for n, _ in second["headers"])
    assert any(name == b"x-forwarded-for" for name, _ in second["headers"])


async def _noop():
    return None


@proofs.reproduces("middleware_trusts_client")
async def _():
    app = Quart(__name__)

    @app.route("/api")
    def my_microservice():
        ips = [ip.strip() for ip in request.headers["X-Forwarded-For"].split(",")]
        return {"Hello": ips[0]}

    response = await app.test_client().get("/api", headers={"X-Forwarded-For": "6.6.6.6"})
    return (await response.get_data(as_text=True)).strip()


@proofs.fixes("middleware_trusts_client")
async def _():
    forged = {"X-Forwarded-For": "6.6.6.6"}
    # the peer, 127.0.0.1, is not a proxy we run: not believed
    body = await trusted_proxy_answers(forged, trusted_proxies=())
    assert body["Hello"] == "127.0.0.1"
    # from a proxy we run, the hop it vouches for is believed
    body = await trusted_proxy_answers(forged, trusted_proxies=("127.0.0.1",))
    assert body["Hello"] == "6.6.6.6"


# ---------------------------------------------------------------- templates


TEMPLATE = "Date: {{date}}\nTo: {{to}}\n"


@proofs.reproduces("template_date_missing")
def _():
    data = {
        # 'data': time.time(),
        "to": "ada@example.com",
    }
    return Template(TEMPLATE).render(**data).splitlines()[0].strip()


@proofs.fixes("template_date_missing")
def _():
    from ch02_quart import email_render

    mail = email_render.render_email(**email_render.example_data())
    date = mail.split("Date:", 1)[1].splitlines()[0].strip()
    assert date.endswith("+0000") and len(date) > 20  # RFC 5322
    wrong = email_render.example_data()
    wrong["data"] = wrong.pop("date")
    assert failure(lambda: email_render.render_email(**wrong)) == (
        "jinja2.exceptions.UndefinedError: 'date' is undefined")


@contextlib.contextmanager
def working_directory(path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@proofs.reproduces("template_relative_open")
def _():
    import tempfile

    with tempfile.TemporaryDirectory() as elsewhere, working_directory(elsewhere):
        return failure(lambda: open("email_template.j2"))  # noqa: SIM115


@proofs.fixes("template_relative_open")
def _():
    import tempfile

    from ch02_quart import email_render

    with tempfile.TemporaryDirectory() as elsewhere, working_directory(elsewhere):
        assert "Hello Ada," in email_render.render_email(**email_render.example_data())


# ---------------------------------------------------------------- configuration


@proofs.reproduces("config_from_json")
def _():
    app = Quart(__name__, root_path=str(HERE))
    return failure(lambda: app.config.from_json("prod_settings.json"))


@proofs.fixes("config_from_json")
def _():
    app = Quart(__name__, root_path=str(HERE))
    assert app.config.from_file("prod_settings.json", load=json.load)
    assert app.config["SQLURI"].startswith("postgresql://")


@proofs.reproduces("config_wrong_yaml_name")
def _():
    app = Quart(__name__, root_path=str(HERE))
    assert (HERE / "prod_settings.yml").is_file()
    return failure(lambda: app.config.from_file("settings.yml", yaml.safe_load))


@proofs.fixes("config_wrong_yaml_name")
def _():
    app = Quart(__name__, root_path=str(HERE))
    assert app.config.from_file("prod_settings.yml", load=yaml.safe_load)
    assert app.config["DEBUG"] is False


@proofs.reproduces("sqlalchemy_postgres_scheme")
def _():
    return failure(lambda: sqlalchemy.create_engine("postgres://username:xxx@localhost/db"))


@proofs.fixes("sqlalchemy_postgres_scheme")
def _():
    from ch02_quart import prod_settings

    url = sqlalchemy.make_url(prod_settings.Config.SQLURI)
    assert url.drivername == "postgresql" and url.password is None
    engine = sqlalchemy.create_engine(url)  # the dialect loads; nothing connects
    assert engine.dialect.name == "postgresql"
    engine.dispose()


REPL = ("app.config.from_object('prod_settings.Config')", "pp.pprint(app.config)")


@proofs.reproduces("repl_lines_joined")
def _():
    return failure(lambda: compile(f"{REPL[0]} >>> {REPL[1]}\n", "<repl>", "exec"))


@proofs.fixes("repl_lines_joined")
def _():
    compile("\n".join(REPL) + "\n", "<repl>", "exec")


# ---------------------------------------------------------------- blueprints and errors


@proofs.reproduces("blueprint_unknown_team")
async def _():
    teams = Blueprint("teams", __name__)
    _teams = {1: ["Alice", "Bob"], 2: ["Charles"]}

    @teams.route("/teams/<int:team_id>")
    def get_team(team_id):
        return _teams[team_id]

    app = Quart(__name__)
    app.register_blueprint(teams)
    raised = []

    def seen(sender, exception, **extra):
        raised.append(exception)

    got_request_exception.connect(seen, app)
    try:
        response = await app.test_client().get("/teams/9")
    finally:
        got_request_exception.disconnect(seen, app)
    assert response.status_code == 500
    return exception_line(raised[0])


@proofs.fixes("blueprint_unknown_team")
async def _():
    from ch02_quart import blueprints

    response = await blueprints.app.test_client().get("/teams/9")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "not found"


@proofs.reproduces("quart_exceptions_removed")
def _():
    return failure(lambda: importlib.import_module("quart.exceptions"))


def notes_catch_all():
    """The notes' variant: Werkzeug's exceptions, and the book's abort.mapping fallback."""
    from quart import abort
    from werkzeug.exceptions import HTTPException, default_exceptions

    reached = []

    def jsonify_errors(app):
        def error_handling(error):
            if isinstance(error, HTTPException):
                result = {"code": error.code, "description": error.description,
                          "message": str(error)}
            else:
                reached.append(error)
                description = abort.mapping[error.code].description
                result = {"code": error.code, "description": description,
                          "message": str(error)}
            resp = jsonify(result)
            resp.status_code = result["code"]
            return resp

        for code in default_exceptions:
            app.register_error_handler(code, error_handling)
        return app

    app = jsonify_errors(Quart(__name__))

    @app.route("/api")
    def my_microservice():
        raise TypeError("Some exception")

    return app, reached


@proofs.reproduces("abort_has_no_mapping")
async def _():
    from quart import abort

    app, reached = notes_catch_all()
    response = await app.test_client().get("/api")
    # today the branch is dead: the handler got an InternalServerError, JSON came out
    assert response.status_code == 500 and (await response.get_json())["code"] == 500
    assert reached == []
    return failure(lambda: abort.mapping)


@proofs.fixes("abort_has_no_mapping")
@proofs.fixes("quart_exceptions_removed")
async def _():
    from ch02_quart import catch_all_errors

    client = catch_all_errors.app.test_client()
    crashed, missing = await client.get("/api"), await client.get("/nope")
    assert crashed.status_code == 500 and (await crashed.get_json())["code"] == 500
    assert missing.status_code == 404 and (await missing.get_json())["code"] == 404


(test_every_row_is_reproduced_and_its_fix_checked,
 test_reproduction_gives_the_exact_error,
 test_the_fix_works) = proofs.tests()
