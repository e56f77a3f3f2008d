"""Whom to believe about the client's address: X-Forwarded-For from trusted proxies only.

What it shows: ``X-Forwarded-For`` is just a header, so any client can claim
any address. An ASGI middleware sets ``scope["client"]`` (``request.remote_addr``)
from it only when the TCP peer is a proxy we run, and then takes the right-most
address that is not one of ours: the one our own proxy saw. Trusted proxies
come from ``TRUSTED_PROXIES`` (comma-separated IPs; default ``127.0.0.1``, so a
local curl plays the proxy).

Run it:   python ch02_quart/trusted_proxy.py        (PORT=8117 by default)
Ask it:   curl -i -H 'X-Forwarded-For: 6.6.6.6, 203.0.113.7' http://127.0.0.1:8117/api
Expect:   {"Hello": "203.0.113.7", ...}: the spoofed left entry is ignored.
          With TRUSTED_PROXIES= (none) the header is shown but Hello stays 127.0.0.1;
          a junk header ("garbage") keeps the peer's address. /nope gives 404.
"""

import ipaddress
import os

from quart import Quart, request


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


class TrustedProxyMiddleware:
    def __init__(self, app, trusted_proxies=("127.0.0.1",)):
        self.app = app
        self.trusted = {ipaddress.ip_address(ip) for ip in trusted_proxies}

    def is_trusted(self, address: str) -> bool:
        return is_ip(address) and ipaddress.ip_address(address) in self.trusted

    async def __call__(self, scope, receive, send):
        client = scope.get("client")
        if scope["type"] == "http" and client and self.is_trusted(client[0]):
            hops = [hop.strip() for name, value in scope["headers"] if name == b"x-forwarded-for"
                    for hop in value.decode("latin-1").split(",") if hop.strip()]
            # Walk from our side: skip our own proxies; the first other hop is the client.
            for hop in reversed(hops):
                if not self.is_trusted(hop):
                    if is_ip(hop):
                        scope = {**scope, "client": (hop, 0)}  # a copy, not the server's
                    break
        return await self.app(scope, receive, send)


def make_app(trusted_proxies=("127.0.0.1",)) -> Quart:
    app = Quart(__name__)
    app.asgi_app = TrustedProxyMiddleware(app.asgi_app, trusted_proxies)

    @app.route("/api")
    async def my_microservice():
        # remote_addr is scope["client"], already corrected by the middleware.
        return {"Hello": request.remote_addr,
                "X-Forwarded-For": request.headers.get("X-Forwarded-For")}

    return app


def trusted_from_env() -> list[str]:
    return [ip.strip() for ip in os.environ.get("TRUSTED_PROXIES", "127.0.0.1").split(",")
            if ip.strip()]


app = make_app(trusted_from_env())


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8117"))
    print(f"trusted proxies: {trusted_from_env() or 'none'}", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
