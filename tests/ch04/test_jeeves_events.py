"""ch04_jeeves.jeeves: the Slack events endpoint through Quart's test client.

Signed, unsigned, forged, stale, retried and malformed requests; every answer
is a JSON status (200, 400 or 401), never a 500. Replies reach the Slack
stand-in over HTTP through slack_sdk, and every handled message leaves a Log row.
"""

import json
import time

import pytest

from ch04_jeeves.jeeves import slack
from tests.ch04.conftest import running


async def test_url_verification_echoes_the_challenge(jeeves):
    response = await jeeves.post({"type": "url_verification", "token": "x", "challenge": "abc123"})
    assert response.status_code == 200
    assert await response.get_json() == {"challenge": "abc123"}


async def test_index_says_what_it_is(jeeves):
    response = await jeeves.client.get("/")
    assert (await response.get_json())["name"] == "jeeves"


async def test_a_signed_message_is_answered_and_logged(jeeves, make_event, slack_api):
    payload = make_event("weather in Paris", channel="D0PARIS")
    response = await jeeves.post(payload)
    assert response.status_code == 200
    assert await response.get_json() == {"ok": True}
    await jeeves.drain()
    [message] = slack_api.state["messages"]
    assert message["channel"] == "D0PARIS"
    assert message["text"].startswith("Weather in Paris, France: overcast, 14.2°C")
    [log] = await jeeves.logs()
    assert (log.event_id, log.service, log.outcome, log.message) == (
        payload["event_id"], "weather", "ok", "weather in Paris")
    assert log.user_id is not None


async def test_app_mention_text_loses_the_mention(jeeves, make_event, slack_api):
    await jeeves.post(make_event("<@U0JEEVES> help", kind="app_mention", channel="C0GENERAL"))
    await jeeves.drain()
    [message] = slack_api.state["messages"]
    assert message["channel"] == "C0GENERAL" and message["text"].startswith("I can do these")


async def test_text_from_blocks_when_there_is_no_text(jeeves, make_event, slack_api):
    blocks = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "user", "user_id": "U0JEEVES"}, {"type": "text", "text": " weather in Tokyo"}]}]}]
    await jeeves.post(make_event("", kind="app_mention", blocks=blocks))
    await jeeves.drain()
    assert slack_api.state["messages"][0]["text"].startswith("Weather in Tokyo, Japan")


@pytest.mark.parametrize("headers", [
    {},  # unsigned
    {"X-Slack-Request-Timestamp": str(int(time.time()))},  # no signature
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
    {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=abc"},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é"},
], ids=["unsigned", "no-signature", "forged", "bad-timestamp", "non-ascii"])
async def test_unsigned_or_forged_requests_get_401(jeeves, make_event, slack_api, headers):
    response = await jeeves.post(make_event("help"), headers=headers)
    assert response.status_code == 401
    assert (await response.get_json())["ok"] is False
    await jeeves.drain()
    assert slack_api.state["messages"] == [] and await jeeves.logs() == []


async def test_signed_with_another_secret_is_refused(jeeves, make_event):
    response = await jeeves.post(make_event("help"), secret="not-the-secret")
    assert response.status_code == 401
    assert await response.get_json() == {"ok": False, "error": "invalid signature"}


async def test_a_stale_request_is_refused_even_if_correctly_signed(jeeves, make_event):
    response = await jeeves.post(make_event("help"), timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert await response.get_json() == {"ok": False, "error": "request timestamp too old"}


async def test_a_body_changed_after_signing_is_refused(jeeves, make_event):
    raw = json.dumps(make_event("help")).encode()
    headers = slack.signed_headers(jeeves.settings.signing_secret, raw)
    response = await jeeves.post(raw.replace(b"help", b"hElp"), headers=headers)
    assert response.status_code == 401


async def test_slack_retries_of_one_event_are_answered_once(jeeves, make_event, slack_api):
    payload = make_event("get location", event_id="Ev0RETRY")
    first = await jeeves.post(payload)
    raw = json.dumps(payload).encode()

    async def retry(n: int):
        headers = slack.signed_headers(jeeves.settings.signing_secret, raw)
        headers |= {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
        return await jeeves.post(raw, headers=headers)

    retries = [await retry(1), await retry(2)]
    assert first.status_code == 200 and await first.get_json() == {"ok": True}
    for answer in retries:
        assert answer.status_code == 200  # a non-200 would make Slack retry again
        # While the first is being answered, a retry is "pending" (it would be finished
        # if it were not); once answered, a "duplicate". Never a second answer.
        assert await answer.get_json() in ({"ok": True, "pending": True},
                                           {"ok": True, "duplicate": True})
    await jeeves.drain()
    late = await retry(3)
    assert await late.get_json() == {"ok": True, "duplicate": True}
    await jeeves.drain()
    assert len(slack_api.state["messages"]) == 1
    assert [log.event_id for log in await jeeves.logs()] == ["Ev0RETRY"]


@pytest.mark.parametrize("extra", [{"bot_id": "B0JEEVES"}, {"subtype": "message_changed"}],
                         ids=["own-bot-message", "subtype"])
async def test_bot_messages_are_acknowledged_not_answered(jeeves, make_event, slack_api, extra):
    response = await jeeves.post(make_event("weather in Paris", **extra))
    assert response.status_code == 200
    assert "ignored" in await response.get_json()
    await jeeves.drain()
    assert slack_api.state["messages"] == [] and await jeeves.logs() == []


async def test_channel_messages_without_a_mention_are_ignored(jeeves, make_event, slack_api):
    response = await jeeves.post(make_event("help", channel_type="channel", channel="C0GENERAL"))
    assert (await response.get_json())["ignored"] == "channel message without a mention"
    await jeeves.drain()
    assert slack_api.state["messages"] == []


MALFORMED = {
    "not-json": b"{nope",
    "a-list": b"[1, 2]",
    "empty": b"",
    "unknown-type": json.dumps({"type": "block_actions"}).encode(),
    "challenge-not-a-string": json.dumps({"type": "url_verification", "challenge": 5}).encode(),
    "no-event": json.dumps({"type": "event_callback", "event_id": "Ev1"}).encode(),
    "event-a-string": json.dumps({"type": "event_callback", "event_id": "Ev1", "event": "x"}).encode(),
    "no-event-id": json.dumps({"type": "event_callback", "event": {"type": "message"}}).encode(),
    "no-user": json.dumps({"type": "event_callback", "event_id": "Ev1",
                           "event": {"type": "app_mention", "channel": "C1", "text": "hi"}}).encode(),
    "channel-a-number": json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {
        "type": "app_mention", "user": "U1", "channel": 7, "text": "hi"}}).encode(),
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_but_signed_bodies_get_400_not_500(jeeves, raw):
    response = await jeeves.post(raw)
    assert response.status_code == 400
    body = await response.get_json()
    assert body["ok"] is False and body["error"]


async def test_wrong_method_is_a_json_405(jeeves):
    response = await jeeves.client.get("/slack/events")
    assert response.status_code == 405
    assert (await response.get_json())["ok"] is False


async def test_a_reply_slack_refuses_is_logged_as_a_failure(jeeves, make_event, slack_api):
    slack_api.state["fail_channels"].add("C0ARCHIVED")
    await jeeves.post(make_event("help", kind="app_mention", channel="C0ARCHIVED"))
    await jeeves.drain()
    [call] = slack_api.state["calls"]  # it did try
    assert call["args"]["channel"] == "C0ARCHIVED"
    [log] = await jeeves.logs()
    assert log.outcome == "reply_failed"
    assert log.detail == "Slack refused the reply: channel_not_found"


async def test_a_wrong_bot_token_is_a_logged_failure(jeeves, make_event, slack_api):
    slack_api.state["token"] = "xoxb-rotated"
    await jeeves.post(make_event("help"))
    await jeeves.drain()
    [log] = await jeeves.logs()
    assert (log.outcome, log.detail) == ("reply_failed", "Slack refused the reply: invalid_auth")


async def test_a_slow_weather_service_gets_a_polite_reply(settings, make_event, slack_api,
                                                          weather_api):
    # WEATHER_TIMEOUT lowered (5 s by default): the test waits it out once.
    async with running(settings.with_(weather_timeout=0.5)) as jeeves:
        weather_api.state["delay"] = jeeves.settings.weather_timeout + 1
        started = time.monotonic()
        response = await jeeves.post(make_event("weather in London"))
        # the acknowledgement does not wait for the weather (which gives up after the timeout)
        assert response.status_code == 200
        assert time.monotonic() - started < jeeves.settings.weather_timeout
        await jeeves.drain()
        assert time.monotonic() - started >= jeeves.settings.weather_timeout  # waited, gave up
        [message] = slack_api.state["messages"]
        assert message["text"] == ("Sorry, I can't get the weather right now: "
                                   "the weather service took too long to answer.")
        [log] = await jeeves.logs()
        assert (log.service, log.outcome) == ("weather", "error")


async def test_a_failing_weather_service_gets_a_polite_reply(jeeves, make_event, slack_api,
                                                             weather_api):
    weather_api.state["fail_status"] = 503
    await jeeves.post(make_event("weather in London"))
    await jeeves.drain()
    assert slack_api.state["messages"][0]["text"] == (
        "Sorry, I can't get the weather right now: the weather service answered 503.")
    [log] = await jeeves.logs()
    assert log.outcome == "error" and "503" in log.detail
