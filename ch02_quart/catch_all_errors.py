"""JSON for every HTTP error: one handler registered for every error code.

What it shows: ``werkzeug.exceptions.default_exceptions`` maps each code
(400, 401, ... 505) to its exception class; registering one handler for each
makes every error JSON: ``{"code", "description", "message"}``. An exception
that is not an HTTP error reaches the 500 handler as an
``InternalServerError`` wrapping it, so it is JSON too, without its message.

Run it:   python ch02_quart/catch_all_errors.py        (PORT=8115 by default)
Ask it:   curl -i http://127.0.0.1:8115/api
Expect:   500 {"code": 500, "description": "The server encountered...",
          "message": "500 Internal Server Error: ..."}.
          /nope: 404 JSON; DELETE /api: 405 JSON; /abort/418: 418 JSON
          ("I'm a teapot"); /abort/<any code Werkzeug knows> the same way.
"""

import os

from quart import Quart, abort, jsonify
from werkzeug.exceptions import HTTPException, default_exceptions


def jsonify_errors(app):
    def error_handling(error):
        if not isinstance(error, HTTPException):  # defensive: handlers get HTTP errors here
            error = default_exceptions[500]()
        result = {"code": error.code, "description": error.description,
                  "message": str(error)}
        resp = jsonify(result)
        resp.status_code = result["code"]
        return resp

    for code in default_exceptions:
        app.register_error_handler(code, error_handling)
    return app


app = Quart(__name__)
app = jsonify_errors(app)


@app.route("/api")
async def my_microservice():
    raise TypeError("Some exception")


@app.route("/abort/<int:code>")
async def abort_with(code):
    if code not in default_exceptions:
        return {"code": 400, "description": f"{code} is not an HTTP error code Werkzeug knows",
                "message": "400 Bad Request"}, 400
    abort(code)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8115"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
