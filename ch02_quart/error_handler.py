"""A custom 500 handler: a JSON error instead of an HTML page, and no leak.

What it shows: ``@app.errorhandler(500)`` is called for any exception a view
does not handle. It receives an ``InternalServerError`` whose
``original_exception`` is the real error (``TypeError('SomeException')``).
Quart logs that one, with its traceback; the handler sends the client a
generic message: error details (messages, paths, SQL) must not leak.
``debug=True`` would bypass the handler (see the chapter README's errata).

Run it:   python ch02_quart/error_handler.py        (PORT=8114 by default)
Ask it:   curl -i http://127.0.0.1:8114/api
Expect:   500, application/json, {"Error": "Internal Server Error",
          "description": "..."}; the server log shows the TypeError.
          /nope gives Quart's ordinary 404 (only 500 is customised here).
"""

import os

from quart import Quart

app = Quart(__name__)


@app.errorhandler(500)
async def error_handling(error):
    # error.original_exception is the TypeError; Quart has already logged it,
    # with its traceback, in the server log. The client gets the generic text.
    return {"Error": error.name, "description": error.description}, 500


@app.route("/api")
async def my_microservice():
    raise TypeError("SomeException")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8114"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)  # not debug=True: see the docstring
