"""Jeeves as an attacker or a careless operator meets it (issue 13): over real HTTP.

One Jeeves process for the module (``python -m ch04_jeeves.jeeves serve``, SQLite in
a temporary folder), its admin made the way an operator does it (``jeeves
create-user`` with capitals in the address). Development mode only so that its
cookies are not ``Secure`` over plain http on loopback; every secret is given.
Each test makes its own users, so revoking one user's sessions touches no other test.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time

import httpx
import pytest
from werkzeug.security import generate_password_hash

from ch04_jeeves.jeeves import slack
from ch04_jeeves.jeeves.models import password_hash_method
from workbook.serving import child_env, start_process

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
ROOT = "root@example.com"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Site:
    def __init__(self, server, env, db, made):
        self.server, self.env, self.db, self.url = server, env, db, server.url
        self.made = made  # what create-user printed

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def traceback_since(self, mark: int) -> bool:
        """Did the server log a traceback since ``mark`` (a length of its output)?"""
        return "Traceback" in self.server.output()[mark:]

    def add_user(self, email: str, password: str = PASSWORD, admin: bool = False) -> str:
        """A user written straight into the database (the server reads it on the next request)."""
        with sqlite3.connect(self.db, timeout=30) as conn:
            conn.execute("INSERT INTO users (email, password_hash, config, is_active, is_admin)"
                         " VALUES (?, ?, '{}', 1, ?)",
                         (email, generate_password_hash(password, method=password_hash_method()), admin))
        return email


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jeeves-security")
    db = folder / "jeeves.db"
    env = child_env({
        "JEEVES_DEV": "1", "JEEVES_INSTANCE_PATH": str(folder),
        "JEEVES_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "JEEVES_SECRET_KEY": secrets.token_hex(32), "SLACK_SIGNING_SECRET": secrets.token_hex(16),
        "SLACK_BOT_TOKEN": "xoxb-unused", "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "WEATHER_API_URL": "http://127.0.0.1:9/"})
    made = subprocess.run(
        [sys.executable, "-m", "ch04_jeeves.jeeves", "create-user", "--email", " Ada@Example.COM",
         "--admin", "--password-stdin"], env=env, input=PASSWORD + "\n", capture_output=True,
        text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    server = start_process([sys.executable, "-m", "ch04_jeeves.jeeves", "serve"],
                           name="jeeves-security", env=env, warm=True)
    try:
        site = Site(server, env, db, made.stdout)
        site.add_user(ROOT, admin=True)  # for the tests that are not about the CLI
        yield site
    finally:
        server.stop()


def csrf(client: httpx.Client, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return CSRF.search(page.text).group(1)


def login(client: httpx.Client, email: str, password: str = PASSWORD, next_: str | None = None):
    params = {"next": next_} if next_ is not None else None
    return client.post("/login", params=params, data={
        "email": email, "password": password, "csrf_token": csrf(client)})


def token(site: Site, email: str, password: str = PASSWORD) -> str:
    with site.browser() as client:
        answer = client.post("/api/tokens", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


# --- the database and the operator ------------------------------------------------


def test_the_database_file_is_private(site):
    assert site.db.stat().st_mode & 0o777 == 0o600  # password hashes and Slack tokens inside
    # The write-ahead log and its index (while Jeeves has the database open) hold
    # the same data: SQLite gives them the database file's mode.
    for suffix in ("-wal", "-shm"):
        assert site.db.with_name(site.db.name + suffix).stat().st_mode & 0o777 == 0o600


def test_the_cli_stored_the_address_in_its_one_form(site):
    assert site.made == "created user 1: ada@example.com (admin)\n"


@pytest.mark.parametrize("typed", ["ada@example.com", "ADA@example.com", " Ada@Example.COM "])
def test_an_admin_made_by_the_cli_with_capitals_can_log_in(site, typed):
    with site.browser() as client:
        answer = login(client, typed)
        assert answer.status_code == 302 and answer.headers["Location"] == "/home"
        assert "ada@example.com (admin)" in client.get("/home").text


# --- redirects after login ----------------------------------------------------------


@pytest.mark.parametrize("evil", [
    "/\\evil.example", "\\\\evil.example", "//evil.example/x", "https://evil.example/",
    "/\r\nX-Injected: 1", "/\tevil", "javascript:alert(1)", "/ spaced",
])
def test_next_never_leaves_the_site(site, evil):
    with site.browser() as client:
        page = client.get("/login", params={"next": evil})
        assert page.status_code == 200 and "Log in" in page.text  # was a 500 for CR LF
        answer = login(client, ROOT, next_=evil)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/home", evil
    assert "X-Injected" not in answer.headers


def test_next_to_a_local_page_is_followed(site):
    with site.browser() as client:
        answer = login(client, ROOT, next_="/activity?page=1")
    assert answer.headers["Location"] == "/activity?page=1"


# --- no account enumeration -----------------------------------------------------------


def test_a_lone_surrogate_gets_one_answer_for_known_and_unknown(site):
    # json.dumps writes "\ud800" as an escape: valid JSON, but not encodable text.
    answers = []
    with site.browser() as client:
        for email in ("ada@example.com", "nobody@example.com"):
            body = json.dumps({"email": email, "password": "\ud800"})
            answer = client.post("/api/tokens", content=body,
                                 headers={"Content-Type": "application/json"})
            answers.append((answer.status_code, answer.json()))
    assert answers[0] == answers[1] == (
        400, {"ok": False, "error": "email and password must be valid Unicode text"})


def test_the_api_checks_addresses_as_the_forms_do(site):
    with site.browser() as client:
        for email in ("not an email <script>", "a@b", "x" * 300 + "@example.com"):
            answer = client.post("/api/tokens", json={"email": email, "password": "x"})
            assert answer.status_code == 400 and answer.json()["error"] == "Enter an email address."


def test_unknown_and_known_emails_take_comparable_time(site):
    """Both run the slow hash now (before: ~150 ms against ~10 ms). The machine is shared
    and noisy, so medians of interleaved tries, and a generous ratio."""
    site.add_user("timing@example.com")
    known, unknown = [], []
    with site.browser() as client:
        for _ in range(4):
            for email, times in (("timing@example.com", known), ("ghost@example.com", unknown)):
                started = time.perf_counter()
                answer = client.post("/api/tokens", json={"email": email, "password": "wrong!"})
                times.append(time.perf_counter() - started)
                assert answer.status_code == 401
                assert answer.json() == {"ok": False, "error": "wrong email or password"}
    ratio = statistics.median(unknown) / statistics.median(known)
    assert ratio > 0.4, (known, unknown)


# --- logout and password changes revoke every copy --------------------------------------


def test_a_copied_cookie_dies_at_logout(site):
    email = site.add_user(f"copy-{secrets.token_hex(3)}@example.com")
    bearer = {"Authorization": f"Bearer {token(site, email)}"}
    with site.browser() as mine, site.browser() as thief:
        assert login(mine, email).status_code == 302
        thief.cookies.set("QUART_AUTH", mine.cookies["QUART_AUTH"])  # the copied cookie
        assert thief.get("/api/me").json()["user"]["email"] == email
        assert thief.get("/api/me", headers=bearer).status_code == 200
        logout = mine.post("/logout", data={"csrf_token": csrf(mine, "/home")})
        assert logout.status_code == 302
        answer = thief.get("/api/me")
        assert answer.status_code == 401 and answer.json()["error"] == "authentication required"
        assert thief.get("/profile").headers["Location"] == "/login?next=/profile"
        assert thief.get("/api/me", headers=bearer).status_code == 401  # tokens too
        assert login(mine, email).status_code == 302  # a new login works


def test_a_password_change_signs_out_the_others(site):
    email = site.add_user(f"change-{secrets.token_hex(3)}@example.com")
    old_token = {"Authorization": f"Bearer {token(site, email)}"}
    with site.browser() as here, site.browser() as there:
        assert login(here, email).status_code == 302 and login(there, email).status_code == 302
        wrong = here.post("/profile/password", data={
            "current": "not it", "new": "a new long password", "confirm": "a new long password",
            "csrf_token": csrf(here, "/profile")})
        assert wrong.status_code == 400 and "Wrong password." in wrong.text
        assert there.get("/api/me").status_code == 200  # nothing changed yet
        changed = here.post("/profile/password", data={
            "current": PASSWORD, "new": "a new long password", "confirm": "a new long password",
            "csrf_token": csrf(here, "/profile")})
        assert changed.status_code == 302
        assert here.get("/api/me").status_code == 200  # this browser stays in
        assert there.get("/api/me").status_code == 401
        assert there.get("/api/me", headers=old_token).status_code == 401
    token(site, email, "a new long password")


# --- headers on every page ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/home", "/login", "/static/web/jeeves.css", "/no-such-page",
                                  "/api/me", "/"])
def test_no_page_can_be_framed(site, path):
    with site.browser() as client:
        answer = client.get(path, headers={"Accept": "text/html"})
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_pages_style_comes_from_a_file_the_policy_allows(site):
    with site.browser() as client:
        page = client.get("/login").text
        assert "<style" not in page and "<script" not in page
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
        css = client.get(href)
    assert href == "/static/web/jeeves.css"
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "font-family" in css.text


# --- client mistakes: 4xx with a message, never a 500 --------------------------------


@pytest.mark.parametrize("body, error", [
    (b'\xff{"email": "a"}', "body is not UTF-8 (JSON must be UTF-8)"),
    ('{"email": "\xe9@example.com", "password": "x"}'.encode("latin-1"),
     "body is not UTF-8 (JSON must be UTF-8)"),
    (json.dumps({"email": "ada@example.com", "password": "x"}).encode("utf-16"),
     "body is not UTF-8 (JSON must be UTF-8)"),
    (b"[" * 5000 + b"]" * 5000, "body is nested deeper than 32 levels"),
    (b'{"a":' * 40 + b"1" + b"}" * 40, "body is nested deeper than 32 levels"),
    (b"{nope", "body is not JSON"),
    (b"[1]", "body is not a JSON object"),
])
def test_api_tokens_refuse_bodies_it_cannot_read(site, body, error):
    mark = len(site.server.output())
    with site.browser() as client:
        answer = client.post("/api/tokens", content=body,
                             headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == error and answer.json()["ok"] is False
    assert not site.traceback_since(mark)


def test_a_signed_slack_event_nested_1000_deep_is_a_400(site):
    mark = len(site.server.output())
    body = (b'{"type": "event_callback", "event_id": "EvDeep", "event": {"type": "message",'
            b' "user": "U1", "channel": "D1", "blocks": ' + b"[" * 1000 + b"]" * 1000 + b"}}")
    headers = slack.signed_headers(site.env["SLACK_SIGNING_SECRET"], body)
    with site.browser() as client:
        answer = client.post("/slack/events", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": "body is nested deeper than 32 levels"}
    assert not site.traceback_since(mark)


@pytest.mark.parametrize("page", ["²", "9" * 20, "١"])  # str.isdigit says yes to all three
def test_a_page_number_that_is_not_one_is_a_400(site, page):
    mark = len(site.server.output())
    bearer = {"Authorization": f"Bearer {token(site, ROOT)}"}
    with site.browser() as client:
        api = client.get("/api/logs", params={"page": page}, headers=bearer)
        assert api.status_code == 400
        assert "page must be a positive whole number" in api.json()["message"]
        assert login(client, ROOT).status_code == 302
        html = client.get("/activity", params={"page": page})
    assert html.status_code == 400 and html.headers["Content-Type"].startswith("text/html")
    assert "page must be a positive whole number" in html.text
    assert not site.traceback_since(mark)


def test_an_admin_post_with_a_23_digit_id_is_a_404(site):
    mark = len(site.server.output())
    with site.browser() as client:
        assert login(client, ROOT).status_code == 302
        token_ = csrf(client, "/admin/users")
        for path in ("/admin/users/" + "9" * 23 + "/deactivate",
                     "/admin/services/" + "9" * 23 + "/disable"):
            answer = client.post(path, data={"csrf_token": token_})
            assert answer.status_code == 404, path
            assert answer.headers["Content-Type"].startswith("text/html")
            assert "404 Not Found" in answer.text
    assert not site.traceback_since(mark)
