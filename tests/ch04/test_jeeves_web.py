"""ch04_jeeves.jeeves.web: pages, forms with CSRF, login, admin rights, Slack OAuth, the API.

Through Quart's test client with start-up run (``test_app``), on SQLite and
PostgreSQL. Jeeves is in production mode here, so its cookies are ``Secure``:
the client speaks https (a cookie jar never sends a Secure cookie over http).
The OAuth tests go through the real Slack stand-in over HTTP.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from ch04_jeeves.jeeves import create_app
from ch04_jeeves.jeeves.models import Log, Service, SlackToken, User

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Web:
    def __init__(self, running):
        self.app = running.app
        self.client = running.client
        self.sessions = running.sessions

    async def get(self, path, **kw):
        return await self.client.get(path, scheme="https", **kw)

    async def text(self, path, status=200):
        resp = await self.get(path)
        body = await resp.get_data(as_text=True)
        assert resp.status_code == status, (path, resp.status_code, body[:300])
        return body

    async def token(self, path):
        found = CSRF.search(await self.text(path))
        assert found, path
        return found.group(1)

    async def post(self, path, form=None, csrf_from=None):
        form = dict(form or {})
        if csrf_from:
            form["csrf_token"] = await self.token(csrf_from)
        return await self.client.post(path, form=form, scheme="https")

    async def login(self, email, password=PASSWORD):
        return await self.post("/login", {"email": email, "password": password}, "/login")

    async def add_user(self, email, *, admin=False, active=True, slack_id=None):
        user = User(email=email, is_admin=admin, is_active=active, slack_id=slack_id, config={},
                    location="Paris" if not admin else None)
        user.set_password(PASSWORD)
        async with self.sessions.begin() as session:
            session.add(user)
        return user


@pytest.fixture
async def web(settings):
    settings = settings.with_(secret_key="test-secret-" + "x" * 20,
                              slack_client_id="standin-client", slack_client_secret="standin-secret")
    app = create_app(settings)
    async with app.test_app() as test_app:
        from tests.ch04.conftest import Running

        w = Web(Running(app, test_app, settings))
        await w.add_user("admin@example.com", admin=True)
        await w.add_user("ada@example.com")
        yield w


# --- anonymous ---------------------------------------------------------------


async def test_home_lists_services_for_anyone(web):
    body = await web.text("/home")
    assert "Jeeves, your Slack assistant" in body and "weather [in] &lt;place&gt;" in body
    assert re.search(r"<td>weather</td>.*?<td class=\"on\">on</td>", body, re.S)
    assert "Log in" in body and "Sign in with Slack" in body and "Activity" not in body


async def test_browsers_get_the_home_page_programs_keep_json(web):
    resp = await web.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/home"
    resp = await web.get("/")
    assert (await resp.get_json())["name"] == "jeeves"


@pytest.mark.parametrize("path", ["/activity", "/profile", "/admin/users", "/admin/services"])
async def test_anonymous_is_sent_to_login(web, path):
    resp = await web.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/login?next={path}"


async def test_anonymous_post_to_admin_is_sent_to_login(web):
    resp = await web.post("/admin/users", {"email": "x@example.com"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


# --- login -----------------------------------------------------------------------


async def test_login_sets_a_safe_cookie_and_logout_clears_it(web):
    resp = await web.login("ada@example.com")
    assert resp.status_code == 302 and resp.headers["Location"] == "/home"
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("QUART_AUTH="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "ada@example.com" in await web.text("/home")
    resp = await web.post("/logout", csrf_from="/home")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert (await web.get("/profile")).status_code == 302


async def test_login_follows_next_but_never_off_site(web):
    resp = await web.post("/login?next=/activity", {"email": "ada@example.com",
                                                    "password": PASSWORD}, "/login")
    assert resp.headers["Location"] == "/activity"
    for evil in ("https://evil.example/", "//evil.example/x"):
        resp = await web.client.post("/login", scheme="https", query_string={"next": evil},
                                     form={"email": "ada@example.com", "password": PASSWORD,
                                           "csrf_token": await web.token("/login")})
        assert resp.headers["Location"] == "/home", evil


async def test_wrong_password_rerenders_the_form(web):
    resp = await web.login("ada@example.com", "wrong password")
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 401 and "Wrong email or password." in body
    assert 'value="ada@example.com"' in body  # the email is kept, the password is not
    assert PASSWORD not in body and "wrong password" not in body
    assert (await web.get("/profile")).status_code == 302


async def test_deactivated_and_unknown_users_cannot_log_in(web):
    await web.add_user("old@example.com", active=False)
    for email in ("old@example.com", "nobody@example.com"):
        resp = await web.login(email)
        assert resp.status_code == 401
        assert "Wrong email or password." in await resp.get_data(as_text=True)


async def test_invalid_login_form_is_400_with_field_errors(web):
    resp = await web.post("/login", {"email": "not-an-email", "password": ""}, "/login")
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Enter an email address." in body and "This field is required." in body


async def test_csrf_refusals(web):
    # No token, a forged token, and a token from another browser's session.
    resp = await web.post("/login", {"email": "ada@example.com", "password": PASSWORD})
    assert resp.status_code == 400 and "CSRF token missing" in await resp.get_data(as_text=True)
    resp = await web.post("/login", {"email": "ada@example.com", "password": PASSWORD,
                                     "csrf_token": "1234##abcd"})
    assert resp.status_code == 400 and "CSRF" in await resp.get_data(as_text=True)
    stranger = web.app.test_client()
    page = await (await stranger.get("/login", scheme="https")).get_data(as_text=True)
    other = CSRF.search(page).group(1)
    await web.get("/login")  # our session has its own CSRF secret
    resp = await web.post("/login", {"email": "ada@example.com", "password": PASSWORD,
                                     "csrf_token": other})
    assert resp.status_code == 400
    assert (await web.get("/profile")).status_code == 302  # still not signed in


async def test_signed_in_post_without_csrf_changes_nothing(web):
    await web.login("admin@example.com")
    resp = await web.post("/admin/users", {"email": "eve@example.com", "password": PASSWORD,
                                           "confirm": PASSWORD})
    assert resp.status_code == 400 and "CSRF token missing" in await resp.get_data(as_text=True)
    resp = await web.post("/admin/services/1/disable")
    assert resp.status_code == 400 and "<h1>400 Bad Request</h1>" in await resp.get_data(as_text=True)
    assert "eve@example.com" not in await web.text("/admin/users")
    assert 'class="off"' not in await web.text("/admin/services")


# --- a user ------------------------------------------------------------------------


async def test_user_sees_own_pages_and_gets_403_on_admin(web):
    await web.login("ada@example.com")
    home = await web.text("/home")
    assert "Activity" in home and "Profile" in home and "/admin/users" not in home
    for path in ("/admin/users", "/admin/services"):
        body = await web.text(path, status=403)
        assert "403 Forbidden" in body and "for administrators" in body
    for path in ("/admin/users", "/admin/services/1/disable", "/admin/users/1/deactivate"):
        resp = await web.post(path, csrf_from="/home")
        assert resp.status_code == 403, path


async def test_profile_shows_and_saves_location(web):
    await web.login("ada@example.com")
    body = await web.text("/profile")
    assert "ada@example.com" in body and '<td id="location">Paris</td>' in body
    assert "not linked" in body
    resp = await web.post("/profile", {"location": "Taipei"}, "/profile")
    assert resp.status_code == 302
    assert '<td id="location">Taipei</td>' in await web.text("/profile?saved=1")
    resp = await web.post("/profile", {"location": "x" * 201}, "/profile")
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Field cannot be longer than 200 characters." in body


async def add_logs(web, user_id, count, service="weather"):
    async with web.sessions.begin() as session:
        session.add_all(Log(user_id=user_id, service=service, message=f"msg {user_id}-{i}",
                            outcome="ok") for i in range(count))


async def test_activity_is_paginated_and_private(web):
    await add_logs(web, 2, 25)  # ada
    await add_logs(web, 1, 3, "location")  # admin
    await web.login("ada@example.com")
    page1 = await web.text("/activity")
    assert "25 message(s) from you; page 1 of 2." in page1
    assert "msg 2-24" in page1 and "msg 2-4" not in page1 and "msg 1-" not in page1
    assert "Older" in page1 and "Newer" not in page1
    page2 = await web.text("/activity?page=2")
    assert "msg 2-4" in page2 and "msg 2-0" in page2 and "Newer" in page2
    for bad in ("0", "-1", "abc"):
        body = await web.text(f"/activity?page={bad}", status=400)
        assert "page must be a positive whole number" in body


async def test_admin_sees_everyones_activity(web):
    await add_logs(web, 2, 2)
    await add_logs(web, 1, 1, "location")
    await web.login("admin@example.com")
    body = await web.text("/activity")
    assert "3 message(s); page 1 of 1." in body and "msg 2-1" in body and "msg 1-0" in body


# --- an admin ------------------------------------------------------------------------


async def test_admin_creates_a_user_who_can_log_in(web):
    await web.login("admin@example.com")
    body = await web.text("/admin/users")
    assert "admin@example.com" in body and "ada@example.com" in body and "New user" in body
    resp = await web.post("/admin/users", {"email": "Bo@Example.com", "password": "a long password",
                                           "confirm": "a long password", "location": "Oslo"},
                          "/admin/users")
    assert resp.status_code == 302
    body = await web.text(resp.headers["Location"])
    assert "Created bo@example.com." in body and "<td>Oslo</td>" in body
    await web.post("/logout", csrf_from="/home")
    assert (await web.login("bo@example.com", "a long password")).status_code == 302


async def test_admin_create_user_validation(web):
    await web.login("admin@example.com")
    cases = [
        ({"email": "nope", "password": "a long password", "confirm": "a long password"},
         400, "Enter an email address."),
        ({"email": "c@example.com", "password": "short", "confirm": "short"},
         400, "Use 10 to 1024 characters."),
        ({"email": "c@example.com", "password": "a long password", "confirm": "another one!"},
         400, "The passwords differ."),
        ({"email": "ada@example.com", "password": "a long password", "confirm": "a long password"},
         409, "A user with this email exists already."),
    ]
    for form, status, message in cases:
        resp = await web.post("/admin/users", form, "/admin/users")
        body = await resp.get_data(as_text=True)
        assert resp.status_code == status and message in body, form
        assert "a long password" not in body  # passwords are never echoed back


async def test_admin_deactivates_a_user(web):
    await web.login("admin@example.com")
    resp = await web.post("/admin/users/2/deactivate", csrf_from="/admin/users")
    assert resp.status_code == 302
    assert "Deactivated ada@example.com." in await web.text(resp.headers["Location"])
    resp = await web.post("/admin/users/1/deactivate", csrf_from="/admin/users")
    assert resp.status_code == 400 and "cannot deactivate yourself" in await resp.get_data(as_text=True)
    resp = await web.post("/admin/users/99/deactivate", csrf_from="/admin/users")
    assert resp.status_code == 404


async def test_deactivated_user_with_a_cookie_is_signed_out(web):
    await web.login("ada@example.com")
    assert (await web.get("/profile")).status_code == 200
    async with web.sessions.begin() as session:
        (await session.get(User, 2)).is_active = False
    assert (await web.get("/profile")).status_code == 302


async def test_admin_switches_services(web):
    await web.login("admin@example.com")
    async with web.sessions() as session:
        weather = (await session.scalars(Service.__table__.select()
                                         .where(Service.name == "weather"))).one()
    resp = await web.post(f"/admin/services/{weather}/disable", csrf_from="/admin/services")
    assert resp.status_code == 302
    body = await web.text("/home")
    assert re.search(r"<td>weather</td>.*?<td class=\"off\">off</td>", body, re.S)
    await web.post(f"/admin/services/{weather}/enable", csrf_from="/admin/services")
    assert re.search(r"<td>weather</td>.*?<td class=\"on\">on</td>", await web.text("/home"), re.S)
    resp = await web.post("/admin/services/999/enable", csrf_from="/admin/services")
    assert resp.status_code == 404
    resp = await web.post(f"/admin/services/{weather}/explode", csrf_from="/admin/services")
    assert resp.status_code == 404


# --- Slack OAuth, end to end through the stand-in ------------------------------------


async def authorize(web, slack_api):
    """Start the flow and let the stand-in's authorize page answer: the callback URL."""
    resp = await web.get("/login/slack")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith(slack_api.url + "/oauth/v2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["standin-client"] and len(query["state"][0]) >= 40
    assert "client_secret" not in query and "standin-secret" not in location
    async with aiohttp.ClientSession() as http, \
            http.get(location, allow_redirects=False) as answer:
        assert answer.status == 302
        back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/slack/callback"
    return back.path + "?" + back.query


async def test_oauth_links_slack_to_the_signed_in_user(web, slack_api, caplog):
    await web.login("ada@example.com")
    callback = await authorize(web, slack_api)
    resp = await web.get(callback)
    assert resp.status_code == 302 and resp.headers["Location"] == "/profile"
    body = await web.text("/profile")
    assert "linked: U0LEARNER" in body and "T0STANDIN" in body
    token = slack_api.state["token"]
    assert token not in body  # stored, never shown...
    assert token not in caplog.text  # ...nor logged
    async with web.sessions() as session:
        link = await session.get(SlackToken, 2)
        assert link.access_token == token and token not in repr(link)
        assert (await session.get(User, 2)).slack_id == "U0LEARNER"
    # Now "Sign in with Slack" signs Ada in, with no password.
    await web.post("/logout", csrf_from="/home")
    resp = await web.get(await authorize(web, slack_api))
    assert resp.status_code == 302
    assert "ada@example.com" in await web.text("/profile")


async def test_oauth_wrong_or_missing_state_is_refused(web, slack_api):
    await web.login("ada@example.com")
    callback = await authorize(web, slack_api)
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    body = await (await web.get(forged)).get_data(as_text=True)
    assert "did not start here" in body
    resp = await web.get(callback)  # the state was used up by the failed attempt
    assert resp.status_code == 400
    fresh = await web.app.test_client().get(callback, scheme="https")  # no state in session
    assert fresh.status_code == 400
    async with web.sessions() as session:
        assert await session.get(SlackToken, 2) is None


async def test_oauth_refused_code_and_denied_consent(web, slack_api):
    await web.login("ada@example.com")
    callback = await authorize(web, slack_api)
    resp = await web.get(re.sub(r"code=[^&]+", "code=stolen", callback))
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 403 and "Slack refused the sign-in: invalid_code." in body
    state = parse_qs(urlsplit(await authorize(web, slack_api)).query)["state"][0]
    resp = await web.get(f"/login/slack/callback?error=access_denied&state={state}")
    assert resp.status_code == 403 and "access_denied" in await resp.get_data(as_text=True)
    async with web.sessions() as session:
        assert await session.get(SlackToken, 2) is None


async def test_oauth_wrong_client_secret_is_refused(web, slack_api):
    web.app.config["JEEVES"] = web.app.config["JEEVES"].with_(slack_client_secret="wrong")
    await web.login("ada@example.com")
    resp = await web.get(await authorize(web, slack_api))
    assert resp.status_code == 403
    assert "bad_client_secret" in await resp.get_data(as_text=True)


async def test_oauth_unknown_slack_account_cannot_sign_in(web, slack_api):
    resp = await web.get(await authorize(web, slack_api))
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 403 and "No Jeeves account is linked" in body


async def test_oauth_slack_account_of_another_user_is_a_conflict(web, slack_api):
    await web.add_user("other@example.com", slack_id="U0LEARNER")
    await web.login("ada@example.com")
    resp = await web.get(await authorize(web, slack_api))
    assert resp.status_code == 409


async def test_exchange_sends_the_secret_as_basic_auth(web, slack_api, monkeypatch):
    seen = {}
    original = aiohttp.ClientSession.post

    def spy(self, url, **kw):
        seen.update(url=str(url), **kw)
        return original(self, url, **kw)

    monkeypatch.setattr(aiohttp.ClientSession, "post", spy)
    await web.login("ada@example.com")
    await web.get(await authorize(web, slack_api))
    assert seen["url"].endswith("/api/oauth.v2.access") and "standin-secret" not in seen["url"]
    assert seen["headers"]["Authorization"] == "Basic " + base64.b64encode(
        b"standin-client:standin-secret").decode()
    assert "client_secret" not in seen["data"]


# --- the JSON API ---------------------------------------------------------------------


async def api_token(web, email):
    resp = await web.client.post("/api/tokens", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 200
    return (await resp.get_json())["token"]


async def test_api_needs_authentication(web):
    for path in ("/api/users", "/api/logs", "/api/me"):
        resp = await web.client.get(path)
        assert resp.status_code == 401 and (await resp.get_json())["ok"] is False
    resp = await web.client.get("/api/users", headers={"Authorization": "Bearer forged.token"})
    assert resp.status_code == 401


async def test_api_tokens_refuse_bad_credentials(web):
    resp = await web.client.post("/api/tokens", json={"email": "ada@example.com", "password": "no"})
    assert resp.status_code == 401 and (await resp.get_json())["error"] == "wrong email or password"
    for body in (b"not json", b"[1]", b'{"email": 1}'):
        resp = await web.client.post("/api/tokens", data=body,
                                     headers={"Content-Type": "application/json"})
        assert resp.status_code == 400


async def test_api_users_for_admins_only(web):
    user = {"Authorization": f"Bearer {await api_token(web, 'ada@example.com')}"}
    admin = {"Authorization": f"Bearer {await api_token(web, 'admin@example.com')}"}
    resp = await web.client.get("/api/users", headers=user)
    assert resp.status_code == 403 and (await resp.get_json())["error"] == "admins only"
    resp = await web.client.get("/api/users", headers=admin)
    data = await resp.get_json()
    assert resp.status_code == 200
    assert [u["email"] for u in data["users"]] == ["admin@example.com", "ada@example.com"]
    assert all("password_hash" not in u for u in data["users"])


async def test_api_logs_by_token_or_session(web):
    await add_logs(web, 2, 3)
    await add_logs(web, 1, 2)
    user = {"Authorization": f"Bearer {await api_token(web, 'ada@example.com')}"}
    data = await (await web.client.get("/api/logs", headers=user)).get_json()
    assert data["total"] == 3 and {entry["user_id"] for entry in data["logs"]} == {2}
    assert (await web.client.get("/api/logs?page=x", headers=user)).status_code == 400
    await web.login("admin@example.com")  # the browser's cookie works too
    data = await (await web.get("/api/logs")).get_json()
    assert data["total"] == 5 and data["logs"][0]["message"] == "msg 1-1"


async def test_api_token_of_a_deactivated_user_stops_working(web):
    headers = {"Authorization": f"Bearer {await api_token(web, 'ada@example.com')}"}
    assert (await web.client.get("/api/me", headers=headers)).status_code == 200
    async with web.sessions.begin() as session:
        (await session.get(User, 2)).is_active = False
    assert (await web.client.get("/api/me", headers=headers)).status_code == 401


# --- configuration -------------------------------------------------------------------


def test_web_settings_from_the_environment(tmp_path):
    from ch04_jeeves.jeeves.config import from_env

    env = {"JEEVES_INSTANCE_PATH": str(tmp_path)}
    first, again = from_env(env, dev=True), from_env(env, dev=True)
    assert len(first.secret_key) == 64 and first.secret_key == again.secret_key  # kept
    assert (first.slack_client_id, first.slack_client_secret) == ("standin-client", "standin-secret")
    prod = from_env({**env, "SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "t"}, dev=False)
    assert prod.secret_key == "" and prod.slack_client_id == ""  # nothing invented outside dev
    chosen = from_env({**env, "JEEVES_SECRET_KEY": "k" * 40, "SLACK_CLIENT_ID": "A1",
                       "SLACK_CLIENT_SECRET": "S1",
                       "SLACK_OAUTH_AUTHORIZE_URL": "https://example.com/auth"}, dev=True)
    assert (chosen.secret_key, chosen.slack_client_id, chosen.slack_client_secret,
            chosen.slack_oauth_authorize_url) == ("k" * 40, "A1", "S1", "https://example.com/auth")


async def test_sign_in_with_slack_unconfigured_is_a_clear_404(settings):
    app = create_app(settings)  # production settings without a Slack OAuth client
    async with app.test_app() as test_app:
        resp = await test_app.test_client().get("/login/slack", scheme="https")
        body = await resp.get_data(as_text=True)
    assert resp.status_code == 404 and "SLACK_CLIENT_ID" in body


def test_each_app_keeps_its_own_cookie_settings(settings):
    # A regression: one module-level QuartAuth carried the first app's Secure=False to the next.
    dev, prod = create_app(settings.with_(dev=True)), create_app(settings)
    assert [a.cookie_secure for a in dev.extensions["QUART_AUTH"]] == [False, False]
    assert [a.cookie_secure for a in prod.extensions["QUART_AUTH"]] == [True, True]
    assert prod.config["SESSION_COOKIE_SECURE"] and not dev.config["SESSION_COOKIE_SECURE"]
