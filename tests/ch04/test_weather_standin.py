"""ch04_jeeves.devtools.weather_standin speaks Open-Meteo's shape over plain HTTP (the
``weather_api`` fixture serves it on a free port of the test's event loop)."""

import aiohttp


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
