"""Chapter 2's errata: the book's published samples (CodeSamples/Chapter2) and the notes.

Proven by tests/ch02/test_errata.py, one reproduction per row.
"""

from workbook.catalogue.errata import Erratum

SAMPLES = "`CodeSamples/Chapter2/"

ERRATA = [
    Erratum(
        id="quart_is_asgi_only",
        source="book",
        where="the book's text, *How Quart handles requests* (quoted in the notes)",
        code="a Quart app handles \"ASGI and WSGI requests\"",
        error="TypeError: Quart.__call__() missing 1 required positional argument: 'send'",
        note="when a WSGI server calls it as `app(environ, start_response)`",
        fix="serve it with an ASGI server (Hypercorn, uvicorn); chapter 1's `time_asgi.py` "
            "shows the ASGI callable by hand",
        why="`Quart.__call__(scope, receive, send)` is ASGI only; there is no WSGI entry point",
    ),
    Erratum(
        id="duplicate_endpoint_path_friendly",
        source="book",
        where=SAMPLES + "variables_and_converters.py`",
        code="two views both named `path_friendly` (`/many/<some_text>/<other_text>/<int:my_number>`"
             " and `/path/<path:some_path>`); `app.run()` at module level",
        error="AssertionError: View function mapping is overwriting an existing endpoint "
              "function: path_friendly",
        note="at import: the app never starts (and, renamed, importing the file would serve)",
        fix="one name per view (or `endpoint=`); `app.run()` only under "
            "`if __name__ == \"__main__\":`",
        why="the endpoint name (the function's name by default) is the key `url_for` builds from;"
            " it must be unique",
    ),
    Erratum(
        id="url_for_wrong_app",
        source="notes",
        where="notes, *The url_for function*",
        code="`from c2_quart_convert import app` (the notes' `/person/<person_id>` app), then "
             "`url_for('person', name='Alice')`",
        error="werkzeug.routing.exceptions.BuildError: Could not build url for endpoint 'person'"
              " with values ['name']. Did you forget to specify values ['person_id']?",
        note="the book's `url_for.py` imports the custom-converter app, whose route is "
             "`<registered:name>`: there `name=` is right",
        fix="`url_for('person_by_name', person_id='Alice')` on `/person/<person_id>`; "
            "`name=` on the converter's route (`url_for.py` shows both)",
        why="keywords must be the route's variable names; unknown ones become the query "
            "string, and the required one is missing",
    ),
    Erratum(
        id="url_for_missing_module",
        source="book",
        where=SAMPLES + "url_for.py`",
        code="`from quart_converter import app`",
        error="ModuleNotFoundError: No module named 'quart_converter'",
        note="no sample has that name: the custom converter is `converter_custom.py`",
        fix="`from ch02_quart.converter_custom import app`",
        why="an import names a module that exists on `sys.path`",
    ),
    Erratum(
        id="url_for_unregistered_name",
        source="book",
        where=SAMPLES + "url_for.py` + `converter_custom.py`",
        code="`url_for(\"person\", name=\"Tarek\")`; `to_url` returns `_IDS[value]`; "
             "the registered users are Alice and Bob",
        error="KeyError: 'Tarek'",
        note="a bare `KeyError` from inside `to_url`; `to_python` is right: it raises "
             "`ValidationError` (a 404) for an unknown id",
        fix="ask for a registered name (`name=\"Alice\"` gives `/api/person/1`); `to_url` "
            "raises `ValueError(\"'Carol' is not a registered user ...\")`",
        why="the example's data and its call disagree; an error should say what is wrong",
    ),
    Erratum(
        id="get_event_loop_url_for",
        source="libraries",
        broke_in="Python 3.12 (deprecated); 3.14 raises `RuntimeError`",
        where=SAMPLES + "url_for.py`",
        code="`loop = asyncio.get_event_loop()` at module level; "
             "`loop.run_until_complete(run_url_for())`",
        error="DeprecationWarning: There is no current event loop",
        fix="`asyncio.run(run_url_for())` under `if __name__ == \"__main__\":`",
        why="`get_event_loop()` no longer creates a loop when none is running",
    ),
    Erratum(
        id="authorization_printed",
        source="book",
        where=SAMPLES + "authorization.py`",
        code="`print(request.authorization)`; `return \"\"`",
        error="Basic YWxpY2U6d29uZGVybGFuZA==",
        note="printed for `curl -u alice:wonderland`: the `Authorization` object's header form,"
             " the password in base64 (anyone reading the log decodes it); and a `200` with an "
             "empty body for everybody, credentials or not",
        fix="read `.username`/`.password`, compare with a hash in constant time, answer "
            "`401` + `WWW-Authenticate: Basic` (`authorization.py`)",
        why="logs are read by many people; the 401 challenge is what makes clients send "
            "credentials",
    ),
    Erratum(
        id="debug_mode_bypasses_handlers",
        source="notes",
        where="notes, *Globals*, *Signals*, *Custom error handler*",
        code="`app.run(debug=True)` (the book's samples call `app.run()`)",
        error="500 text/html; charset=utf-8",
        note="with a custom JSON 500 handler: Quart's debug page answers instead, the "
             "traceback and the source line `raise TypeError(...)` sent to the client",
        fix="`app.run()`; debug only on your own machine",
        why="debug mode propagates exceptions past your handlers to show them",
    ),
    Erratum(
        id="flask_patch_removed",
        source="libraries",
        broke_in="Quart 0.19",
        where="notes, *Extensions and middleware* (and the book's chapter-4 samples)",
        code="`import quart.flask_patch`; `import flask_login`",
        error="ModuleNotFoundError: No module named 'quart.flask_patch'",
        fix="Quart-native extensions: quart-auth (login), quart-schema (validation, "
            "`extensions.py`), quart-cors",
        why="Quart 0.19 rebuilt Quart on Flask's own code and dropped the patching shim",
    ),
    Erratum(
        id="middleware_raw_items",
        source="book",
        where=SAMPLES + "middleware.py` (copied in the notes, with this error)",
        code="`scope[\"headers\"].raw_items()`",
        error="AttributeError: 'list' object has no attribute 'raw_items'",
        note="on every request: a 500",
        fix="a new list: `[*scope[\"headers\"], (b\"x-forwarded-for\", b\"...\")]`, in a copy "
            "of the scope",
        why="in ASGI, `scope[\"headers\"]` is a plain list of `(bytes, bytes)` pairs",
    ),
    Erratum(
        id="middleware_headers_object",
        source="book",
        where=SAMPLES + "middleware.py`",
        code="`scope[\"headers\"] = Headers(new_headers)` (a Werkzeug `Headers`)",
        error="AttributeError: 'str' object has no attribute 'decode'",
        note="once `raw_items` is fixed: Quart decodes each header name as bytes, and a "
             "`Headers` object yields `str` pairs",
        fix="keep a list of lower-case byte pairs",
        why="servers and frameworks iterate `scope[\"headers\"]` as pairs of bytes",
    ),
    Erratum(
        id="middleware_wsgi_header_name",
        source="book",
        where=SAMPLES + "middleware.py`",
        code="`\"HTTP_X_FORWARDED_FOR\" not in scope[\"headers\"]`",
        error="True",
        note="always, even when the client sent `X-Forwarded-For`: the header is added twice",
        fix="look for `b\"x-forwarded-for\"` among the names",
        why="`HTTP_X_FORWARDED_FOR` is a WSGI `environ` key; ASGI names are lower-case bytes",
    ),
    Erratum(
        id="middleware_trusts_client",
        source="book",
        where=SAMPLES + "middleware.py`",
        code="the view believes `X-Forwarded-For`'s first entry",
        error='{"Hello":"6.6.6.6"}',
        note="for a client that simply sends `X-Forwarded-For: 6.6.6.6`: IP bans and rate "
             "limits dodged, logs forged",
        fix="believe the header only from a proxy you run, and take the right-most address "
            "that is not one of them (`trusted_proxy.py`; Werkzeug's `ProxyFix` for WSGI)",
        why="the header is client input until your own proxy vouches for its last hop",
    ),
    Erratum(
        id="template_date_missing",
        source="notes",
        where="notes, *Templates* (the book's `email_render.py` has `\"date\"`)",
        code="`# 'data': time.time(),  # 不顯示why`",
        error="Date:",
        note="the rendered `Date:` line is empty, silently",
        fix="key `date`, value `format_datetime(datetime.now(UTC))`; "
            "`Environment(undefined=StrictUndefined)` makes a missing key an error",
        why="commented out **and** misspelt; Jinja2's default `Undefined` renders a missing "
            "name as `\"\"`; a mail date is RFC 5322, not a float",
    ),
    Erratum(
        id="template_relative_open",
        source="book",
        where=SAMPLES + "email_render.py`",
        code="`open(\"email_template.j2\")`",
        error="FileNotFoundError: [Errno 2] No such file or directory: 'email_template.j2'",
        note="from any folder but the template's",
        fix="`FileSystemLoader(Path(__file__).parent)`",
        why="relative paths follow the current directory, not the script",
    ),
    Erratum(
        id="config_from_json",
        source="libraries",
        broke_in="Quart 0.18 (0.17 still had it)",
        where=SAMPLES + "load_settings.py`",
        code="`app.config.from_json(\"prod_settings.json\")`",
        error="AttributeError: 'Config' object has no attribute 'from_json'",
        fix="`app.config.from_file(\"prod_settings.json\", load=json.load)`",
        why="`from_file` with a loader replaced it (Flask removed its own in 2.3)",
    ),
    Erratum(
        id="config_wrong_yaml_name",
        source="book",
        where=SAMPLES + "load_settings.py`",
        code="`app.config.from_file(\"settings.yml\", yaml.safe_load)` beside "
             "`prod_settings.yml`",
        error="FileNotFoundError: [Errno 2] Unable to load configuration file (No such file or "
              "directory): '.../settings.yml'",
        fix="`from_file(\"prod_settings.yml\", load=yaml.safe_load)`",
        why="the sample's file is `prod_settings.yml`; `from_file` paths are relative to "
            "`app.root_path`",
    ),
    Erratum(
        id="sqlalchemy_postgres_scheme",
        source="book",
        where=SAMPLES + "prod_settings.py`, `.json`, `.yml`",
        code="`SQLURI = \"postgres://username:xxx@localhost/db\"`",
        error="sqlalchemy.exc.NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:postgres",
        note="when the URL reaches `create_engine`: SQLAlchemy dropped the `postgres` alias in "
             "1.4.0 (March 2021), before the book, whose chapter-4 samples pin 1.4.23; and a "
             "password in a checked-in file",
        fix="`postgresql://...` without the password; the password from the environment "
            "(`QUART_SQLURI`, `from_prefixed_env()`)",
        why="the dialect is `postgresql`; secrets do not belong in the repository",
    ),
    Erratum(
        id="repl_lines_joined",
        source="notes",
        where="notes, *Configuration*",
        code="`app.config.from_object('prod_settings.Config') >>> pp.pprint(app.config)`",
        error="SyntaxError: invalid syntax",
        fix="one statement per line",
        why="two REPL lines were copied onto one",
    ),
    Erratum(
        id="blueprint_unknown_team",
        source="book",
        where=SAMPLES + "blueprints.py`",
        code="`return _TEAMS[team_id]`",
        error="KeyError: 9",
        note="for `/teams/9`, in the server log; the client gets **500 Internal Server Error**",
        fix="`abort(404, description=...)` and the blueprint's JSON `errorhandler(404)` "
            "(`teams.py`)",
        why="a missing resource is the client's 404, not our 500",
    ),
    Erratum(
        id="quart_exceptions_removed",
        source="libraries",
        broke_in="Quart 0.15 (0.14, the book's pin, had `quart.exceptions`)",
        where=SAMPLES + "catch_all_errors.py`",
        code="`from quart.exceptions import HTTPException, default_exceptions`",
        error="ModuleNotFoundError: No module named 'quart.exceptions'",
        note="the notes import them from `werkzeug.exceptions`: that version runs",
        fix="`from werkzeug.exceptions import HTTPException, default_exceptions`",
        why="Quart uses Werkzeug's exceptions since 0.15",
    ),
    Erratum(
        id="abort_has_no_mapping",
        source="book",
        where=SAMPLES + "catch_all_errors.py` (the notes: `abort.mapping[error.code]`)",
        code="`description = abort.mapping[500].description` for an exception that is not an "
             "`HTTPException`",
        error="AttributeError: 'function' object has no attribute 'mapping'",
        note="Quart's `abort` has always been a plain function. With Quart 0.14 the 500 handler "
             "got the view's `TypeError`, so the sample's own `/api` hit this line; today it gets "
             "an `InternalServerError`, the branch is dead, and the JSON 500 comes out",
        fix="`default_exceptions[500]().description` (`catch_all_errors.py`)",
        why="Werkzeug's exception classes carry the descriptions",
    ),
]
