"""time_gevent: importing patches nothing; served for real, /slow requests overlap.

ch01_wsgi_async.time_gevent only monkey-patches when run as a program, so the
server itself runs in a subprocess (gevent's patching is process-wide).
"""

import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from werkzeug.test import Client

from ch01_wsgi_async import time_gevent, time_wsgi
from workbook.catalogue import ROOT

N = 20  # concurrent /slow requests: a serial server needs at least N x 0.1 s


def fire(url, n=N):
    """n simultaneous GETs; (wall seconds, bodies)."""
    started = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        bodies = list(pool.map(lambda _: urllib.request.urlopen(url, timeout=30).read(), range(n)))
    return time.monotonic() - started, bodies


def test_the_app_is_the_unchanged_wsgi_callable():
    assert time_gevent.application is time_wsgi.application
    response = Client(time_gevent.application).get("/slow")
    assert response.status_code == 200 and response.json["slept"] == 0.1


def test_importing_does_not_monkey_patch():
    code = ("import ch01_wsgi_async.time_gevent, gevent.monkey, socket, time\n"
            "print(gevent.monkey.is_module_patched('socket'), time.sleep.__module__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out == ["False", "time"]


def test_served_by_gevent_slow_requests_overlap(start_example):
    server = start_example("ch01.time_gevent")
    wall, bodies = fire(server.url + "/slow")
    assert all(b'"slept": 0.1' in b for b in bodies)
    # Patched time.sleep yields to other greenlets: far less than N x 0.1 s.
    assert wall < N * 0.1 * 0.75, f"{N} requests took {wall:.2f} s: not concurrent"


def test_wsgiref_serves_one_at_a_time(start_example):
    # The contrast: wsgiref's simple server handles one request at a time.
    server = start_example("ch01.time_wsgi")
    wall, _ = fire(server.url + "/slow", n=10)
    assert wall >= 10 * 0.1


def test_served_by_gevent_bad_input(start_example):
    server = start_example("ch01.time_gevent")
    request = urllib.request.Request(server.url + "/", method="DELETE")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as err:
        assert err.code == 405 and err.headers["Allow"] == "GET, HEAD"
    else:
        raise AssertionError("DELETE / should be a 405")
