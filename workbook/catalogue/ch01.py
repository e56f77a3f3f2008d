"""Chapter 1 examples: the time service six ways, sync vs async."""

from workbook.catalogue import Example, Probe

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

# Files in ch01_wsgi_async/ that belong to an example without being one.
SUPPORT_FILES: list[str] = []
