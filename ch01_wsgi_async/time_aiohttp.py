"""The time service with aiohttp (the book's asyncio example, corrected).

What it shows: an ``async def`` handler per route; ``web.json_response``;
the router answers 404 for unknown paths and 405 for a known path with the
wrong method. ``/slow`` awaits ``asyncio.sleep(0.1)``: while it waits, the
same single thread serves every other request.

Run it:   python ch01_wsgi_async/time_aiohttp.py        (PORT=8005 by default)
Ask it:   curl -i http://127.0.0.1:8005/        and      curl -i http://127.0.0.1:8005/slow
Expect:   200, Content-Type: application/json; charset=utf-8, {"time": 1763812345.678}
          /slow adds "slept": 0.1. Unknown path: 404 "404: Not Found";
          POST /: 405 "405: Method Not Allowed" with an Allow header.
"""

import asyncio
import os
import time

from aiohttp import web

SLOW_SECONDS = 0.1


async def handle(request):
    return web.json_response({"time": time.time()})


async def slow(request):
    await asyncio.sleep(SLOW_SECONDS)
    return web.json_response({"time": time.time(), "slept": SLOW_SECONDS})


def make_app():
    app = web.Application()  # the book printed web.application(): no such name
    app.router.add_get("/", handle)
    app.router.add_get("/slow", slow)
    return app


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8005"))
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    # run_app owns the loop and stops cleanly on SIGINT and SIGTERM.
    # backlog: a listen queue longer than the default 128, for the 200-client burst
    # of the worker-pool lesson (a dropped SYN costs its client a 1 s retry).
    web.run_app(make_app(), host="127.0.0.1", port=port, print=None, shutdown_timeout=1,
                backlog=1024)
