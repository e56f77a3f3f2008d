"""ch02_quart.middleware: the book's XFFMiddleware, fixed: ASGI headers are byte pairs."""

import pytest
from quart import Quart

from ch02_quart.middleware import XFFMiddleware, app


async def ask(xff=None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    response = await app.test_client().get("/api", headers=headers)
    assert response.status_code == 200
    return await response.get_json()


def test_the_books_middleware_error_explained():
    # In ASGI, scope["headers"] is a plain list of (bytes, bytes) pairs, lower-case names.
    scope_headers = [(b"host", b"localhost"), (b"x-forwarded-for", b"1.2.3.4")]
    with pytest.raises(AttributeError, match="'list' object has no attribute 'raw_items'"):
        scope_headers.raw_items()
    # and the book's check could never be true: that is a WSGI environ key, not an ASGI name
    assert "HTTP_X_FORWARDED_FOR" not in scope_headers


async def test_scope_headers_really_are_byte_pairs():
    seen = {}

    async def peek(scope, receive, send):
        seen["headers"] = scope["headers"]
        await inner(scope, receive, send)

    probe = Quart(__name__)
    inner = probe.asgi_app
    probe.asgi_app = peek

    @probe.route("/")
    async def index():
        return ""

    await probe.test_client().get("/", headers={"X-Forwarded-For": "1.2.3.4"})
    assert isinstance(seen["headers"], list)
    assert (b"x-forwarded-for", b"1.2.3.4") in seen["headers"]


async def test_a_chain_is_added_when_the_header_is_missing():
    assert await ask() == {"Hello": "10.1.1.1", "X-Forwarded-For": "10.1.1.1, 10.3.4.5"}


async def test_a_header_the_client_sent_is_left_alone():
    # ... and believed, as the book's view does: trusted_proxy.py shows why that is unsafe.
    assert await ask("203.0.113.7") == {"Hello": "203.0.113.7", "X-Forwarded-For": "203.0.113.7"}


async def test_the_servers_scope_is_not_mutated():
    scope = {"type": "http", "headers": [(b"host", b"x")], "client": ("127.0.0.1", 1)}
    original = {**scope, "headers": list(scope["headers"])}
    seen = []

    async def endpoint(s, receive, send):
        seen.append(s)

    await XFFMiddleware(endpoint, real_ip="192.0.2.1")(scope, None, None)
    assert scope == original
    assert (b"x-forwarded-for", b"192.0.2.1, 10.3.4.5") in seen[0]["headers"]


async def test_unknown_path():
    response = await app.test_client().get("/nope")
    assert response.status_code == 404


async def test_lifespan_passes_through():
    # Startup and shutdown ("lifespan" scopes, no headers) travel through the middleware:
    # one that choked on a scope without headers would make test_app() raise here.
    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/api")
        assert (await response.get_json())["Hello"] == "10.1.1.1"
