"""ASGI middleware: the book's X-Forwarded-For middleware, fixed.

What it shows: ``app.asgi_app`` can be wrapped by any ASGI callable that sees
(and may change) the ``scope`` before Quart does. ``XFFMiddleware`` pretends a
chain of proxies added ``X-Forwarded-For`` when the client sent none. In ASGI
``scope["headers"]`` is a list of lower-case ``(bytes, bytes)`` pairs (the
book's ``raw_items()`` fails on it); the fix builds a new list in a copy of
the scope. The view believes the header's first entry, as the book's does:
``trusted_proxy.py`` shows why a real service must not.

Run it:   python ch02_quart/middleware.py        (PORT=8110 by default)
Ask it:   curl -i http://127.0.0.1:8110/api
Expect:   {"Hello": "10.1.1.1", "X-Forwarded-For": "10.1.1.1, 10.3.4.5"};
          with -H 'X-Forwarded-For: 203.0.113.7' the header is kept: {"Hello": "203.0.113.7", ...}.
          /nope gives 404.
"""

import os

from quart import Quart, request


class XFFMiddleware:
    def __init__(self, app, real_ip="10.1.1.1"):
        self.app = app
        self.real_ip = real_ip

    async def __call__(self, scope, receive, send):
        # Lifespan scopes have no headers; ASGI header names are lower-case bytes.
        if scope["type"] == "http" and not any(
                name == b"x-forwarded-for" for name, _ in scope["headers"]):
            headers = [*scope["headers"],
                       (b"x-forwarded-for", f"{self.real_ip}, 10.3.4.5".encode())]
            scope = {**scope, "headers": headers}  # a copy: never mutate the server's scope
        return await self.app(scope, receive, send)


app = Quart(__name__)
app.asgi_app = XFFMiddleware(app.asgi_app)


@app.route("/api")
async def my_microservice():
    forwarded = request.headers.get("X-Forwarded-For")
    ip = forwarded.split(",")[0].strip() if forwarded else request.remote_addr
    return {"Hello": ip, "X-Forwarded-For": forwarded}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8110"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
