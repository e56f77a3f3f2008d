"""ch01_wsgi_async.time_quart in-process with Quart's test_client."""

import asyncio
import time

from ch01_wsgi_async.time_quart import app


async def test_get_root_returns_the_time_as_json():
    before = time.time()
    response = await app.test_client().get("/")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert before <= (await response.get_json())["time"] <= time.time()


async def test_slow_requests_overlap():
    client = app.test_client()
    started = time.monotonic()
    answers = await asyncio.gather(*(client.get("/slow") for _ in range(20)))
    wall = time.monotonic() - started
    assert {(await a.get_json())["slept"] for a in answers} == {0.1}
    assert 0.1 <= wall < 20 * 0.1 * 0.75


async def test_unknown_path_is_a_json_404():
    response = await app.test_client().get("/nope")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == 404


async def test_wrong_method_is_a_json_405_with_allow():
    response = await app.test_client().post("/")
    assert response.status_code == 405
    assert response.content_type == "application/json"
    assert "GET" in response.headers["Allow"]
    assert (await response.get_json())["error"] == 405
