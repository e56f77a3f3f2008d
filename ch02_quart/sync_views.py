"""Plain ``def`` views, a blocking call inside ``async def``, and the right ``await``.

What it shows: the book writes its views as plain ``def``. Quart runs such a
view in a worker thread (the loop's default executor), so its slow call holds
one thread, not the server. The same ``time.sleep`` in an ``async def`` runs on
the event loop itself: every other request waits. In an ``async def``, wait
with ``await``. Each view says which thread ran it, and when (the server's
clock) its wait began and ended, so overlapping waits can be seen.

Run it:   python ch02_quart/sync_views.py        (PORT=8116 by default)
Ask it:   seq 5 | xargs -P5 -I{} curl -s -w ' %{time_total}s\\n' localhost:8116/blocking
Expect:   {"began": ..., "ended": ..., "slept": 0.2, "thread": "MainThread",
          "view": "blocking"} five times, the last after about 1.0 s (one sleep after another); on /sync and /await all
          five take about 0.2 s. /sync's thread is a worker ("asyncio_0" ...).
          /nope gives 404; POST gives 405.
"""

import asyncio
import os
import threading
import time

from quart import Quart

app = Quart(__name__)

DELAY = 0.2  # seconds: a pretend slow call (a database, another service)


def answer(view, began):
    return {"view": view, "thread": threading.current_thread().name, "slept": DELAY,
            "began": began, "ended": time.monotonic()}


@app.get("/sync")
def sync_view():
    began = time.monotonic()
    time.sleep(DELAY)  # blocks this worker thread only
    return answer("sync", began)


@app.get("/blocking")
async def blocking_view():
    began = time.monotonic()
    time.sleep(DELAY)  # the bug: blocks the event loop, so every request waits
    return answer("blocking", began)


@app.get("/await")
async def await_view():
    began = time.monotonic()
    await asyncio.sleep(DELAY)  # the loop serves other requests meanwhile
    return answer("await", began)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8116"))
    print(f"Serving on http://127.0.0.1:{port}/sync (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
