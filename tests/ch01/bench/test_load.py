"""ch01_wsgi_async.bench.load: the load generators, against a real server, and their parsers."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from aiohttp import web

from ch01_wsgi_async.bench import load, run
from workbook.serving import serve_in_thread


@pytest.fixture(scope="module")
def server():
    """A small aiohttp server (``/`` at once, ``/slow`` after 100 ms) on a loop in a thread."""
    async def index(request):
        return web.json_response({"time": 0.0})

    async def slow(request):
        await asyncio.sleep(0.1)
        return web.json_response({"slept": 0.1})

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/slow", slow)
    with serve_in_thread(app, name="bench load test") as served:
        yield served


def test_builtin_client_counts_keep_alive_requests(server):
    stats = load.builtin_throughput(server.port, "/", connections=4, duration=0.3)
    assert stats["requests"] > 4 and stats["errors"] == 0
    assert stats["rps"] > 0 and 0 < stats["p50_ms"] <= stats["p99_ms"]


def test_simultaneous_requests_wait_together_and_failures_are_counted(server):
    ok = load.simultaneous(server.port, "/slow", n=10, timeout=10)
    assert ok["errors"] == 0 and 0.1 <= ok["wall_s"] < 10
    missing = load.simultaneous(server.port, "/nope", n=3, timeout=10)
    assert missing["errors"] == 3 and missing["error_detail"] == ["status 404"]


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_wrk_is_chosen_for_whole_seconds_and_its_numbers_parsed(server):
    assert run.choose_generator(run.Settings(duration=1.0)) == "wrk"
    assert run.choose_generator(run.quick_settings(run.Settings())) == "builtin"
    stats = run.throughput("wrk", server.port, run.Settings(duration=1.0, connections=4))
    assert stats["requests"] > 0 and stats["errors"] == 0
    assert stats["p99_ms"] >= stats["p50_ms"] > 0
    assert "wrk" in load.wrk_version()


WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:40000/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   620.00us    1.20ms  40.31ms   97.00%
  Latency Distribution
     50%  512.00us
     75%    0.90ms
     90%    1.10ms
     99%    1.50s
  20040 requests in 1.00s, 3.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:  20018.97
Transfer/sec:      3.00MB
"""


def test_parse_wrk_reads_rate_percentiles_and_errors():
    parsed = load.parse_wrk(WRK_OUTPUT)
    assert parsed == {"rps": 20018.97, "requests": 20040, "errors": 10,
                      "p50_ms": pytest.approx(0.512), "p99_ms": pytest.approx(1500.0)}


@pytest.mark.parametrize(("raw", "expected"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", (200, 40, False)),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", None),  # body not all there yet
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
     (200, 59, False)),
    (b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", (404, 45, True)),
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}", (200, -1, True)),  # ends at EOF
    (b"HTTP/1.1 200 OK\r\nContent-Le", None),
])
def test_parse_response(raw, expected):
    assert load.parse_response(raw) == expected


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 50) == 50.0 and load.percentile(values, 99) == 99.0
    assert load.percentile([], 50) is None
