"""A Quart extension doing real work: quart-schema validates JSON bodies.

What it shows: an extension is a package (``quart_schema``) you attach to the
app (``QuartSchema(app)``); it then adds decorators and routes. Here
``@validate_request(Order)`` parses the JSON body into an ``Order``
dataclass before the view runs, and the view receives ``data: Order``. A body
that does not fit raises ``RequestSchemaValidationError``; our handler turns
it into a 400 that says which field is wrong. A body that is not JSON at all
(or not UTF-8, or nested over 32 levels) gets a 400 saying so; over 16 KB, a 413.
``strict=True`` refuses ``true`` or ``"2"`` as a quantity. The extension also publishes the API's OpenAPI
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
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

PRICES = {"burger": 8.5, "fries": 3.0}

app = Quart(__name__)
app.config["MAX_CONTENT_LENGTH"] = 16 * 1024  # an order is tiny; Quart's default is 16 MB
QuartSchema(app)


@dataclass
class Order:
    item: str
    # strict: pydantic would otherwise take true as 1 and "2" as 2.
    quantity: int = Field(gt=0, le=100, strict=True)


MAX_DEPTH = 32  # an order is two levels deep; no real client nests 32


def depth(value) -> int:
    """How many levels of lists and objects nest in ``value`` (a loop: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1)
                         for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def json_problem(body: bytes) -> str | None:
    """Why the body is not JSON we can read, or None. The parser's own message says where."""
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8: {exc.reason} at byte {exc.start}"
    except RecursionError:  # Python <= 3.13's parser stops near 1,000 levels
        return "nested too deeply"
    except ValueError as exc:
        return str(exc)
    # Python 3.14's parser goes as deep as its C stack allows (16 KB of [[[ fits):
    # our own limit, so every Python answers the same
    return "nested too deeply" if depth(value) > MAX_DEPTH else None


@app.before_request
async def readable_json():
    # Quart's get_json lets a UnicodeDecodeError or a RecursionError through (a 500):
    # check the body first, and answer a client's mistake with a 400.
    if request.is_json:
        problem = json_problem(await request.get_data())
        if problem:
            return {"error": "the body is not valid JSON", "detail": problem}, 400
    return None


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
    # A body sent without Content-Type: application/json is only parsed by the view.
    problem = json_problem(await request.get_data())
    if problem:
        return {"error": "the body is not valid JSON", "detail": problem}, 400
    return {"error": "bad request", "detail": error.description}, 400


@app.errorhandler(RequestEntityTooLarge)
async def too_large(error):
    return {"error": "the body is too large",
            "detail": f"at most {app.config['MAX_CONTENT_LENGTH']} bytes"}, 413


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8111"))
    print(f"Serving on http://127.0.0.1:{port}/orders (Ctrl-C to stop)", flush=True)
    # no reloader: Quart 0.23's runs a second process, whose Ctrl-C prints a traceback
    app.run(host="127.0.0.1", port=port, use_reloader=False)
