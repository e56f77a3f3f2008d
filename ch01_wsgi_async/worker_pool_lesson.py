"""The worker-pool lesson, measured: N simultaneous requests to /slow on each server.

What it shows: every server below answers ``GET /slow`` after waiting 100 ms.
The 8-thread WSGI pool can only have 8 waits in progress, so N requests take
at least N / 8 x 0.1 s; an asynchronous server (gevent, Twisted, Tornado,
aiohttp, Quart) waits for all of them at once, so the floor is 0.1 s.

Run it:   python ch01_wsgi_async/worker_pool_lesson.py               (N=200)
          python ch01_wsgi_async/worker_pool_lesson.py --requests 50
          python ch01_wsgi_async/worker_pool_lesson.py pool=http://127.0.0.1:8008 aiohttp=http://127.0.0.1:8005
With no URLs it starts each server itself, as a learner would (a process on
a free loopback port, through the workbook's serving toolkit), waits until it
answers, measures them one at a time, and stops them.
Expect:   a table: wall time, requests/s, and the theoretical floor per server.
"""

import argparse
import asyncio
import math
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import aiohttp

from workbook import catalogue, serving

SLOW = 0.1
# name: (catalogue id, workers: how many /slow waits it can have in progress; None = no limit)
SERVERS = {
    "wsgi pool (8 threads)": ("ch01.worker_pool_wsgi", 8),
    "gevent": ("ch01.time_gevent", None),
    "twisted": ("ch01.time_twisted", None),
    "tornado": ("ch01.time_tornado", None),
    "aiohttp": ("ch01.time_aiohttp", None),
    "quart + hypercorn": ("ch01.time_quart", None),
}


async def fire(url, n):
    """n simultaneous GET /slow; (wall seconds, how many answered 200 with slept=0.1)."""
    timeout = aiohttp.ClientTimeout(total=60)
    # limit=n: the client opens all n connections at once; it must not be the bottleneck.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=n),
                                     timeout=timeout) as session:
        async def one():
            async with session.get(url + "/slow") as response:
                return response.status == 200 and (await response.json())["slept"] == SLOW

        started = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
        return time.perf_counter() - started, sum(r is True for r in results)


def floor(n, workers):
    """The theoretical minimum: rounds of 100 ms waits, `workers` at a time."""
    return SLOW if workers is None else math.ceil(n / workers) * SLOW


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", "-n", type=int, default=200,
                        help="simultaneous requests per server (1-1000, default 200)")
    parser.add_argument("urls", nargs="*", metavar="NAME=URL",
                        help="measure running servers instead (loopback only); "
                             "a NAME starting with 'pool' is treated as 8 workers")
    args = parser.parse_args()
    if not 1 <= args.requests <= 1000:
        parser.error("--requests must be between 1 and 1000")

    targets, started = [], []
    try:
        if args.urls:
            for item in args.urls:
                name, _, url = item.partition("=")
                if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
                    parser.error(f"{item!r}: only loopback URLs (this fires many requests)")
                targets.append((name, url.rstrip("/"), 8 if name.startswith("pool") else None))
        else:
            # All started at once (each as `python ch01_wsgi_async/<file>.py` with PORT
            # set), each ready once it answers; measured one at a time below.
            with ThreadPoolExecutor() as pool:
                starting = {name: pool.submit(serving.start_example, catalogue.get(example_id))
                            for name, (example_id, _) in SERVERS.items()}
            # Keep every one that started, so the finally clause stops it even if another failed.
            started += [f.result() for f in starting.values() if f.exception() is None]
            for name, future in starting.items():
                targets.append((name, future.result().url, SERVERS[name][1]))
        n = args.requests
        print(f"{n} simultaneous GET /slow requests (each waits {SLOW * 1000:.0f} ms) per server\n")
        print(f"{'server':<22} {'wall s':>7} {'req/s':>8} {'floor s':>8} {'ok':>5}")
        for name, url, workers in targets:
            wall, ok = asyncio.run(fire(url, n))
            print(f"{name:<22} {wall:>7.2f} {n / wall:>8.0f} {floor(n, workers):>8.2f} "
                  f"{ok:>5}", flush=True)
        print("\nfloor: N / workers x 0.1 s for the pool; 0.1 s for an async server.")
    except serving.ServerFailed as exc:
        raise SystemExit(str(exc)) from None
    finally:
        for server in started:
            server.stop()  # Ctrl-C by PID: every server stops cleanly on it

if __name__ == "__main__":
    main()
