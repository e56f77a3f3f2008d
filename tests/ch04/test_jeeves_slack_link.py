"""Linking Slack after talking to the bot (issue 13): the user Jeeves made for the Slack id
is folded into the signed-in account, its logs with it; an unknown message is said back
short enough for Slack. Through Jeeves's own endpoints and the real stand-ins over HTTP."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import aiohttp
import pytest
from sqlalchemy import select

from ch04_jeeves.jeeves import create_app
from ch04_jeeves.jeeves.actions import ECHO_LIMIT
from ch04_jeeves.jeeves.models import Log, User
from tests.ch04.conftest import Running, event

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
async def jeeves(tmp_path, slack_api, weather_api):
    from ch04_jeeves.jeeves.config import Settings

    settings = Settings(
        signing_secret=secrets.token_hex(16), bot_token=slack_api.state["token"],
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}",
        slack_api_url=slack_api.url + "/api/", weather_api_url=weather_api.url,
        geocoding_api_url=weather_api.url, instance_path=tmp_path,
        secret_key=secrets.token_hex(32), slack_client_id="standin-client",
        slack_client_secret="standin-secret")
    app = create_app(settings)
    async with app.test_app() as test_app:
        running = Running(app, test_app, settings)
        ada = User(email="ada@example.com", config={})
        ada.set_password(PASSWORD)
        async with running.sessions.begin() as session:
            session.add(ada)
        yield running


async def page(jeeves, path):
    return await jeeves.client.get(path, scheme="https")


async def log_in(jeeves):
    token = CSRF.search(await (await page(jeeves, "/login")).get_data(as_text=True)).group(1)
    answer = await jeeves.client.post("/login", scheme="https", form={
        "email": "ada@example.com", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302


async def sign_in_with_slack(jeeves):
    """/login/slack, the stand-in's authorize page over HTTP, then Jeeves's callback."""
    start = await page(jeeves, "/login/slack")
    async with aiohttp.ClientSession() as http, \
            http.get(start.headers["Location"], allow_redirects=False) as answer:
        back = urlsplit(answer.headers["Location"])
    return await page(jeeves, f"{back.path}?{back.query}")


async def talk_to_the_bot(jeeves, *texts):
    for text in texts:
        assert (await jeeves.post(event(text, user="U0LEARNER"))).status_code == 200
    await jeeves.drain()


async def test_linking_folds_the_slack_made_user_into_the_account(jeeves):
    await talk_to_the_bot(jeeves, "config location Oslo", "help")
    async with jeeves.sessions() as session:
        made = await session.scalar(select(User).where(User.slack_id == "U0LEARNER"))
    assert made.email is None and made.location == "Oslo"

    await log_in(jeeves)
    answer = await sign_in_with_slack(jeeves)
    assert answer.status_code == 302 and answer.headers["Location"] == "/profile"  # was a 409
    profile = await (await page(jeeves, "/profile")).get_data(as_text=True)
    assert "linked: U0LEARNER" in profile and '<td id="location">Oslo</td>' in profile
    activity = await (await page(jeeves, "/activity")).get_data(as_text=True)
    assert "2 message(s) from you" in activity and "config location Oslo" in activity
    async with jeeves.sessions() as session:
        users = (await session.scalars(select(User).order_by(User.id))).all()
        logs = (await session.scalars(select(Log))).all()
    assert [(u.email, u.slack_id) for u in users] == [("ada@example.com", "U0LEARNER")]
    assert {entry.user_id for entry in logs} == {users[0].id}

    await talk_to_the_bot(jeeves, "get location")  # the bot now knows Ada by her Slack id
    async with jeeves.sessions() as session:
        latest = await session.scalar(select(Log).order_by(Log.id.desc()))
    assert latest.user_id == users[0].id and latest.outcome == "ok"


async def test_sign_in_with_slack_does_not_enter_a_slack_made_user(jeeves):
    await talk_to_the_bot(jeeves, "help")
    answer = await sign_in_with_slack(jeeves)
    assert answer.status_code == 403
    assert "sign in with your email first" in await answer.get_data(as_text=True)
    assert (await page(jeeves, "/profile")).status_code == 302  # still signed out


async def test_a_long_unknown_message_is_echoed_short(jeeves, slack_api):
    text = "blah " * 100_000  # 500 KB
    await talk_to_the_bot(jeeves, text)
    [reply] = slack_api.state["messages"]
    assert len(reply["text"]) < ECHO_LIMIT + 40 and "…'" in reply["text"]
    assert reply["text"].startswith("Sorry, I don't know 'blah blah")
    [entry] = await jeeves.logs()
    assert entry.outcome == "unknown"  # not reply_failed: Slack took it


async def test_the_stand_in_refuses_what_slack_refuses(slack_api):
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=slack_api.state["token"], base_url=slack_api.url + "/api/")
    with pytest.raises(SlackApiError, match="msg_too_long"):
        await client.chat_postMessage(channel="D1", text="x" * 4001)
