"""Integration tests: no test client, no mocks - Hypercorn serves the app on a real socket.

The apps (ch02_quart.quart_basic, ch03_testing.quart_error) are served by
Hypercorn inside the test's event loop, on a socket we bind to port 0 (the OS
picks a free port, so there is no race), and asked over HTTP with httpx.
Run only these with ``pytest -m integration``.
"""

import asyncio

import httpx
import pytest

from ch02_quart.quart_basic import app as basic_app
from ch03_testing.quart_error import app as error_app
from workbook.serving import serve_in_loop

pytestmark = pytest.mark.integration


async def test_basic_over_real_http():
    async with (await serve_in_loop(basic_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        response = await client.get("/api")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["server"] == "hypercorn-h11"
    assert response.json() == {"Hello": "World!"}


async def test_error_handlers_over_real_http():
    async with (await serve_in_loop(error_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        not_found = await client.get("/nope")
        crashed = await client.get("/crash")
        ok = await client.get("/api")
    assert not_found.status_code == 404
    assert not_found.json()["description"].startswith("The requested URL was not found")
    assert crashed.status_code == 500
    assert crashed.json()["Error"].startswith("500 Internal Server Error")
    assert ok.json() == {"Hello": "World!"}


async def test_many_concurrent_requests():
    async with (await serve_in_loop(basic_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        responses = await asyncio.gather(*(client.get("/api") for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
