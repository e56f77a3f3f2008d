"""ch04_jeeves.devtools.slack_standin: a client's mistakes get a 400 (never a 500), and the
OAuth redirect_uri is checked against the registered ones, as Slack does. Over HTTP."""

from __future__ import annotations

import base64

import aiohttp
import pytest
from yarl import URL

from ch04_jeeves.devtools import slack_standin

AUTHORIZE = {"client_id": "standin-client", "state": "s1"}


@pytest.mark.parametrize("body", [
    b'{"fail_channels": [["C1"]]}', b'{"fail_channels": [1]}', b'{"fail_channels": {"a": 1}}',
    b"[1, 2]", b"\xff", b"[" * 5000 + b"]" * 5000, b"",
])
async def test_a_malformed_config_is_a_400(slack_api, body):
    async with aiohttp.ClientSession() as http, http.post(
            slack_api.url + "/_standin/config", data=body,
            headers={"Content-Type": "application/json"}) as answer:
        assert answer.status == 400
        assert (await answer.json())["ok"] is False
    assert slack_api.state["fail_channels"] == set()  # nothing changed


async def test_an_unreadable_api_body_is_an_ordinary_slack_error(slack_api):
    headers = {"Authorization": f"Bearer {slack_api.state['token']}",
               "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        for body in (b"[" * 5000 + b"]" * 5000, b"\xff\xfe"):
            async with http.post(slack_api.url + "/api/chat.postMessage", data=body,
                                 headers=headers) as answer:
                assert answer.status == 200  # as Slack: 200 with "ok": false
                assert await answer.json() == {"ok": False, "error": "channel_not_found"}


async def authorize(slack_api, **query):
    async with aiohttp.ClientSession() as http, http.get(
            slack_api.url + "/oauth/v2/authorize", params={**AUTHORIZE, **query},
            allow_redirects=False) as answer:
        return answer.status, answer.headers.get("Location"), await answer.text()


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:8300/login/slack/callback", "http://localhost:51234/login/slack/callback",
    "http://127.0.0.1:8312/callback", "http://127.0.0.1:8312/callback/deeper",
    "https://localhost/login/slack/callback",
])
async def test_a_registered_redirect_uri_gets_the_code(slack_api, redirect_uri):
    status, location, _ = await authorize(slack_api, redirect_uri=redirect_uri)
    assert status == 302
    target = URL(location)
    assert str(target.with_query(None)) == redirect_uri
    assert target.query["code"] == "standin-code" and target.query["state"] == "s1"


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example/login/slack/callback", "http://127.0.0.1:8300/elsewhere",
    "https://127.0.0.1:8300/login/slack/callback", "http://127.0.0.1:8300/login/slack/callbackX",
    "javascript:alert(1)", "http://[bad",
])
async def test_an_unregistered_redirect_uri_is_refused(slack_api, redirect_uri):
    status, location, text = await authorize(slack_api, redirect_uri=redirect_uri)
    assert status == 400 and location is None
    assert text.startswith("bad_redirect_uri")


async def test_the_code_exchange_needs_the_same_redirect_uri(slack_api):
    first = "http://127.0.0.1:8300/login/slack/callback"
    assert (await authorize(slack_api, redirect_uri=first))[0] == 302
    auth = {"Authorization": "Basic " + base64.b64encode(b"standin-client:standin-secret").decode()}
    async with aiohttp.ClientSession() as http:
        for sent, expected in (("http://127.0.0.1:9999/login/slack/callback", "bad_redirect_uri"),
                               (first, None)):
            async with http.post(slack_api.url + "/api/oauth.v2.access", headers=auth,
                                 data={"code": "standin-code", "redirect_uri": sent}) as answer:
                result = await answer.json()
            assert result.get("error") == expected and result["ok"] is (expected is None)


def test_the_registered_urls_come_from_the_environment(monkeypatch):
    seen = {}
    monkeypatch.setenv("SLACK_STANDIN_REDIRECT_URLS", "https://app.example/cb,https://b.example/")
    monkeypatch.setattr(slack_standin.web, "run_app", lambda app, **kw: seen.update(app=app))
    slack_standin.main()
    assert seen["app"][slack_standin.STATE]["redirect_urls"] == (
        "https://app.example/cb", "https://b.example/")
