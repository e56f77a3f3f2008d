"""Signals: telling other parts of the app that something happened.

What it shows: a receiver is connected to a signal with ``connect``; whoever
calls ``send`` (here Quart itself, or our view) calls every receiver with the
sender and keyword arguments. Quart sends its built-in signals with
``send_async``, so receivers may be ``async def``. Two signals here:

- Quart's ``request_finished``, sent with ``response=`` after every request;
- a custom ``order_placed`` signal (a ``blinker.Namespace``), sent by
  ``POST /orders`` with ``order_id=`` and ``quantity=``.

Both receivers record what they got in ``EVENTS``, which ``GET /events``
shows: the proof that they ran, and with which arguments.

Run it:   python ch02_quart/signals.py        (PORT=8109 by default)
Ask it:   curl -i -X POST -H 'Content-Type: application/json' \\
               --data '{"quantity": 2}' http://127.0.0.1:8109/orders/7
          curl -i http://127.0.0.1:8109/events
Expect:   201 {"order_id": 7, "quantity": 2}; the events list shows
          {"signal": "order-placed", "order_id": 7, "quantity": 2} and the
          request-finished events with their status codes.
          A body that is not JSON, or a quantity that is not a positive
          integer, gives 400 with a message; /nope gives 404.
"""

import json
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


async def on_order_placed(sender, order_id, quantity, **extra):
    print(f"Order {order_id} placed: {quantity} item(s)", flush=True)
    EVENTS.append({"signal": "order-placed", "order_id": order_id, "quantity": quantity})


# Connect with sender=app: only this app's events, not every Quart app in the process.
request_finished.connect(finished, app)
order_placed.connect(on_order_placed, app)


@app.route("/api")
async def my_microservice():
    return {"hello": "world"}


@app.route("/orders/<int:order_id>", methods=["POST"])
async def place_order(order_id):
    try:
        body = json.loads(await request.get_data(as_text=True))
    except ValueError as exc:
        return {"error": f"the body is not valid JSON: {exc}"}, 400
    if not isinstance(body, dict):
        return {"error": "send a JSON object, e.g. {\"quantity\": 2}"}, 400
    quantity = body.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        return {"error": "quantity must be a positive integer"}, 400
    # send_async awaits async receivers; _sync_wrapper lets plain functions connect too.
    await order_placed.send_async(app, _sync_wrapper=app.ensure_async,
                                  order_id=order_id, quantity=quantity)
    return {"order_id": order_id, "quantity": quantity}, 201


@app.route("/events")
async def events():
    return list(EVENTS)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8109"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port)
