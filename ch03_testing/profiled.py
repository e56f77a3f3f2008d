"""Profiling per request: pyinstrument hooks that write one profile file per request.

What it shows: a ``before_request`` hook starts pyinstrument's profiler and an
``after_request`` hook stops it and writes the profile as text, named after
the request's view, into ``PROFILE_DIR``. With ``PROFILE_DIR`` unset the hooks
do nothing: profiling is switched on by configuration, not by editing code.
``async_mode="enabled"`` makes pyinstrument follow this request's task only.

Run it:   PROFILE_DIR=/tmp/profiles python ch03_testing/profiled.py   (PORT=8240 by default)
Ask it:   curl -i http://127.0.0.1:8240/fib/25     -> 200 {"n": 25, "fib": 75025}
                                                      X-Profile: /tmp/profiles/...-fibonacci_view.txt
          curl -i http://127.0.0.1:8240/fib/99     -> 400 {"error": "n must be between 0 and 30"}
Then:     cat /tmp/profiles/*fibonacci_view.txt    (where the time went, view by view)
"""

import os
import time
from pathlib import Path

from pyinstrument import Profiler
from quart import Quart, g, request

app = Quart(__name__)
app.config["PROFILE_DIR"] = os.environ.get("PROFILE_DIR") or None
MAX_N = 30


def fibonacci(n):
    # Slow on purpose (exponential): something worth seeing in a profile.
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


@app.route("/fib/<int:n>")
async def fibonacci_view(n):
    if n > MAX_N:
        return {"error": f"n must be between 0 and {MAX_N}"}, 400
    return {"n": n, "fib": fibonacci(n)}


@app.errorhandler(404)
async def not_found(error):
    return {"error": "not found: try /fib/<n>"}, 404


@app.before_request
async def start_profiler():
    if app.config["PROFILE_DIR"]:
        g.profiler = Profiler(interval=0.0005, async_mode="enabled")
        g.profiler.start()


@app.after_request
async def write_profile(response):
    profiler = g.pop("profiler", None)
    if profiler is None:
        return response
    profiler.stop()
    folder = Path(app.config["PROFILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    view = request.endpoint or "no_view"
    path = folder / f"{time.time_ns()}-{request.method}-{view}.txt"
    path.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
    response.headers["X-Profile"] = str(path)
    return response


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8240"))
    where = app.config["PROFILE_DIR"] or "off (set PROFILE_DIR to switch it on)"
    print(f"Serving on http://127.0.0.1:{port}/fib/25 (profiles: {where}; Ctrl-C to stop)",
          flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
