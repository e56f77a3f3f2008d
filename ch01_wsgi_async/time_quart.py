"""The time service with Quart, served by Hypercorn (the book's framework).

What it shows: Quart is Flask's API on asyncio. Routes declare their methods,
so a wrong method is a 405; an error handler turns every HTTP error into JSON.
In production an ASGI server runs the app: here Hypercorn, started from code
with ``hypercorn.asyncio.serve`` (``app.run()`` is the development server).

Run it:   python ch01_wsgi_async/time_quart.py        (PORT=8006 by default)
Ask it:   curl -i http://127.0.0.1:8006/        and      curl -i http://127.0.0.1:8006/slow
Expect:   200, Content-Type: application/json, {"time": 1763812345.678}
          /slow awaits asyncio.sleep(0.1) and adds "slept": 0.1.
          Unknown path: JSON 404; POST /: JSON 405 with an Allow header.
"""

import asyncio
import os
import time

from quart import Quart
from werkzeug.exceptions import HTTPException

SLOW_SECONDS = 0.1

app = Quart(__name__)


@app.get("/")
async def get_time():
    return {"time": time.time()}  # a dict becomes a JSON response


@app.get("/slow")
async def slow():
    await asyncio.sleep(SLOW_SECONDS)
    return {"time": time.time(), "slept": SLOW_SECONDS}


@app.errorhandler(HTTPException)
async def json_error(error):
    # Keep the error's own headers (a 405 carries Allow), swap its HTML for JSON.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return {"error": error.code, "message": error.description}, error.code, headers


async def main(port):
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.graceful_timeout = 1  # seconds to finish in-flight requests on shutdown
    # A listen queue longer than the default: a burst of 200 clients (the
    # worker-pool lesson) would overflow it, and each dropped SYN costs its
    # client a 1-second retry (BENCHMARKS.md measures this).
    config.backlog = 1024
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    # With no shutdown_trigger, Hypercorn itself stops gracefully on Ctrl-C and SIGTERM.
    await serve(app, config)


if __name__ == "__main__":
    asyncio.run(main(int(os.environ.get("PORT", "8006"))))
