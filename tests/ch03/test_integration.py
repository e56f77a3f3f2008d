"""Integration tests: no test client, no mocks - Hypercorn serves the app on a real socket.

The apps (ch02_quart.quart_basic, ch03_testing.quart_error) are served by
Hypercorn inside the test's event loop, on a socket we bind to port 0 (the OS
picks a free port, so there is no race), and asked over HTTP with httpx.
Run only these with ``pytest -m integration``.
"""

import asyncio
import contextlib
import socket

import httpx
import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config

from ch02_quart.quart_basic import app as basic_app
from ch03_testing.quart_error import app as error_app

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def served(app):
    """Serve ``app`` with Hypercorn on a fresh loopback port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = Config()
    # Hypercorn adopts our already-bound socket (and closes it when it stops)
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
    try:
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            # the socket already listens, so the first request simply waits in its backlog
            yield client
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_basic_over_real_http():
    async with served(basic_app) as client:
        response = await client.get("/api")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["server"] == "hypercorn-h11"
    assert response.json() == {"Hello": "World!"}


async def test_error_handlers_over_real_http():
    async with served(error_app) as client:
        not_found = await client.get("/nope")
        crashed = await client.get("/crash")
        ok = await client.get("/api")
    assert not_found.status_code == 404
    assert not_found.json()["description"].startswith("The requested URL was not found")
    assert crashed.status_code == 500
    assert crashed.json()["Error"].startswith("500 Internal Server Error")
    assert ok.json() == {"Hello": "World!"}


async def test_many_concurrent_requests():
    async with served(basic_app) as client:
        responses = await asyncio.gather(*(client.get("/api") for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
