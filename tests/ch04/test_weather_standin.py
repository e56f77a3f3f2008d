"""ch04_jeeves.devtools.weather_standin speaks Open-Meteo's shape over plain HTTP (the
``weather_api`` fixture serves it on a free port of the test's event loop). A client's
mistakes get a 400 in Open-Meteo's error shape, never a 500."""

import aiohttp
import pytest


async def test_weather_geocoding_and_forecast(weather_api):
    async with aiohttp.ClientSession(base_url=weather_api.url) as http:
        async with http.get("/v1/search", params={"name": "paris", "count": "1"}) as r:
            [paris] = (await r.json())["results"]
        assert (paris["name"], paris["country"]) == ("Paris", "France")
        async with http.get("/v1/search", params={"name": "Atlantis"}) as r:
            assert "results" not in await r.json()  # as Open-Meteo: no key at all
        params = {"latitude": paris["latitude"], "longitude": paris["longitude"],
                  "current": "temperature_2m,weather_code,wind_speed_10m"}
        async with http.get("/v1/forecast", params=params) as r:
            current = (await r.json())["current"]
        assert (current["temperature_2m"], current["weather_code"]) == (14.2, 3)
        async with http.get("/v1/forecast", params={"latitude": "x"}) as r:
            assert r.status == 400 and (await r.json())["error"] is True
        async with http.get("/v1/search") as r:
            assert r.status == 400


async def test_weather_can_fail_on_demand_and_records_requests(weather_api):
    async with aiohttp.ClientSession(base_url=weather_api.url) as http:
        async with http.post("/_standin/config", json={"fail_status": 503}) as r:
            assert r.status == 200
        async with http.get("/v1/search", params={"name": "Paris"}) as r:
            assert r.status == 503
        async with http.get("/_standin/requests") as r:
            assert (await r.json())["requests"] == [{"path": "/v1/search",
                                                     "query": {"name": "Paris"}}]
        async with http.post("/_standin/config", data=b"nope") as r:
            assert r.status == 400


# --- a client's mistakes (issue 13) ---


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
