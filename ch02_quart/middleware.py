"""ASGI middleware, and whom to believe about the client's address.

What it shows: ``app.asgi_app`` can be wrapped by any ASGI callable that sees
(and may change) the ``scope`` before Quart does. Two middlewares:

``XFFMiddleware`` is the book's, fixed. It pretends a chain of proxies added
``X-Forwarded-For``. The book's version fails with ``AttributeError: 'list'
object has no attribute 'raw_items'`` because in ASGI ``scope["headers"]`` is
a plain ``list`` of ``(name, value)`` pairs of *bytes*, names in lower case:
there is no ``raw_items()``, ``"HTTP_X_FORWARDED_FOR"`` is a WSGI ``environ``
key that is never in that list, and replacing the list with a Werkzeug
``Headers`` object would break the server's contract anyway. The fix builds a
new list of byte pairs in a copy of the scope.

``TrustedProxyMiddleware`` is the security lesson. ``X-Forwarded-For`` is
just a header: any client can send ``X-Forwarded-For: 1.2.3.4``. The book's
view believes its first entry, so anybody can claim any address (and dodge an
IP ban or rate limit). Believe the header only when the TCP peer is a proxy
you run, and then take the right-most address that is not one of your
proxies: that is the one your own proxy saw. Werkzeug's ``ProxyFix`` does the
same for WSGI with a count of proxies.

Trusted proxies come from ``TRUSTED_PROXIES`` (comma-separated IPs, default
``127.0.0.1`` so a local curl plays the proxy); ``SIMULATE_PROXY=1`` adds the
book's middleware in front.

Run it:   python ch02_quart/middleware.py        (PORT=8110 by default)
Ask it:   curl -i -H 'X-Forwarded-For: 203.0.113.7' http://127.0.0.1:8110/api
Expect:   {"Hello": "203.0.113.7", "X-Forwarded-For": "203.0.113.7"}: the
          peer 127.0.0.1 is a trusted proxy, so its header is believed.
          With TRUSTED_PROXIES= (none) the same request gets
          {"Hello": "127.0.0.1", ...}: the header is shown but not believed.
          /nope gives 404.
"""

import ipaddress
import os

from quart import Quart, request


def header_values(scope, name: bytes) -> list[bytes]:
    """All values of one header; ASGI header names are lower-case bytes."""
    return [value for key, value in scope["headers"] if key == name]


class XFFMiddleware:
    """The book's middleware, fixed: adds a fake proxy chain when the header is absent."""

    def __init__(self, app, real_ip="10.1.1.1"):
        self.app = app
        self.real_ip = real_ip

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and not header_values(
                scope, b"x-forwarded-for"):
            headers = [*scope["headers"],
                       (b"x-forwarded-for", f"{self.real_ip}, 10.3.4.5".encode())]
            scope = {**scope, "headers": headers}  # a copy: never mutate the server's scope
        return await self.app(scope, receive, send)


class TrustedProxyMiddleware:
    """Set ``scope["client"]`` from X-Forwarded-For, only when the peer is a trusted proxy."""

    def __init__(self, app, trusted_proxies=("127.0.0.1",)):
        self.app = app
        self.trusted = {ipaddress.ip_address(ip) for ip in trusted_proxies}

    def is_trusted(self, address: str) -> bool:
        try:
            return ipaddress.ip_address(address) in self.trusted
        except ValueError:  # not an IP at all ("unknown", garbage)
            return False

    async def __call__(self, scope, receive, send):
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self.is_trusted(client[0]):
            hops = [hop.strip() for value in header_values(scope, b"x-forwarded-for")
                    for hop in value.decode("latin-1").split(",") if hop.strip()]
            # Walk from our side: skip our own proxies; the first other hop is the client.
            for hop in reversed(hops):
                if not self.is_trusted(hop):
                    if self.valid(hop):
                        scope = {**scope, "client": (hop, 0)}
                    break
        return await self.app(scope, receive, send)

    @staticmethod
    def valid(address: str) -> bool:
        try:
            ipaddress.ip_address(address)
            return True
        except ValueError:
            return False


def make_app(trusted_proxies=("127.0.0.1",), simulate_proxy=False) -> Quart:
    app = Quart(__name__)
    app.asgi_app = TrustedProxyMiddleware(app.asgi_app, trusted_proxies)
    if simulate_proxy:
        app.asgi_app = XFFMiddleware(app.asgi_app)  # outermost: runs first

    @app.route("/api")
    async def my_microservice():
        # remote_addr is scope["client"], already corrected by the middleware.
        return {"Hello": request.remote_addr,
                "X-Forwarded-For": request.headers.get("X-Forwarded-For")}

    return app


def trusted_from_env() -> list[str]:
    return [ip.strip() for ip in os.environ.get("TRUSTED_PROXIES", "127.0.0.1").split(",")
            if ip.strip()]


app = make_app(trusted_from_env(), simulate_proxy=os.environ.get("SIMULATE_PROXY") == "1")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8110"))
    print(f"trusted proxies: {trusted_from_env() or 'none'}", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port)
