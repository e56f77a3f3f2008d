"""``g``: data for the current request, set in ``before_request``.

What it shows: ``g`` lives in the app context of one request; a
``before_request`` function fills it and every view (and helper) called for
that request reads it. Here ``g.user`` is the HTTP Basic username, or
``Anonymous``. The book writes ``request.authorization['username']``; today
``request.authorization`` is an ``Authorization`` object and the idiomatic
read is ``.username``. Note this only *identifies*: the password is not
checked (authorization.py shows the check).

Run it:   python ch02_quart/globals.py        (PORT=8108 by default)
Ask it:   curl -i -u alice:x http://127.0.0.1:8108/api
Expect:   200, {"Hello": "alice"}; without -u: {"Hello": "Anonymous"}.
          /nope gives 404.
"""

import os

from quart import Quart, g, request

app = Quart(__name__)


@app.before_request
async def authenticate():
    credentials = request.authorization
    g.user = credentials.username if credentials and credentials.username else "Anonymous"


@app.route("/api")
async def my_microservice():
    return {"Hello": g.user}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8108"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    # No debug=True (the notes have it): debug mode shows tracebacks to clients.
    app.run(host="127.0.0.1", port=port, use_reloader=False)
