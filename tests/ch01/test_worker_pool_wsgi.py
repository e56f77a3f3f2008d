"""ch01_wsgi_async.worker_pool_wsgi in-process (a real socket on port 0, in a thread)."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from ch01_wsgi_async.time_wsgi import application
from ch01_wsgi_async.worker_pool_wsgi import WORKERS, PoolWSGIServer


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
