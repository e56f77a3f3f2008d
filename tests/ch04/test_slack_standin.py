"""ch04_jeeves.devtools.slack_standin speaks Slack's wire format: driven by slack_sdk's own
async client (the ``slack_api`` fixture serves it on a free port of the test's event loop)."""

import base64

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient


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
