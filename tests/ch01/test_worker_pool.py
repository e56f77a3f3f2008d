"""ch01_wsgi_async.worker_pool_wsgi in-process (a real socket on port 0, in a thread),
and ch01_wsgi_async.worker_pool_lesson run as a learner runs it.
"""

import dataclasses
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from ch01_wsgi_async.time_wsgi import application
from ch01_wsgi_async.worker_pool_wsgi import WORKERS, PoolWSGIServer
from workbook import catalogue, serving


class InFlight:
    """WSGI middleware counting how many requests are being handled at once."""

    def __init__(self, app):
        self.app, self.now, self.most, self.lock = app, 0, 0, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def pool_server():
    counter = InFlight(application)
    server = PoolWSGIServer(("127.0.0.1", 0))  # port 0: the OS picks a free one
    server.set_app(counter)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counter
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_exactly_eight_requests_in_progress_at_once(pool_server):
    url, counter = pool_server
    n = 24
    started = time.monotonic()
    with ThreadPoolExecutor(n) as clients:
        answers = list(clients.map(lambda _: get(url + "/slow"), range(n)))
    wall = time.monotonic() - started
    assert [a["slept"] for a in answers] == [0.1] * n
    assert WORKERS == 8
    assert counter.most == WORKERS  # never more than the pool, and the pool was full
    assert wall >= n / WORKERS * 0.1  # three rounds of 100 ms at the very least


def test_time_and_bad_input_over_http(pool_server):
    url, _ = pool_server
    assert isinstance(get(url + "/")["time"], float)
    with pytest.raises(urllib.error.HTTPError) as not_found:
        get(url + "/nope")
    assert not_found.value.code == 404
    request = urllib.request.Request(url + "/", method="POST", data=b"")
    with pytest.raises(urllib.error.HTTPError) as wrong_method:
        urllib.request.urlopen(request, timeout=10)
    assert wrong_method.value.code == 405
    assert json.loads(wrong_method.value.read())["error"] == "405 Method Not Allowed"


def table_rows(stdout):
    """{server name: (wall, req/s, floor, ok)} from the lesson's table."""
    rows = {}
    for line in stdout.splitlines():
        parts = line.rsplit(None, 4)
        if len(parts) == 5 and parts[-1].isdigit():
            rows[parts[0].strip()] = (float(parts[1]), float(parts[2]), float(parts[3]),
                                      int(parts[4]))
    return rows


def run_lesson(*args):
    example = dataclasses.replace(catalogue.get("ch01.worker_pool_lesson"), args=args)
    return serving.run_script(example, timeout=120)


@pytest.mark.slow
def test_lesson_measures_the_pool_against_async_servers():
    # 160: the pool needs at least 2 s, an async server about 0.2 s when the
    # machine is idle; the margin absorbs a busy 2-core machine.
    n = 160
    result = run_lesson("--requests", str(n))
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert set(rows) == {"wsgi pool (8 threads)", "gevent", "twisted", "tornado", "aiohttp",
                         "quart + hypercorn"}, result.stdout
    assert all(ok == n for *_, ok in rows.values()), result.stdout
    pool_wall, _, pool_floor, _ = rows.pop("wsgi pool (8 threads)")
    assert pool_floor == 2.0 and pool_wall >= pool_floor  # 160 / 8 x 0.1 s
    for name, (wall, _, floor, _) in rows.items():
        assert floor == 0.1, name
        assert 0.1 <= wall < pool_floor, f"{name} took {wall} s: no better than the pool"


def test_lesson_measures_given_urls_and_starts_nothing(start_example):
    server = start_example("ch01.time_aiohttp")
    result = run_lesson("-n", "20", f"aiohttp={server.url}")
    assert result.returncode == 0, result.stderr
    assert list(table_rows(result.stdout)) == ["aiohttp"]


@pytest.mark.parametrize("args, message", [
    (("example=http://192.0.2.1:8000",), "only loopback URLs"),
    (("--requests", "5000"), "between 1 and 1000"),
])
def test_lesson_refuses_unbounded_or_remote_load(args, message):
    result = run_lesson(*args)
    assert result.returncode == 2
    assert message in result.stderr
