"""The weather, from Open-Meteo (no API key): geocode a place, then ask for the current weather.

An async HTTP client with a timeout, so a slow upstream costs one polite
message, never a blocked event loop (the book called ``requests`` here).
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

# WMO weather codes, as Open-Meteo documents them (the common ones).
WMO_CODES = {
    0: "clear sky", 1: "mainly clear", 2: "partly cloudy", 3: "overcast",
    45: "fog", 48: "rime fog", 51: "light drizzle", 53: "drizzle", 55: "dense drizzle",
    61: "light rain", 63: "rain", 65: "heavy rain", 71: "light snow", 73: "snow",
    75: "heavy snow", 80: "rain showers", 81: "rain showers", 82: "violent rain showers",
    95: "thunderstorm", 96: "thunderstorm with hail", 99: "thunderstorm with hail",
}


class WeatherError(Exception):
    """The weather could not be had; the message is fit for the user."""


class PlaceNotFound(WeatherError):
    pass


@dataclass
class Report:
    place: str
    country: str
    temperature: float
    wind_speed: float
    description: str

    def text(self) -> str:
        where = f"{self.place}, {self.country}" if self.country else self.place
        return (f"Weather in {where}: {self.description}, {self.temperature:g}°C, "
                f"wind {self.wind_speed:g} km/h")


class WeatherClient:
    def __init__(self, session: aiohttp.ClientSession, weather_url: str, geocoding_url: str,
                 timeout: float = 5.0):
        self.session = session
        self.weather_url = weather_url.rstrip("/")
        self.geocoding_url = geocoding_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _get(self, url: str, params: dict) -> dict:
        try:
            async with self.session.get(url, params=params, timeout=self.timeout) as resp:
                if resp.status != 200:
                    raise WeatherError(f"the weather service answered {resp.status}")
                return await resp.json()
        except TimeoutError:
            raise WeatherError("the weather service took too long to answer") from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise WeatherError(f"the weather service is unreachable ({type(exc).__name__})") from None

    async def current(self, place: str) -> Report:
        found = await self._get(f"{self.geocoding_url}/v1/search",
                                {"name": place, "count": 1, "language": "en", "format": "json"})
        results = found.get("results") or []
        if not results:
            raise PlaceNotFound(f"I could not find a place called {place!r}")
        top = results[0]
        data = await self._get(f"{self.weather_url}/v1/forecast", {
            "latitude": top["latitude"], "longitude": top["longitude"],
            "current": "temperature_2m,weather_code,wind_speed_10m",
        })
        try:
            now = data["current"]
            return Report(
                place=top.get("name", place), country=top.get("country", ""),
                temperature=float(now["temperature_2m"]),
                wind_speed=float(now["wind_speed_10m"]),
                description=WMO_CODES.get(int(now["weather_code"]), "unusual weather"),
            )
        except (KeyError, TypeError, ValueError):
            raise WeatherError("the weather service sent an answer I could not read") from None
