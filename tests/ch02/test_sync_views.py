"""ch02_quart.sync_views: N concurrent requests, in-process and over real HTTP.

The lesson, timed: with N requests at once, each waiting DELAY seconds, a plain
``def`` view (worker threads) and an awaiting ``async def`` take about DELAY in
all; a ``time.sleep`` inside ``async def`` serialises them: N x DELAY. The
blocking bound is physics (N sleeps one after another cannot be quicker); the
others are generous ratios to the blocking run (under 60 % of it, where the
lesson predicts 20 %), so a loaded machine slows both sides alike.
"""

import asyncio
import threading
import time

import httpx
import pytest

from ch02_quart.sync_views import DELAY, app

N = 5  # concurrent requests: within the default executor's min(32, cpus + 4) threads
SERIAL = N * DELAY


async def timed(get, path):
    started = time.monotonic()
    answers = await asyncio.gather(*(get(path) for _ in range(N)))
    return time.monotonic() - started, answers


async def test_in_process_only_the_blocking_view_is_serial():
    walls = {}
    for path in ("/sync", "/blocking", "/await"):
        walls[path], answers = await timed(app.test_client().get, path)
        assert {a.status_code for a in answers} == {200}
    assert_the_lesson(walls)


def assert_the_lesson(walls):
    assert walls["/blocking"] >= SERIAL * 0.95, walls  # one sleep after another
    assert walls["/sync"] < walls["/blocking"] * 0.6, walls  # side by side in threads
    assert walls["/await"] < walls["/blocking"] * 0.6, walls  # side by side on the loop


async def test_a_plain_def_view_runs_in_a_worker_thread():
    client = app.test_client()
    threads = {path: (await (await client.get(path)).get_json())["thread"]
               for path in ("/sync", "/blocking", "/await")}
    loop_thread = threading.current_thread().name  # the test's loop runs the app here
    assert threads["/blocking"] == threads["/await"] == loop_thread
    assert threads["/sync"] != loop_thread and threads["/sync"].startswith("asyncio_")


@pytest.mark.learner
async def test_over_real_http_the_server_stalls_only_on_the_blocking_view(start_example):
    served = start_example("ch02.sync_views")  # python ch02_quart/sync_views.py, as a learner runs it
    walls = {}
    async with httpx.AsyncClient(base_url=served.url, timeout=10) as http:
        for path in ("/sync", "/blocking", "/await"):
            walls[path], answers = await timed(http.get, path)
            assert [a.json()["view"] for a in answers] == [path[1:]] * N
    assert_the_lesson(walls)


async def test_wrong_method_and_unknown_path():
    client = app.test_client()
    assert (await client.post("/sync")).status_code == 405
    assert (await client.get("/nope")).status_code == 404
