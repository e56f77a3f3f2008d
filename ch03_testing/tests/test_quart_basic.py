"""Chapter 3's tests of chapter 2's ch02_quart.quart_basic: functional and integration.

Functional: Quart's test client, in the book's unittest style and in pytest style
(the error handling lesson, ``test_quart_error.py``, compares the two at length).
Integration: no test client, no mocks - Hypercorn serves the app inside the test's
event loop, on a socket we bind to port 0 (the OS picks a free port, so there is no
race), and httpx asks over HTTP. Run only these with ``pytest -m integration``.
"""

import asyncio
import json
import unittest

import httpx
import pytest

from ch02_quart import quart_basic
from ch02_quart.quart_basic import app as basic_app
from workbook.serving import serve_in_loop


class TestApp(unittest.IsolatedAsyncioTestCase):
    async def test_help(self):
        # (a module-level name starting with "test" would make pytest try to collect it)
        tested_app = quart_basic.app
        app = tested_app.test_client()
        hello = await app.get("/api")
        body = json.loads(str(await hello.get_data(), "utf-8"))
        self.assertEqual(body["Hello"], "World!")


async def test_help():
    response = await basic_app.test_client().get("/api")
    assert response.status_code == 200
    assert await response.get_json() == {"Hello": "World!"}


@pytest.mark.integration
async def test_basic_over_real_http():
    async with (await serve_in_loop(basic_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        response = await client.get("/api")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["server"] == "hypercorn-h11"
    assert response.json() == {"Hello": "World!"}


@pytest.mark.integration
async def test_many_concurrent_requests():
    async with (await serve_in_loop(basic_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        responses = await asyncio.gather(*(client.get("/api") for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50


if __name__ == "__main__":
    unittest.main()
