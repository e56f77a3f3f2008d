"""Chapter 4's errata: the book's published monolith (``monolith/jeeves``) and samples
(``CodeSamples/Chapter4``). The notes have only the chapter's headings here.

Two tables: the monolith (``errata``) and its web pages (``errata-web``).
Proven by tests/ch04/test_errata.py, one reproduction per row.
"""

from workbook.catalogue.errata import Erratum

MONOLITH = "`monolith/jeeves/"
SAMPLES = "`CodeSamples/Chapter4/"

ERRATA = [
    Erratum(
        id="blocking_requests_in_async",
        source="book",
        where=MONOLITH + "actions/weather.py`, `outgoing/slack.py`",
        code="`requests.get(url)` / `requests.post(...)` inside `async def` code",
        error="ticks while requests.get waited: 0",
        note="a task ticking every 10 ms on the same loop, during a 0.3 s upstream call: no "
             "error, worse: the whole event loop, so every other user, waits",
        fix="aiohttp with a timeout for the weather, `slack_sdk`'s `AsyncWebClient` for Slack",
        why="in async code every blocking call blocks everyone",
    ),
    Erratum(
        id="flask_sqlalchemy_patch",
        source="libraries",
        broke_in="Quart 0.19",
        where=MONOLITH + "database.py`, `auth.py`, `forms.py`",
        code="`import quart.flask_patch` then `from flask_sqlalchemy import SQLAlchemy`",
        error="ModuleNotFoundError: No module named 'quart.flask_patch'",
        note="and Flask-SQLAlchemy is synchronous anyway",
        fix="SQLAlchemy 2's own asyncio extension (`create_async_engine`, `AsyncSession`)",
        why="queries never block the loop; no Flask patched into Quart",
    ),
    Erratum(
        id="body_fields_as_view_arguments",
        source="book",
        where=SAMPLES + "sqlalchemy/sqlalchemy-async.py`",
        code="`@app.post(\"/users\") async def create_user(name, email, slack_id)`",
        error="TypeError: ...create_user() missing 3 required positional arguments: 'name', "
              "'email', and 'slack_id'",
        note="a **500** for every POST: Quart passes only the URL's variables",
        fix="read `await request.get_json()`, validate, answer **400** with the reason "
            "(`sqlalchemy_async.py`)",
        why="client mistakes are 4xx with a message; a 500 means our bug",
    ),
    Erratum(
        id="secret_key_in_code",
        source="book",
        where=MONOLITH + "app.py`, " + SAMPLES + "forms_example/app.py`",
        code="`app.config[\"SECRET_KEY\"] = \"ANOTHER ONE\"`",
        error='{"user_id":1}',
        note="what the app reads from a session cookie anyone signed with the published key",
        fix="secrets from the environment; a missing one stops start-up, naming it; "
            "`--dev` generates local ones and says so",
        why="code is shared, secrets are not",
    ),
    Erratum(
        id="admin_created_on_import",
        source="book",
        where=MONOLITH + "app.py`",
        code="`create_app()` run at import (`loop.run_until_complete(...)`), adding "
             "`simon@flmx.org` with the password `\"ok\"`",
        error="users after import: 1",
        note="importing the module (a test, a docs build) writes to the database; everyone "
             "knows the password",
        fix="`jeeves create-user --admin`, password prompted, stored as a scrypt hash",
        why="import must have no side effects; passwords never in code",
    ),
    Erratum(
        id="slack_endpoint_unsigned",
        source="book",
        where=MONOLITH + "views/slack_api.py`",
        code="`@slack_api.route(\"/slack\", methods=[\"POST\"])`: no signature check",
        error="200 abc",
        note="for an unsigned POST of `{\"type\": \"url_verification\", \"challenge\": "
             "\"abc\"}` from anyone; any event is acted on the same way",
        fix="v0 HMAC-SHA256 over `v0:timestamp:body`, `hmac.compare_digest`, a 5-minute window",
        why="Slack's documented scheme; constant time so the check leaks nothing",
    ),
    Erratum(
        id="slack_work_before_answer",
        source="book",
        where=MONOLITH + "views/slack_api.py`",
        code="`await process_message(...)`, then `return {\"status\": \"OK\"}`",
        error="answered after the work: True",
        note="Slack gives up after 3 s and retries, so a slow reply is sent twice",
        fix="acknowledge at once, work in `app.add_background_task`; `event_id` recorded to "
            "ignore retries",
        why="Slack's Events API contract",
    ),
    Erratum(
        id="test_body_pass",
        source="book",
        where=MONOLITH + "tests/test_home.py`",
        code="`def test_my_view(self): pass`",
        error="OK: 1 run, 0 failures",
        note="against any app, even one that does not import",
        fix="every behaviour asserted, on SQLite and PostgreSQL, over real HTTP too "
            "(`tests/ch04/`)",
        why="a test must be able to fail",
    ),
    # ---- the web pages
    Erratum(
        id="flask_login_in_quart",
        table="errata-web",
        source="libraries",
        broke_in="Quart 0.19 (no `quart.flask_patch`)",
        where=MONOLITH + "auth.py`, `views/auth.py`, `views/home.py`",
        code="Flask-Login's `LoginManager` and `current_user` in a Quart app",
        error="RuntimeError: Working outside of request context.",
        note="from Flask-Login's `after_request` hook, on every request: every page is a 500; "
             "inside a view `current_user` is `None` (`AttributeError: 'NoneType' object has no "
             "attribute 'is_authenticated'`)",
        fix="quart-auth, made for Quart; the user row loaded once per request from its "
            "`auth_id`",
        why="Flask extensions read Flask's request context, which Quart never sets",
    ),
    Erratum(
        id="quart_auth_manager_renamed",
        table="errata-web",
        source="libraries",
        broke_in="quart-auth 0.9 (renamed `QuartAuth`, no alias; the book pins 0.5.0)",
        where=SAMPLES + "logging-in/app.py`",
        code="`from quart_auth import AuthManager`",
        error="ImportError: cannot import name 'AuthManager' from 'quart_auth' (...)",
        fix="`QuartAuth(app)` (`logging_in.py`)",
        why="the same class under its new name",
    ),
    Erratum(
        id="oauth_secret_in_url",
        table="errata-web",
        source="book",
        where=SAMPLES + "oauth2/app.py`, `logging-in/app.py`",
        code="`GET oauth.v2.access?client_id=...&client_secret=...&code=...`, no `state`",
        error="client_secret in the URL: True; a callback without state: 200",
        note="the secret lands in proxy and server logs; with no `state` anyone can make your "
             "browser finish *their* sign-in (login CSRF)",
        fix="a random `state` in the session, compared in constant time and used once; the code "
            "exchanged by POST with the secret as HTTP Basic (`oauth2.py`)",
        why="RFC 6749 §10.12 (state) and §2.3.1 (client authentication)",
    ),
    Erratum(
        id="logout_returns_none",
        table="errata-web",
        source="book",
        where=SAMPLES + "logging-in/app.py`",
        code="`async def logout(): logout_user()` (nothing returned)",
        error="TypeError: The response value returned by the view function cannot be None",
        note="a 500, after the user was logged out",
        fix="return a response (a redirect, or JSON); and logout is a POST, so a link on another "
            "site cannot log you out",
        why="a view must return a response",
    ),
    Erratum(
        id="users_page_open",
        table="errata-web",
        source="book",
        where=MONOLITH + "views/admin.py`",
        code="`@admin.route(\"/users\")` with no `@admin_required` (only `create_user` has it)",
        error="200 ['simon@flmx.org']",
        note="for an anonymous visitor: every user listed",
        fix="`admin_required` on every admin view: anonymous → login page (401 in the API), "
            "non-admin → 403",
        why="authorisation is checked on the server for every request",
    ),
]
