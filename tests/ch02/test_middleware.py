"""ch02_quart.middleware: ASGI headers are byte pairs; X-Forwarded-For is trusted only from proxies."""

import pytest
from quart import Quart

from ch02_quart.middleware import TrustedProxyMiddleware, XFFMiddleware, app, make_app

PROXY = ("127.0.0.1", 50000)  # the TCP peer when our own proxy connects
STRANGER = ("198.51.100.2", 50000)  # a client connecting directly


async def ask(application, client, xff=None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    response = await application.test_client().get(
        "/api", headers=headers, scope_base={"client": client})
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


async def test_trusted_proxy_header_is_believed():
    assert await ask(app, PROXY, "203.0.113.7") == {
        "Hello": "203.0.113.7", "X-Forwarded-For": "203.0.113.7"}


async def test_a_direct_client_cannot_choose_its_address():
    # The attack: connect directly and claim to be someone else.
    answer = await ask(app, STRANGER, "203.0.113.7")
    assert answer["Hello"] == "198.51.100.2"  # the real peer, header ignored
    assert answer["X-Forwarded-For"] == "203.0.113.7"  # still visible, just not believed


async def test_spoofed_left_entries_are_ignored_behind_a_proxy():
    # The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the address it saw.
    answer = await ask(app, PROXY, "6.6.6.6, 203.0.113.7")
    assert answer["Hello"] == "203.0.113.7"  # right-most non-proxy hop, not the first


async def test_with_no_trusted_proxies_the_header_is_never_believed():
    untrusting = make_app(trusted_proxies=())
    assert (await ask(untrusting, PROXY, "203.0.113.7"))["Hello"] == "127.0.0.1"


@pytest.mark.parametrize("xff", ["garbage", "unknown, ", ",,,", "127.0.0.1"])
async def test_junk_or_only_proxies_keeps_the_peer(xff):
    assert (await ask(app, PROXY, xff))["Hello"] == "127.0.0.1"


async def test_book_middleware_fixed_adds_a_chain_when_missing():
    simulated = make_app(trusted_proxies=("127.0.0.1", "10.3.4.5"), simulate_proxy=True)
    answer = await ask(simulated, PROXY)
    assert answer == {"Hello": "10.1.1.1", "X-Forwarded-For": "10.1.1.1, 10.3.4.5"}
    # an existing header is left alone
    assert (await ask(simulated, PROXY, "203.0.113.7"))["X-Forwarded-For"] == "203.0.113.7"


async def test_middlewares_do_not_mutate_the_servers_scope():
    scope = {"type": "http", "headers": [(b"host", b"x")], "client": ("127.0.0.1", 1)}
    original = {**scope, "headers": list(scope["headers"])}
    seen = []

    async def endpoint(s, receive, send):
        seen.append(s)

    await XFFMiddleware(TrustedProxyMiddleware(endpoint, ["127.0.0.1", "10.3.4.5"]))(
        scope, None, None)
    assert scope == original
    assert seen[0]["client"] == ("10.1.1.1", 0)


async def test_unknown_path():
    response = await app.test_client().get("/nope")
    assert response.status_code == 404


async def test_lifespan_passes_through():
    # Startup and shutdown ("lifespan" scopes) travel through both middlewares:
    # one that choked on a scope without headers would make test_app() raise here.
    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/api")
        assert "Hello" in await response.get_json()
