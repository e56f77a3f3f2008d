"""ch04_jeeves.jeeves.actions: the message router, unit by unit, on both databases."""

import aiohttp
import pytest
from sqlalchemy import select, update

from ch04_jeeves.jeeves.actions import HELP, clean, dispatch, parse
from ch04_jeeves.jeeves.models import (
    Service,
    User,
    init_db,
    make_engine,
    make_sessionmaker,
    user_id_for_slack_id,
)
from ch04_jeeves.jeeves.weather import WeatherClient


@pytest.mark.parametrize("text, expected", [
    ("help", ("help", "")),
    ("  HELP ", ("help", "")),
    ("<@U0JEEVES> weather in Paris", ("weather", "Paris")),
    ("weather Paris", ("weather", "Paris")),
    ("Weather in New York", ("weather", "New York")),
    ("weather", ("weather", "")),
    ("weatherman", ("", "weatherman")),
    ("config location  Taipei ", ("config_location", "Taipei")),
    ("get location", ("get_location", "")),
    ("services", ("services", "")),
    ("make tea", ("", "make tea")),
    ("", ("", "")),
])
def test_parse(text, expected):
    assert parse(text) == expected


def test_clean_drops_mentions_with_or_without_labels():
    assert clean("<@U0JEEVES|jeeves>  hi <@W123> there") == "hi there"


@pytest.fixture
async def bot(db_url, weather_api):
    engine = make_engine(db_url)
    await init_db(engine)
    sessions = make_sessionmaker(engine)
    async with aiohttp.ClientSession() as http:
        weather = WeatherClient(http, weather_api.url, weather_api.url, timeout=2)
        user_id = await user_id_for_slack_id(sessions, "U0ROUTER")

        async def say(text):
            return await dispatch(text, user_id, sessions, weather)

        say.sessions, say.user_id = sessions, user_id
        yield say
    await engine.dispose()


async def test_help(bot):
    result = await bot("help")
    assert (result.service, result.outcome, result.reply) == ("help", "ok", HELP)


async def test_unknown_command_gets_a_hint(bot):
    result = await bot("make tea")
    assert result.outcome == "unknown"
    assert result.reply == "Sorry, I don't know 'make tea'. Try \"help\"."


async def test_location_is_remembered_and_used_for_the_weather(bot):
    assert (await bot("get location")).reply == "I don't know yet. Try: config location Paris"
    assert (await bot("config location Beijing")).reply == "Got it: you are in Beijing."
    assert (await bot("get location")).reply == "You are in Beijing."
    async with bot.sessions() as session:
        assert (await session.get(User, bot.user_id)).location == "Beijing"
    result = await bot("weather")
    assert result.reply == "Weather in Beijing, China: clear sky, 9.6°C, wind 13 km/h"


async def test_weather_without_a_place_or_location_asks_where(bot):
    result = await bot("weather")
    assert result.outcome == "error" and result.reply.startswith("Where?")


async def test_config_location_without_a_place(bot):
    assert (await bot("config location")).outcome == "error"


async def test_an_unknown_place(bot, weather_api):
    result = await bot("weather in Atlantis")
    assert result.outcome == "error"
    assert result.reply == "Sorry, I could not find a place called 'Atlantis'."
    # it asked the geocoder, and did not ask for a forecast of nowhere
    assert [r["path"] for r in weather_api.state["requests"]] == ["/v1/search"]


async def test_services_lists_the_table(bot):
    result = await bot("services")
    assert "• weather: on" in result.reply and "• location: on" in result.reply


async def test_a_disabled_service_refuses_politely(bot, weather_api):
    async with bot.sessions.begin() as session:
        await session.execute(update(Service).where(Service.name == "weather").values(enabled=False))
    result = await bot("weather in Paris")
    assert (result.outcome, result.reply) == ("refused", "Sorry, the weather service is switched off.")
    assert weather_api.state["requests"] == []  # refused before any call
    async with bot.sessions() as session:
        rows = (await session.scalars(select(Service).where(Service.enabled.is_(False)))).all()
    assert [s.name for s in rows] == ["weather"]
    assert "• weather: off" in (await bot("services")).reply
