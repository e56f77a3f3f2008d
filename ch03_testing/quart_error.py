"""Errors as JSON: Quart's 404 and 500 pages replaced by JSON bodies.

What it shows: ``@app.errorhandler(404)`` and ``@app.errorhandler(500)`` turn
Quart's HTML error pages into JSON a client can read, with the book's
``text_404`` as the description. ``/api`` answers like chapter 2's
quart_basic; ``/crash`` fails on purpose so the 500 handler has work to do.

Run it:   python ch03_testing/quart_error.py        (PORT=8200 by default)
Ask it:   curl -i http://127.0.0.1:8200/api          -> 200 {"Hello": "World!"}
          curl -i http://127.0.0.1:8200/nope         -> 404 {"Error": "404 Not Found: ...",
                                                             "description": "The requested URL ..."}
          curl -i http://127.0.0.1:8200/crash        -> 500 {"Error": "500 Internal Server Error: ..."}
          The 500 also logs the traceback on the server's console, where it belongs.
"""

import os

from quart import Quart

app = Quart(__name__)

text_404 = (
    "The requested URL was not found on the server.  "
    "If you entered the URL manually please check your "
    "spelling and try again."
)


@app.route("/api")
async def my_microservice():
    return {"Hello": "World!"}


@app.route("/crash")
async def crash():
    # A bug on purpose: the 500 handler turns it into JSON.
    raise ValueError("this view always fails")


# The book named both handlers ``error_handling``; the second silently
# replaced the first in the module (ruff F811). Distinct names fix that.
@app.errorhandler(500)
async def error_500(error):
    return {"Error": str(error)}, 500


@app.errorhandler(404)
async def error_404(error):
    return {"Error": str(error), "description": text_404}, 404


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8200"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port)
