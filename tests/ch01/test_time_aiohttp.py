"""ch01_wsgi_async.time_aiohttp in-process with pytest-aiohttp's aiohttp_client."""

import asyncio
import time

import pytest

from ch01_wsgi_async.time_aiohttp import make_app


@pytest.fixture
async def client(aiohttp_client):
    return await aiohttp_client(make_app())


async def test_get_root_returns_the_time_as_json(client):
    before = time.time()
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert before <= (await response.json())["time"] <= time.time()


async def test_slow_requests_overlap_on_one_loop(client):
    started = time.monotonic()
    answers = await asyncio.gather(*(client.get("/slow") for _ in range(20)))
    wall = time.monotonic() - started
    assert [a.status for a in answers] == [200] * 20
    assert (await answers[0].json())["slept"] == 0.1
    assert 0.1 <= wall < 20 * 0.1 * 0.75  # concurrent, not 20 x 0.1 s


async def test_unknown_path_is_404(client):
    response = await client.get("/nope")
    assert response.status == 404
    assert await response.text() == "404: Not Found"


async def test_wrong_method_is_405_with_allow(client):
    response = await client.post("/")
    assert response.status == 405
    assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD"}
    assert "Traceback" not in await response.text()
