"""Chapter 4 examples: designing Jeeves, the Slack assistant monolith."""

import json

from workbook.catalogue import Example, Probe

JSON = {"Content-Type": "application/json"}
STANDIN_TOKEN = {"Authorization": "Bearer xoxb-standin"}

EXAMPLES = [
    Example(
        id="ch04.jeeves",
        file="ch04_jeeves/jeeves/__main__.py",
        module="ch04_jeeves.jeeves",
        args=("serve", "--dev"),
        summary="Jeeves: signed Slack events, background replies, async SQLAlchemy, weather",
        port=8300,
        # Development mode, with its own in-memory database; the Slack and weather
        # URLs are set (to a closed port) so this run starts no stand-ins of its own.
        env={"JEEVES_DATABASE_URL": "sqlite+aiosqlite://",
             "SLACK_API_URL": "http://127.0.0.1:9/api/", "WEATHER_API_URL": "http://127.0.0.1:9/"},
        probes=(
            Probe("/", content_type="application/json", json={"name": "jeeves", "status": "ok"}),
            Probe("/slack/events", method="POST", status=401, headers=JSON,
                  data=b'{"type": "url_verification", "challenge": "abc"}',
                  json={"ok": False, "error": "missing Slack signature headers"},
                  note="unsigned: refused"),
            Probe("/slack/events", method="POST", status=401,
                  headers={**JSON, "X-Slack-Request-Timestamp": "1500000000",
                           "X-Slack-Signature": "v0=" + "0" * 64},
                  data=b'{"type": "url_verification", "challenge": "abc"}',
                  json={"ok": False, "error": "request timestamp too old"},
                  note="a replayed (stale) request: refused"),
            Probe("/slack/events", status=405, json={"ok": False}),
        ),
    ),
    Example(
        id="ch04.sqlalchemy_async",
        file="ch04_jeeves/sqlalchemy_async.py",
        summary="A users CRUD service on async SQLAlchemy 2: 201, 404 for a missing row, 400 for bad bodies",
        port=8301,
        ready_path="/users",
        probes=(
            Probe("/users", method="POST", status=201, headers=JSON,
                  data=json.dumps({"name": "Ada", "email": "ada@example.com"}).encode(),
                  json={"id": 1, "name": "Ada", "email": "ada@example.com"},
                  expect_headers={"Location": "/users/1"}),
            Probe("/users/1", json={"id": 1, "name": "Ada"}),
            Probe("/users", json={"users": [{"id": 1, "name": "Ada", "email": "ada@example.com"}]}),
            Probe("/users/1", method="PATCH", headers=JSON, data=b'{"name": "Ada L."}',
                  json={"id": 1, "name": "Ada L."}),
            Probe("/users/99", status=404, json={"error": "no user 99"}),
            Probe("/users", method="POST", status=400, headers=JSON, data=b"name=Ada",
                  json={"error": str}, note="not JSON"),
            Probe("/users", method="POST", status=400, headers=JSON, data=b'{"name": "Bo"}',
                  json={"error": "invalid user",
                        "detail": [{"loc": ["email"], "msg": "Field required",
                                    "type": "missing"}]}),
            Probe("/users", method="POST", status=409, headers=JSON,
                  data=json.dumps({"name": "Eve", "email": "ada@example.com"}).encode()),
        ),
    ),
    Example(
        id="ch04.password_hash",
        file="ch04_jeeves/password_hash.py",
        kind="script",
        summary="Hashing passwords with a salted, slow hash (scrypt), and why SHA-256 is wrong",
        stdout_contains=("different hashes for the same password: True",
                         "check correct password: True", "check wrong password:   False",
                         "werkzeug check: True", "more expensive"),
    ),
    Example(
        id="ch04.slack_standin",
        file="ch04_jeeves/devtools/slack_standin.py",
        module="ch04_jeeves.devtools.slack_standin",
        summary="A local Slack Web API stand-in (auth.test, chat.postMessage, oauth.v2.access)",
        port=8390,
        probes=(
            Probe("/api/auth.test", method="POST", headers=STANDIN_TOKEN,
                  json={"ok": True, "user_id": "U0JEEVES"}),
            Probe("/api/auth.test", method="POST", headers={"Authorization": "Bearer wrong"},
                  json={"ok": False, "error": "invalid_auth"}, note="Slack says 200, ok: false"),
            Probe("/api/chat.postMessage", method="POST", headers={**STANDIN_TOKEN, **JSON},
                  data=b'{"channel": "C0GENERAL", "text": "Hello"}',
                  json={"ok": True, "channel": "C0GENERAL"}),
            Probe("/_standin/messages?channel=C0GENERAL", body_contains=('"text": "Hello"',)),
            Probe("/api/chat.postMessage", method="POST", headers=STANDIN_TOKEN,
                  data=b"channel=C0GENERAL", json={"ok": False, "error": "no_text"}),
            Probe("/api/no.such.method", method="POST", status=404,
                  json={"ok": False, "error": "unknown_method"}),
            Probe("/_standin/config", method="POST", status=400, headers=JSON, data=b"{nope"),
        ),
    ),
    Example(
        id="ch04.weather_standin",
        file="ch04_jeeves/devtools/weather_standin.py",
        module="ch04_jeeves.devtools.weather_standin",
        summary="A local Open-Meteo stand-in (geocoding and current weather), slow or failing on demand",
        port=8391,
        probes=(
            Probe("/v1/search?name=Paris&count=1", content_type="application/json",
                  body_contains=('"name": "Paris"', '"country": "France"')),
            Probe("/v1/search?name=Atlantis", json={"generationtime_ms": float}),
            Probe("/v1/forecast?latitude=48.85&longitude=2.35&current=temperature_2m",
                  body_contains=('"temperature_2m": 14.2',)),
            Probe("/v1/forecast", status=400, json={"error": True}),
            Probe("/_standin/config", method="POST", status=400, data=b"[1]"),
        ),
    ),
    # Part 2 (web): the stepping stones to jeeves/web/.
    Example(
        id="ch04.forms_example",
        file="ch04_jeeves/forms_example.py",
        summary="A WTForms form: server-side validation, a CSRF token bound to the session, 400 with errors",
        port=8310,
        probes=(
            Probe("/", body_contains=("Sign up for weather alerts", 'name="csrf_token"')),
            Probe("/", method="POST", status=400, data=b"email=ada@example.com&location=Paris",
                  headers={"Content-Type": "application/x-www-form-urlencoded"},
                  body_contains=("CSRF token missing.",), note="no CSRF token: refused"),
        ),
    ),
    Example(
        id="ch04.logging_in",
        file="ch04_jeeves/logging_in.py",
        summary="quart-auth's QuartAuth: signed HttpOnly cookie, 401 for anonymous, 403 for non-admins",
        port=8311,
        env={"LOGIN_DEV": "1", "LOGIN_DEMO_PASSWORD": "catalogue demo password"},
        probes=(
            Probe("/", json={"hello": "anonymous"}),
            Probe("/me", status=401, json={"error": "Unauthorized"}, note="not logged in yet"),
            Probe("/login", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
                  data=b"email=ada@example.com&password=catalogue+demo+password",
                  json={"logged_in": "ada@example.com"},
                  expect_headers={"Set-Cookie": "HttpOnly"}),
            Probe("/login", method="POST", status=401,
                  headers={"Content-Type": "application/x-www-form-urlencoded"},
                  data=b"email=ada@example.com&password=wrong",
                  json={"error": "wrong email or password"}),
        ),
    ),
    Example(
        id="ch04.oauth2",
        file="ch04_jeeves/oauth2.py",
        summary="Slack OAuth v2: a random state checked on return, the secret sent as HTTP Basic",
        port=8312,
        env={"SLACK_API_URL": "http://127.0.0.1:9/api/"},
        probes=(
            Probe("/", json={"sign_in": ...}),
            Probe("/login", status=302,
                  expect_headers={"Location": "/oauth/v2/authorize?client_id=standin-client"}),
            Probe("/callback?code=x&state=forged", status=400,
                  json={"error": "state missing or wrong"}, note="a state we never issued"),
        ),
    ),
    Example(
        id="ch04.background_tasks",
        file="ch04_jeeves/background_tasks.py",
        summary="Background work in Quart: 202 at once, add_background_task, a periodic job "
                "stopped on shutdown_event",
        port=8330,
        ready_path="/jobs",
        probes=(
            Probe("/jobs", method="POST", status=202, headers=JSON,
                  data=b'{"name": "report", "seconds": 0}',
                  json={"accepted": 1, "name": "report", "seconds": 0},
                  note="accepted at once; the work runs after the answer"),
            Probe("/jobs", json={"done": list, "running": int, "ticks": int}),
            Probe("/jobs", method="POST", status=400, headers=JSON, data=b"name=report",
                  json={"error": "the body must be a JSON object"}),
            Probe("/jobs", method="POST", status=400, headers=JSON,
                  data=b'{"name": "report", "seconds": 60}',
                  json={"error": "seconds must be a number from 0 to 1"}),
            Probe("/jobs", method="DELETE", status=405, json={"error": ...}),
        ),
    ),
]

# Files in ch04_jeeves/ that belong to an example without being one.
SUPPORT_FILES: list[str] = [
    "ch04_jeeves/jeeves/*.py",
    "ch04_jeeves/jeeves/web/*.py",  # part 2: the pages, login, OAuth and API
    "ch04_jeeves/devtools/__init__.py",
]
