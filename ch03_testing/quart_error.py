"""Errors as JSON: ``/api`` raises, and the 500 handler answers; the 404 handler beside it.

What it shows: the book's functional-test target. ``@app.errorhandler(500)``
and ``@app.errorhandler(404)`` replace Quart's HTML error pages with JSON a
client can read (the 404 with the book's ``text_404`` as its description).
``/api`` raises on purpose, so the 500 handler has work to do.

Run it:   python ch03_testing/quart_error.py        (PORT=8200 by default)
Ask it:   curl -i http://127.0.0.1:8200/api          curl -i http://127.0.0.1:8200/nope
Expect:   /api  -> 500 {"Error": "500 Internal Server Error: The server encountered ..."}
          /nope -> 404 {"Error": "404 Not Found: ...", "description": "The requested URL ..."}
          The client never sees the exception; its traceback goes to the server's log.
"""

import os

from quart import Quart

app = Quart(__name__)

text_404 = (
    "The requested URL was not found on the server.  "
    "If you entered the URL manually please check your "
    "spelling and try again."
)


@app.errorhandler(500)
async def error_handling_500(error):
    # ``error`` is an InternalServerError wrapping the exception: its text is generic.
    return {"Error": str(error)}, 500


@app.errorhandler(404)
async def error_handling_404(error):
    return {"Error": str(error), "description": text_404}, 404


@app.route("/api")
async def my_microservice():
    raise TypeError("This is a testing exception.")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8200"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
