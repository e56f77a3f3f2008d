"""ch04_jeeves.background_tasks: background work in Quart, started and stopped properly.

In-process with ``app.test_app()`` (which runs before_serving and, on exit,
Quart's shutdown): jobs accepted with 202 before they run, every one finished
once the app has shut down, the periodic job ticking and then stopped, and bad
input refused with a JSON 400.
"""

from __future__ import annotations

import asyncio
import importlib
import time

import pytest

background = importlib.import_module("ch04_jeeves.background_tasks")


async def wait_for(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)
    return result


async def test_jobs_answer_at_once_and_all_finish_before_shutdown_ends():
    app = background.create_app()
    state = app.extensions["jobs"]
    async with app.test_app() as test_app:
        client = test_app.test_client()
        for i in range(5):
            resp = await client.post("/jobs", json={"name": f"job{i}", "seconds": 0.3})
            assert resp.status_code == 202
            assert await resp.get_json() == {"accepted": i + 1, "name": f"job{i}", "seconds": 0.3}
        # Answered before the work was done: nothing can have finished yet.
        listing = await (await client.get("/jobs")).get_json()
        assert listing["done"] == [] and listing["running"] == 5
    # Leaving test_app() ran Quart's shutdown, which waited for the jobs.
    assert sorted(job["name"] for job in state["done"]) == [f"job{i}" for i in range(5)]
    assert state["running"] == 0
    assert not app.background_tasks


async def test_the_periodic_job_ticks_and_stops_with_the_server():
    app = background.create_app()
    app.config["TICK_SECONDS"] = 0.02
    state = app.extensions["jobs"]
    async with app.test_app() as test_app:
        await wait_for(lambda: state["ticks"] >= 3)
        body = await (await test_app.test_client().get("/jobs")).get_json()
        assert body["ticks"] >= 3
        assert len(app.background_tasks) == 1  # the loop, started by before_serving
    ticks = state["ticks"]
    assert not app.background_tasks  # the loop returned at shutdown, it was not cancelled
    await asyncio.sleep(0.1)  # not synchronisation: checking that nothing ticks any more
    assert state["ticks"] == ticks


async def test_a_job_finishes_before_the_app_reports_its_result():
    app = background.create_app()
    async with app.test_app() as test_app:
        client = test_app.test_client()
        await client.post("/jobs", json={"name": "quick", "seconds": 0})
        done = await wait_for(lambda: app.extensions["jobs"]["done"])
        body = await (await client.get("/jobs")).get_json()
    assert body["done"] == done and done[0]["name"] == "quick" and done[0]["id"] == 1


@pytest.mark.parametrize(("body", "error"), [
    (b"name=report", "the body must be a JSON object"),
    (b"[1, 2]", "the body must be a JSON object"),
    (b'{"seconds": 0.1}', "name must be a string of 1 to 50 characters"),
    (b'{"name": "", "seconds": 0.1}', "name must be a string of 1 to 50 characters"),
    (b'{"name": "x", "seconds": -1}', "seconds must be a number from 0 to 1"),
    (b'{"name": "x", "seconds": 60}', "seconds must be a number from 0 to 1"),
    (b'{"name": "x", "seconds": "1"}', "seconds must be a number from 0 to 1"),
    (b'{"name": "x", "seconds": true}', "seconds must be a number from 0 to 1"),
])
async def test_bad_input_is_a_json_400_and_starts_nothing(body, error):
    app = background.create_app()
    async with app.test_app() as test_app:
        resp = await test_app.test_client().post(
            "/jobs", data=body, headers={"Content-Type": "application/json"})
        assert resp.status_code == 400
        assert await resp.get_json() == {"error": error}
        assert app.extensions["jobs"]["next_id"] == 1
    assert app.extensions["jobs"]["done"] == []


async def test_wrong_method_is_json_too():
    async with background.create_app().test_app() as test_app:
        resp = await test_app.test_client().delete("/jobs")
    assert resp.status_code == 405
    assert "error" in await resp.get_json()
