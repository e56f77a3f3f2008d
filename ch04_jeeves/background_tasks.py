"""Background work in Quart: answer at once, work afterwards, lose nothing at shutdown.

What it shows: ``POST /jobs`` answers ``202 Accepted`` at once and runs the job
with ``app.add_background_task`` (Quart keeps the task and waits for it at
shutdown); a periodic job started in ``before_serving`` sleeps on
``app.shutdown_event``, so it stops between two rounds, never in one.

Run it:   python ch04_jeeves/background_tasks.py       (PORT=8330 by default;
          TICK_SECONDS=2 sets the periodic job's interval)
Ask it:   curl -i -H 'Content-Type: application/json' \
               -d '{"name": "report", "seconds": 0.5}' http://127.0.0.1:8330/jobs
Expect:   202 {"accepted": 1, "name": "report", "seconds": 0.5} at once; then
          GET /jobs -> {"done": [{"id": 1, "name": "report", ...}], "running": 0,
          "ticks": ...}; a bad body -> 400 {"error": "..."}. Stopped while a job
          runs, it finishes the job first ("finished job 1" is printed).
"""

import asyncio
import os
import time

from quart import Quart, request
from werkzeug.exceptions import HTTPException

MAX_SECONDS = 1.0  # the jobs are pretend work; a real one would be bounded by its timeouts


def create_app() -> Quart:
    app = Quart(__name__)
    app.config["TICK_SECONDS"] = float(os.environ.get("TICK_SECONDS", "2"))
    # Long enough for any job to finish; past it Quart cancels what is left.
    app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = 10
    state = app.extensions["jobs"] = {"next_id": 1, "running": 0, "done": [], "ticks": 0}

    async def work(job_id: int, name: str, seconds: float) -> None:
        state["running"] += 1
        try:
            await asyncio.sleep(seconds)  # stands in for slow I/O: an API call, a query
            state["done"].append({"id": job_id, "name": name, "seconds": seconds,
                                  "finished_at": time.time()})
            print(f"finished job {job_id} ({name})", flush=True)
        finally:
            state["running"] -= 1

    async def tick() -> None:
        while True:
            try:
                # Sleep, but wake up at once when the server starts shutting down.
                await asyncio.wait_for(app.shutdown_event.wait(), app.config["TICK_SECONDS"])
                return
            except TimeoutError:
                state["ticks"] += 1  # one round of periodic work

    @app.before_serving
    async def start_periodic_job():
        app.add_background_task(tick)

    @app.errorhandler(HTTPException)
    async def http_error(exc: HTTPException):
        return {"error": exc.description}, exc.code

    @app.post("/jobs")
    async def submit():
        body = await request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            return {"error": "the body must be a JSON object"}, 400
        name, seconds = body.get("name"), body.get("seconds", 0)
        if not isinstance(name, str) or not 0 < len(name) <= 50:
            return {"error": "name must be a string of 1 to 50 characters"}, 400
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not 0 <= seconds <= MAX_SECONDS:
            return {"error": f"seconds must be a number from 0 to {MAX_SECONDS:g}"}, 400
        job_id = state["next_id"]
        state["next_id"] += 1
        app.add_background_task(work, job_id, name, seconds)
        return {"accepted": job_id, "name": name, "seconds": seconds}, 202

    @app.get("/jobs")
    async def jobs():
        return {"done": state["done"], "running": state["running"], "ticks": state["ticks"]}

    return app


app = create_app()


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8330"))
    print(f"Serving on http://127.0.0.1:{port}/jobs (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
