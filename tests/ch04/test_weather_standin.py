"""ch04_jeeves.devtools.weather_standin: a client's mistakes get a 400 in Open-Meteo's error
shape (never a 500), and the control endpoint accepts only what it can act on. Over HTTP."""

from __future__ import annotations

import aiohttp
import pytest


@pytest.mark.parametrize("count", ["abc", "0", "101", "-1", "²", "9" * 30])
async def test_a_bad_count_is_a_400(weather_api, count):
    async with aiohttp.ClientSession() as http, http.get(
            weather_api.url + "/v1/search", params={"name": "Paris", "count": count}) as answer:
        assert answer.status == 400
        assert await answer.json() == {
            "error": True, "reason": "Parameter 'count' must be a whole number from 1 to 100"}


async def test_a_good_count_limits_the_results(weather_api):
    async with aiohttp.ClientSession() as http, http.get(
            weather_api.url + "/v1/search", params={"name": "Paris", "count": "1"}) as answer:
        assert [r["name"] for r in (await answer.json())["results"]] == ["Paris"]


@pytest.mark.parametrize("body", [
    b'{"delay": "slow"}', b'{"delay": true}', b'{"delay": -1}', b'{"delay": 1e9}',
    b'{"fail_status": 99}', b'{"fail_status": true}', b'{"fail_status": "503"}',
    b'{"fail_status": 700}', b"[1]", b"\xff", b"[" * 5000 + b"]" * 5000, b"nope",
])
async def test_a_malformed_config_is_a_400_and_changes_nothing(weather_api, body):
    async with aiohttp.ClientSession() as http, http.post(
            weather_api.url + "/_standin/config", data=body,
            headers={"Content-Type": "application/json"}) as answer:
        assert answer.status == 400
        assert (await answer.json())["error"] is True
    assert (weather_api.state["delay"], weather_api.state["fail_status"]) == (0.0, None)


async def test_a_good_config_is_applied(weather_api):
    async with aiohttp.ClientSession() as http:
        async with http.post(weather_api.url + "/_standin/config",
                             json={"delay": 0.01, "fail_status": 503}) as answer:
            assert await answer.json() == {"delay": 0.01, "fail_status": 503}
        async with http.get(weather_api.url + "/v1/search", params={"name": "Paris"}) as answer:
            assert answer.status == 503
