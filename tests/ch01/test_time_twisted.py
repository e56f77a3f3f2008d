"""ch01_wsgi_async.time_twisted in memory: the real Site over a StringTransport, a fake clock.

No reactor runs in the test process: ``make_app(clock=task.Clock())`` lets the
test move time forward by hand, which is how Twisted code is tested.
"""

import json
import time

from twisted.internet import error, task
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

from ch01_wsgi_async.time_twisted import make_app


def http(site, method, path):
    """Send one raw HTTP/1.0 request into the Site's protocol; (protocol, transport)."""
    protocol = site.buildProtocol(None)
    transport = StringTransport()
    protocol.makeConnection(transport)
    protocol.dataReceived(f"{method} {path} HTTP/1.0\r\nHost: test\r\n\r\n".encode())
    return protocol, transport


def parse(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":  # only for HTTP/1.1; not here
        raise AssertionError("unexpected chunked body")
    return status, headers, body


def test_get_root_returns_the_time_as_json():
    clock = task.Clock()
    before = time.time()
    _, transport = http(make_app(clock), "GET", "/")
    status, headers, body = parse(transport.value())
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert before <= json.loads(body)["time"] <= time.time()


def test_slow_answers_only_after_100_ms_of_clock_time():
    clock = task.Clock()
    protocol, transport = http(make_app(clock), "GET", "/slow")
    assert transport.value() == b""  # NOT_DONE_YET: nothing written yet
    clock.advance(0.09)
    assert transport.value() == b""
    clock.advance(0.02)
    status, headers, body = parse(transport.value())
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body)["slept"] == 0.1


def test_slow_cancels_its_timer_when_the_client_hangs_up():
    clock = task.Clock()
    protocol, transport = http(make_app(clock), "GET", "/slow")
    assert len(clock.getDelayedCalls()) >= 1
    protocol.connectionLost(Failure(error.ConnectionDone()))
    assert clock.getDelayedCalls() == []  # the pending deferLater was cancelled
    clock.advance(1)
    assert transport.value() == b""


def test_unknown_path_is_a_json_404():
    _, transport = http(make_app(task.Clock()), "GET", "/nope")
    status, headers, body = parse(transport.value())
    assert status == 404 and headers["content-type"] == "application/json"
    assert json.loads(body) == {"error": "404 Not Found", "message": "no such path"}


def test_wrong_method_is_a_json_405_with_allow():
    _, transport = http(make_app(task.Clock()), "POST", "/")
    status, headers, body = parse(transport.value())
    assert status == 405
    assert set(headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert json.loads(body)["error"] == "405 Method Not Allowed"
    assert b"Traceback" not in transport.value()
