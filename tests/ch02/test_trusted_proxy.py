"""ch02_quart.trusted_proxy: X-Forwarded-For is believed only from a trusted proxy."""

import pytest

from ch02_quart.trusted_proxy import TrustedProxyMiddleware, app, make_app

PROXY = ("127.0.0.1", 50000)  # the TCP peer when our own proxy connects
STRANGER = ("198.51.100.2", 50000)  # a client connecting directly


async def ask(application, client, xff=None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    response = await application.test_client().get(
        "/api", headers=headers, scope_base={"client": client})
    assert response.status_code == 200
    return await response.get_json()


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


async def test_a_chain_of_our_own_proxies_is_skipped():
    two_proxies = make_app(trusted_proxies=("127.0.0.1", "10.3.4.5"))
    assert (await ask(two_proxies, PROXY, "203.0.113.7, 10.3.4.5"))["Hello"] == "203.0.113.7"


async def test_with_no_trusted_proxies_the_header_is_never_believed():
    untrusting = make_app(trusted_proxies=())
    assert (await ask(untrusting, PROXY, "203.0.113.7"))["Hello"] == "127.0.0.1"


@pytest.mark.parametrize("xff", ["garbage", "unknown, ", ",,,", "127.0.0.1"])
async def test_junk_or_only_proxies_keeps_the_peer(xff):
    assert (await ask(app, PROXY, xff))["Hello"] == "127.0.0.1"


async def test_the_servers_scope_is_not_mutated():
    scope = {"type": "http", "client": ("127.0.0.1", 1),
             "headers": [(b"x-forwarded-for", b"203.0.113.7")]}
    original = {**scope, "headers": list(scope["headers"])}
    seen = []

    async def endpoint(s, receive, send):
        seen.append(s)

    await TrustedProxyMiddleware(endpoint)(scope, None, None)
    assert scope == original
    assert seen[0]["client"] == ("203.0.113.7", 0)


async def test_unknown_path_and_lifespan():
    async with app.test_app() as test_app:  # lifespan scopes pass through the middleware
        assert (await test_app.test_client().get("/nope")).status_code == 404
