"""ch02_quart.sync_views: N concurrent requests, in-process and over real HTTP.

The lesson: with N requests at once, each waiting DELAY seconds, a plain ``def``
view (worker threads) and an awaiting ``async def`` wait side by side; a
``time.sleep`` inside ``async def`` serialises them: N x DELAY in all.

Each answer carries when its wait began and ended on the server's clock, so the
tests count how many waits overlapped instead of trusting wall-clock ratios,
which a loaded 2-core machine distorts: the blocking view never has two waits at
once (and takes at least N x DELAY: physics), the others do.
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
    walls, bodies = {}, {}
    for path in ("/sync", "/blocking", "/await"):
        walls[path], answers = await timed(app.test_client().get, path)
        assert {a.status_code for a in answers} == {200}
        bodies[path] = [await a.get_json() for a in answers]
    # In process nothing stands between the client and the views: all N wait at once.
    assert_the_lesson(walls, bodies, side_by_side=N)


def most_at_once(bodies):
    """The largest number of waits in progress at the same instant."""
    edges = sorted([(b["began"], 1) for b in bodies] + [(b["ended"], -1) for b in bodies])
    now = most = 0
    for _, step in edges:  # an end sorts before a begin at the same instant
        now += step
        most = max(most, now)
    return most


def assert_the_lesson(walls, bodies, side_by_side):
    assert walls["/blocking"] >= SERIAL * 0.95, walls  # one sleep after another
    assert most_at_once(bodies["/blocking"]) == 1, bodies["/blocking"]  # the loop stalled
    for path in ("/sync", "/await"):  # waits overlap: in threads, or on the loop
        assert most_at_once(bodies[path]) >= side_by_side, (path, bodies[path])


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
    walls, bodies = {}, {}
    async with httpx.AsyncClient(base_url=served.url, timeout=10) as http:
        for path in ("/sync", "/blocking", "/await"):
            walls[path], answers = await timed(http.get, path)
            assert [a.json()["view"] for a in answers] == [path[1:]] * N
            bodies[path] = [a.json() for a in answers]
    # Over real sockets a loaded machine may deliver the N requests a little apart;
    # still, waits that can overlap do.
    assert_the_lesson(walls, bodies, side_by_side=2)


async def test_wrong_method_and_unknown_path():
    client = app.test_client()
    assert (await client.post("/sync")).status_code == 405
    assert (await client.get("/nope")).status_code == 404
