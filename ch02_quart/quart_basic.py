"""The smallest Quart microservice: one JSON endpoint.

What it shows: a Quart app, one route, and a dict returned from an async
view becoming a JSON response.

Run it:   python ch02_quart/quart_basic.py        (PORT=8100 by default)
Ask it:   curl -i http://127.0.0.1:8100/api
Expect:   200, Content-Type: application/json, {"Hello": "World!"}
          Any other path gives 404.
"""

import os

from quart import Quart

app = Quart(__name__)


@app.route("/api")
async def my_microservice():
    return {"Hello": "World!"}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8100"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    # Quart's development server: fine for learning; chapter 1 serves with Hypercorn.
    # No reloader: its 1 s file poll would delay Ctrl-C (see the chapter README).
    app.run(host="127.0.0.1", port=port, use_reloader=False)
