"""A molotov load-test scenario (the book's tool) for chapter 2's quart_basic.

What it shows: molotov runs this coroutine over and over, from ``-w`` workers,
for ``-d`` seconds, with an aiohttp session it hands in. Each request is timed
here, and ``global_teardown`` prints requests, failures, requests/s and
latency percentiles when the run ends (molotov alone prints only counts).

Run it:   python ch02_quart/quart_basic.py                      (terminal 1, port 8100)
          molotov -c -w 4 -d 5 ch03_testing/load_molotov.py      (terminal 2)
          TARGET_URL=http://127.0.0.1:PORT selects another server.
Expect:   SUCCESSES: ... | FAILURES: 0 then a line such as
          molotov: 2713 requests, 0 failures, 542.6 req/s, p50 6.9 ms, p90 9.8 ms, p99 16.1 ms
"""

import os
import statistics
import time

import molotov

TARGET_URL = os.environ.get("TARGET_URL", "http://127.0.0.1:8100").rstrip("/")
_timings: list[float] = []
_failures: list[str] = []
_started = time.monotonic()


@molotov.global_setup()
def start_clock(args):
    global _started
    _started = time.monotonic()


@molotov.scenario(weight=100)
async def hello_api(session):
    started = time.perf_counter()
    async with session.get(TARGET_URL + "/api") as response:
        body = await response.json()
    _timings.append(time.perf_counter() - started)
    if response.status != 200 or body != {"Hello": "World!"}:
        _failures.append(f"{response.status} {body!r}")
    # an assertion failure is what molotov counts as a failed scenario
    assert response.status == 200, response.status
    assert body == {"Hello": "World!"}, body


def summary(timings, failures, seconds):
    """One line a person (and a test) can read: counts, rate, percentiles in ms."""
    if len(timings) >= 2:
        cuts = statistics.quantiles(timings, n=100, method="inclusive")
        p50, p90, p99 = (cuts[i - 1] * 1000 for i in (50, 90, 99))
    else:
        p50 = p90 = p99 = (timings[0] * 1000 if timings else 0.0)
    rate = len(timings) / seconds if seconds > 0 else 0.0
    return (f"molotov: {len(timings)} requests, {len(failures)} failures, "
            f"{rate:.1f} req/s, p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms")


@molotov.global_teardown()
def report():
    print(summary(_timings, _failures, time.monotonic() - _started), flush=True)
