"""ch04_jeeves.devtools.slack_standin speaks Slack's wire format: driven by slack_sdk's own
async client (the ``slack_api`` fixture serves it on a free port of the test's event loop).
A client's mistakes get a 400 (never a 500); the OAuth redirect_uri is checked against the
registered ones, as Slack does."""

import base64

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from yarl import URL

from ch04_jeeves.devtools import slack_standin


def sdk(slack_api, token=None):
    return AsyncWebClient(token=token or slack_api.state["token"], base_url=slack_api.url + "/api/")


async def test_auth_test_with_the_sdk(slack_api):
    response = await sdk(slack_api).auth_test()
    assert response["ok"] and response["user_id"] == "U0JEEVES"


async def test_a_wrong_token_is_invalid_auth(slack_api):
    with pytest.raises(SlackApiError) as caught:
        await sdk(slack_api, token="xoxb-wrong").auth_test()
    assert caught.value.response["error"] == "invalid_auth"


async def test_post_message_is_recorded_and_readable_over_http(slack_api):
    response = await sdk(slack_api).chat_postMessage(channel="C1", text="Hello", thread_ts="1.2")
    assert response["ok"] and response["channel"] == "C1" and response["ts"]
    async with aiohttp.ClientSession() as http:
        async with http.get(slack_api.url + "/_standin/messages", params={"channel": "C1"}) as r:
            [message] = (await r.json())["messages"]
        assert (message["text"], message["thread_ts"]) == ("Hello", "1.2")
        async with http.delete(slack_api.url + "/_standin/messages") as r:
            assert r.status == 200
    assert slack_api.state["messages"] == []


async def test_history_and_replies_show_message_metadata_when_asked(slack_api):
    """What Jeeves's crash recovery asks (slack.find_reply): is our reply already there?"""
    client = sdk(slack_api)
    meta = {"event_type": "jeeves_reply", "event_payload": {"event_id": "Ev1"}}
    await client.chat_postMessage(channel="D1", text="first", metadata=meta)
    await client.chat_postMessage(channel="D1", text="in thread", thread_ts="5.1", metadata=meta)
    await client.chat_postMessage(channel="D2", text="elsewhere")
    history = await client.conversations_history(channel="D1", include_all_metadata=True)
    assert [(m["text"], m["metadata"]) for m in history["messages"]] == [
        ("in thread", meta), ("first", meta)]  # newest first, as Slack lists them
    plain = await client.conversations_history(channel="D1")
    assert all("metadata" not in m for m in plain["messages"])
    assert (await client.conversations_history(channel="D1", oldest="9999999999"))["messages"] == []
    thread = await client.conversations_replies(channel="D1", ts="5.1", include_all_metadata=True)
    assert [m["text"] for m in thread["messages"]] == ["in thread"]
    with pytest.raises(SlackApiError) as caught:
        await sdk(slack_api, token="xoxb-wrong").conversations_history(channel="D1")
    assert caught.value.response["error"] == "invalid_auth"


async def test_form_bodies_work_too(slack_api):
    async with aiohttp.ClientSession() as http:
        async with http.post(slack_api.url + "/api/chat.postMessage",
                             data={"channel": "C2", "text": "form"},
                             headers={"Authorization": f"Bearer {slack_api.state['token']}"}) as r:
            assert (await r.json())["ok"] is True
        async with http.post(slack_api.url + "/api/chat.postMessage", data={"channel": "C2"},
                             headers={"Authorization": f"Bearer {slack_api.state['token']}"}) as r:
            assert await r.json() == {"ok": False, "error": "no_text"}
        async with http.post(slack_api.url + "/api/chat.postMessage", data={"text": "x"}) as r:
            assert await r.json() == {"ok": False, "error": "not_authed"}


async def test_a_channel_configured_to_fail(slack_api):
    async with aiohttp.ClientSession() as http:
        async with http.post(slack_api.url + "/_standin/config", json={"fail_channels": ["C9"]}) as r:
            assert (await r.json())["fail_channels"] == ["C9"]
        async with http.post(slack_api.url + "/_standin/config", json={"fail_channels": "C9"}) as r:
            assert r.status == 400
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await sdk(slack_api).chat_postMessage(channel="C9", text="lost")
    assert [c["args"]["channel"] for c in slack_api.state["calls"]] == ["C9"]


async def test_oauth_v2_access_with_the_sdk(slack_api):
    client = AsyncWebClient(base_url=slack_api.url + "/api/")
    response = await client.oauth_v2_access(client_id="standin-client",
                                            client_secret="standin-secret", code="standin-code")
    assert response["access_token"] == slack_api.state["token"]
    assert response["token_type"] == "bot" and response["bot_user_id"] == "U0JEEVES"
    with pytest.raises(SlackApiError, match="invalid_code"):
        await client.oauth_v2_access(client_id="standin-client", client_secret="standin-secret",
                                     code="stolen")
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        await client.oauth_v2_access(client_id="standin-client", client_secret="guess",
                                     code="standin-code")


async def test_oauth_basic_auth_garbage_is_refused(slack_api):
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe").decode()}
        async with http.post(slack_api.url + "/api/oauth.v2.access", headers=headers) as r:
            assert (await r.json())["ok"] is False


# --- a client's mistakes, and the registered redirect URLs (issue 13) ---

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
