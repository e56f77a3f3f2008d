"""The worker-pool lesson, measured: N simultaneous requests to /slow on each server.

What it shows: every server below answers ``GET /slow`` after waiting 100 ms.
The 8-thread WSGI pool can only have 8 waits in progress, so N requests take
at least N / 8 x 0.1 s; an asynchronous server (gevent, Twisted, Tornado,
aiohttp, Quart) waits for all of them at once, so the floor is 0.1 s.

Run it:   python ch01_wsgi_async/worker_pool_lesson.py               (N=200)
          python ch01_wsgi_async/worker_pool_lesson.py --requests 50
          python ch01_wsgi_async/worker_pool_lesson.py pool=http://127.0.0.1:8008 aiohttp=http://127.0.0.1:8005
With no URLs it starts each server itself (as a subprocess on a free loopback
port), waits until it answers, measures them one at a time, and stops them.
Expect:   a table: wall time, requests/s, and the theoretical floor per server.
"""

import argparse
import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

HERE = Path(__file__).resolve().parent
SLOW = 0.1
# name: (file, workers: how many /slow waits it can have in progress; None = no limit)
SERVERS = {
    "wsgi pool (8 threads)": ("worker_pool_wsgi.py", 8),
    "gevent": ("time_gevent.py", None),
    "twisted": ("time_twisted.py", None),
    "tornado": ("time_tornado.py", None),
    "aiohttp": ("time_aiohttp.py", None),
    "quart + hypercorn": ("time_quart.py", None),
}


def start(file):
    """Start one server as a learner would (PORT in the environment); (process, url)."""
    with socket.socket() as s:  # ask the OS for a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PORT=str(port))
    # The servers import ch01_wsgi_async.time_wsgi: make the repository importable.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    process = subprocess.Popen([sys.executable, str(HERE / file)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def wait_until_ready(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # not up yet: try again shortly
    raise SystemExit(f"{url} did not answer within {timeout} s")


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

    targets, processes = [], []
    if args.urls:
        for item in args.urls:
            name, _, url = item.partition("=")
            if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
                parser.error(f"{item!r}: only loopback URLs (this fires many requests)")
            targets.append((name, url.rstrip("/"), 8 if name.startswith("pool") else None))
    else:
        for name, (file, workers) in SERVERS.items():
            process, url = start(file)
            processes.append(process)
            targets.append((name, url, workers))
    try:
        # (No processes when measuring given URLs: then there is nothing to wait for.)
        for (_, url, _), process in zip(targets, processes, strict=False):
            wait_until_ready(url, process)
        n = args.requests
        print(f"{n} simultaneous GET /slow requests (each waits {SLOW * 1000:.0f} ms) per server\n")
        print(f"{'server':<22} {'wall s':>7} {'req/s':>8} {'floor s':>8} {'ok':>5}")
        for name, url, workers in targets:
            wall, ok = asyncio.run(fire(url, n))
            print(f"{name:<22} {wall:>7.2f} {n / wall:>8.0f} {floor(n, workers):>8.2f} "
                  f"{ok:>5}", flush=True)
        print("\nfloor: N / workers x 0.1 s for the pool; 0.1 s for an async server.")
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # Ctrl-C: every server stops cleanly on it
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
