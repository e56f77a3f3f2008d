"""A local stand-in for Open-Meteo: geocoding (``/v1/search``) and forecast (``/v1/forecast``).

What it shows: the two calls Jeeves makes for "weather in Paris", answered in
Open-Meteo's own JSON shape from a small built-in table of cities, with no
network and no key. It can also be slow or fail on demand, to test how Jeeves
copes with a bad upstream.

Run it:   python -m ch04_jeeves.devtools.weather_standin   (PORT=8391 by default)
          WEATHER_STANDIN_DELAY=6 answers after 6 s; WEATHER_STANDIN_FAIL=503 fails.
Ask it:   curl "http://127.0.0.1:8391/v1/search?name=Paris&count=1"
Expect:   {"results": [{"name": "Paris", "latitude": 48.85341, "longitude": 2.3488, ...}]}
          then curl "http://127.0.0.1:8391/v1/forecast?latitude=48.85&longitude=2.35&current=temperature_2m"
          gives {"current": {"temperature_2m": 14.2, ...}}; without latitude: 400
          {"error": true, "reason": "..."}, as Open-Meteo answers.
Change:   POST /_standin/config {"delay": 0.5, "fail_status": 503}; GET /_standin/requests.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime

from aiohttp import web

# name, country, latitude, longitude, (temperature °C, WMO weather code, wind km/h)
CITIES = [
    ("Paris", "France", 48.85341, 2.3488, (14.2, 3, 11.5)),
    ("London", "United Kingdom", 51.50853, -0.12574, (11.0, 61, 19.8)),
    ("Tokyo", "Japan", 35.6895, 139.69171, (18.4, 1, 7.2)),
    ("Beijing", "China", 39.9075, 116.39723, (9.6, 0, 13.0)),
    ("New York", "United States", 40.71427, -74.00597, (7.9, 2, 16.4)),
    ("Taipei", "Taiwan", 25.04776, 121.53185, (24.1, 80, 9.1)),
]
STATE = web.AppKey("state", dict)


def make_app(delay: float = 0.0, fail_status: int | None = None) -> web.Application:
    app = web.Application(middlewares=[misbehave])
    app[STATE] = {"delay": delay, "fail_status": fail_status, "requests": []}
    app.router.add_get("/v1/search", search)
    app.router.add_get("/v1/forecast", forecast)
    app.router.add_get("/_standin/requests", read_requests)
    app.router.add_post("/_standin/config", configure)
    app.router.add_get("/", index)
    return app


@web.middleware
async def misbehave(request: web.Request, handler):
    """Record the call, then be as slow or as broken as configured."""
    if request.path.startswith("/v1/"):
        state = request.app[STATE]
        state["requests"].append({"path": request.path, "query": dict(request.query)})
        if state["delay"]:
            await asyncio.sleep(state["delay"])  # simulating a slow upstream is the point
        if state["fail_status"]:
            return web.json_response({"error": True, "reason": "stand-in told to fail"},
                                     status=state["fail_status"])
    return await handler(request)


def error(reason: str) -> web.Response:
    return web.json_response({"error": True, "reason": reason}, status=400)


async def search(request: web.Request) -> web.Response:
    name = request.query.get("name", "").strip().lower()
    if not name:
        return error("Parameter 'name' is required")
    count = request.query.get("count", "10")
    if not (count.isascii() and count.isdigit() and 1 <= int(count) <= 100):
        return error("Parameter 'count' must be a whole number from 1 to 100")
    found = [
        {"id": i + 1, "name": city, "latitude": lat, "longitude": lon, "country": country,
         "timezone": "UTC"}
        for i, (city, country, lat, lon, _) in enumerate(CITIES) if city.lower() == name
    ]
    # Open-Meteo leaves "results" out entirely when nothing matches.
    body = {"generationtime_ms": 0.1}
    if found:
        body["results"] = found[: int(count)]
    return web.json_response(body)


async def forecast(request: web.Request) -> web.Response:
    try:
        lat = float(request.query["latitude"])
        lon = float(request.query["longitude"])
    except (KeyError, ValueError):
        return error("Parameter 'latitude' and 'longitude' must be numbers")
    # The nearest city in the table gives the weather; anywhere else is mild.
    nearest = min(CITIES, key=lambda c: (c[2] - lat) ** 2 + (c[3] - lon) ** 2)
    near = abs(nearest[2] - lat) < 1 and abs(nearest[3] - lon) < 1
    temperature, code, wind = nearest[4] if near else (15.0, 2, 10.0)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:00")
    return web.json_response({
        "latitude": lat, "longitude": lon, "timezone": "GMT", "elevation": 35.0,
        "current_units": {"time": "iso8601", "interval": "seconds", "temperature_2m": "°C",
                          "weather_code": "wmo code", "wind_speed_10m": "km/h"},
        "current": {"time": now, "interval": 900, "temperature_2m": temperature,
                    "weather_code": code, "wind_speed_10m": wind},
    })


async def read_requests(request: web.Request) -> web.Response:
    return web.json_response({"requests": request.app[STATE]["requests"]})


async def configure(request: web.Request) -> web.Response:
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, absurdly deep
        body = None
    delay = body.get("delay", 0) if isinstance(body, dict) else None
    fail_status = body.get("fail_status") if isinstance(body, dict) else None
    # Numbers only (true is not 1), a delay a test can wait for, a status HTTP has.
    good_delay = type(delay) in (int, float) and 0 <= delay <= 60
    good_status = fail_status is None or (type(fail_status) is int and 400 <= fail_status <= 599)
    if not (good_delay and good_status):
        return web.json_response(
            {"error": True, "reason": 'expected {"delay": 0 to 60 seconds, '
                                      '"fail_status": 400 to 599 or null}'}, status=400)
    delay = float(delay)
    request.app[STATE].update(delay=delay, fail_status=fail_status)
    return web.json_response({"delay": delay, "fail_status": fail_status})


async def index(request: web.Request) -> web.Response:
    return web.json_response({"standin": "open-meteo", "cities": [c[0] for c in CITIES]})


def main() -> None:
    port = int(os.environ.get("PORT", "8391"))
    fail = os.environ.get("WEATHER_STANDIN_FAIL")
    app = make_app(delay=float(os.environ.get("WEATHER_STANDIN_DELAY", "0") or 0),
                   fail_status=int(fail) if fail else None)
    print(f"Serving on http://127.0.0.1:{port}/ (Open-Meteo stand-in; Ctrl-C to stop)", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, shutdown_timeout=1.0)


if __name__ == "__main__":
    main()
