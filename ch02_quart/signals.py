"""Signals: telling other parts of the app that something happened.

What it shows: a receiver is ``connect``-ed to a signal; whoever calls ``send``
(Quart itself, or our view) calls every receiver with the sender and keyword
arguments. Two signals: Quart's ``request_finished`` (``response=``, after every
request) and a custom ``order_placed`` (a ``blinker.Namespace``) sent by
``POST /orders/<id>`` with ``order_id=``. Both receivers are ``async def`` and
record what they got in ``EVENTS``, which ``GET /events`` shows.

Run it:   python ch02_quart/signals.py        (PORT=8109 by default)
Ask it:   curl -i -X POST http://127.0.0.1:8109/orders/7   then   curl -i http://127.0.0.1:8109/events
Expect:   201 {"order_id": 7}; the events list shows {"signal": "order-placed", "order_id": 7}
          and the request-finished events with their status codes. POST /orders/abc
          gives 404 (the int converter refuses it), GET /orders/7 gives 405.
"""

import os
from collections import deque

from blinker import Namespace
from quart import Quart, request, request_finished

app = Quart(__name__)

_signals = Namespace()
order_placed = _signals.signal("order-placed")

# The last events the receivers saw (bounded: a demo must not grow forever).
EVENTS = deque(maxlen=50)


async def finished(sender, response, **extra):
    print(f"About to send a Response: {response.status_code} for {request.path}", flush=True)
    EVENTS.append({"signal": "request-finished", "path": request.path,
                   "status": response.status_code})


async def on_order_placed(sender, order_id, **extra):
    print(f"Order {order_id} placed", flush=True)
    EVENTS.append({"signal": "order-placed", "order_id": order_id})


# Connect with sender=app: only this app's events, not every Quart app in the process.
request_finished.connect(finished, app)
order_placed.connect(on_order_placed, app)


@app.route("/api")
async def my_microservice():
    return {"hello": "world"}


@app.post("/orders/<int:order_id>")
async def place_order(order_id):
    # send_async awaits async receivers; _sync_wrapper lets plain functions connect too.
    await order_placed.send_async(app, _sync_wrapper=app.ensure_async, order_id=order_id)
    return {"order_id": order_id}, 201


@app.route("/events")
async def events():
    return list(EVENTS)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8109"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
