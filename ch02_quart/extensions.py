"""A Quart extension doing real work: quart-schema validates JSON bodies.

What it shows: an extension is a package (``quart_schema``) you attach to the
app (``QuartSchema(app)``); it then adds decorators and routes. Here
``@validate_request(Order)`` parses the JSON body into an ``Order``
dataclass before the view runs, and the view receives ``data: Order``. A body
that does not fit raises ``RequestSchemaValidationError``; our handler turns
it into a 400 that says which field is wrong. A body that is not JSON at all
gets a 400 saying so. The extension also publishes the API's OpenAPI
description at ``/openapi.json`` (and docs at ``/docs``) for free.

The book's ``import quart.flask_patch`` (to run Flask extensions on Quart) is
gone since Quart 0.19 (``ModuleNotFoundError``): use Quart-native extensions
such as quart-schema, quart-auth, quart-cors.

Run it:   python ch02_quart/extensions.py        (PORT=8111 by default)
Ask it:   curl -i -H 'Content-Type: application/json' \\
               --data '{"item": "burger", "quantity": 2}' http://127.0.0.1:8111/orders
Expect:   201, {"item": "burger", "quantity": 2, "total": 17.0}
          {"item": "burger"} (no quantity) or {"quantity": "many"}: 400,
          {"error": "invalid order", "detail": [...which field, why...]};
          "{not json": 400 {"error": "the body is not valid JSON", ...}.
"""

import json
import os
from dataclasses import dataclass

from pydantic import Field
from quart import Quart, request
from quart_schema import QuartSchema, RequestSchemaValidationError, validate_request
from werkzeug.exceptions import BadRequest

PRICES = {"burger": 8.5, "fries": 3.0}

app = Quart(__name__)
QuartSchema(app)


@dataclass
class Order:
    item: str
    quantity: int = Field(gt=0, le=100)


@app.post("/orders")
@validate_request(Order)
async def create_order(data: Order):
    if data.item not in PRICES:
        return {"error": f"unknown item {data.item!r}", "menu": sorted(PRICES)}, 400
    return {"item": data.item, "quantity": data.quantity,
            "total": PRICES[data.item] * data.quantity}, 201


@app.errorhandler(RequestSchemaValidationError)
async def invalid_order(error):
    detail = error.validation_error
    # pydantic's errors() lists each bad field: where it is and what is wrong
    errors = detail.errors(include_url=False) if hasattr(detail, "errors") else str(detail)
    return {"error": "invalid order", "detail": errors}, 400


@app.errorhandler(BadRequest)
async def bad_request(error):
    # Werkzeug's message is generic; the JSON parser's own message says where it broke.
    try:
        json.loads(await request.get_data(as_text=True))
    except ValueError as exc:
        return {"error": "the body is not valid JSON", "detail": str(exc)}, 400
    return {"error": "bad request", "detail": error.description}, 400


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8111"))
    print(f"Serving on http://127.0.0.1:{port}/orders (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port)
