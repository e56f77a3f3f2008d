"""ch03_testing.quart_error: functional tests (in the book's unittest style, then in pytest
style) and an integration test over real HTTP.

Functional, the book's style: ``unittest.IsolatedAsyncioTestCase``. The book's test had three
typos: it imported ``app as test_app`` but used ``tested_app``; it called ``json.load``
(which reads a file) on a string; and it expected ``"WORLD!"`` where the service says
``"World!"``. Fixed here; ``python -m unittest ch03_testing/tests/test_quart_error.py`` runs
the unittest classes alone, ``pytest ch03_testing/tests/test_quart_error.py`` runs them all.

The same checks in plain pytest style follow: a fixture replaces ``setUp``, ``assert``
replaces ``self.assertEqual`` (pytest shows both sides on failure), and
``@pytest.mark.parametrize`` turns one test into many. Compare them.

Integration: no test client, no mocks - Hypercorn serves the app on a socket bound to
port 0 inside the test's event loop, asked over HTTP with httpx (``pytest -m integration``).
"""

import json
import logging
import unittest

import httpx
import pytest

from ch03_testing.quart_error import app as error_app
from ch03_testing.quart_error import text_404
from workbook.serving import serve_in_loop

# Functional, unittest style ------------------------------------------------
# The notes' to-do, "write a test for quart_error.py", answered: the book's two
# cases (the view that raises, an unknown path), each asserting the JSON body.

CRASH = ("500 Internal Server Error: The server encountered an internal error and was "
         "unable to complete your request. Either the server is overloaded or there is "
         "an error in the application.")


class TestErrors(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.app = error_app.test_client()

    async def test_raise(self):
        # /api raises TypeError: no Python exception escapes, the 500 handler answers
        with self.assertLogs(error_app.logger, level="ERROR"):
            hello = await self.app.get("/api")
        self.assertEqual(hello.status_code, 500)
        body = json.loads(str(await hello.get_data(), "utf-8"))
        self.assertEqual(body, {"Error": CRASH})

    async def test_proper_404(self):
        hello = await self.app.get("/dwdwqqwdwqd")
        self.assertEqual(hello.status_code, 404)
        # but we still get a nice JSON body
        body = json.loads(str(await hello.get_data(), "utf-8"))
        self.assertEqual(
            body["Error"],
            "404 Not Found: The requested URL was not found on the server. "
            "If you entered the URL manually please check your spelling and try again.",
        )
        self.assertEqual(body["description"], text_404)


# Functional, pytest style ---------------------------------------------------

@pytest.fixture
def client():
    return error_app.test_client()


@pytest.mark.parametrize("path", ["/dwdwqqwdwqd", "/api/", "/api/x", "/%C3%A9"])
async def test_unknown_paths_are_json_404s(client, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["Error"].startswith("404 Not Found")
    assert body["description"] == text_404


async def test_the_exception_is_a_json_500_and_is_logged(client, caplog):
    with caplog.at_level(logging.ERROR, logger=error_app.logger.name):
        response = await client.get("/api")
    assert response.status_code == 500
    assert response.content_type == "application/json"
    assert await response.get_json() == {"Error": CRASH}
    # the traceback goes to the log, not to the client
    assert "TypeError: This is a testing exception." in caplog.text
    body = await response.get_data(as_text=True)
    assert "Traceback" not in body and "testing exception" not in body


async def test_wrong_method_is_405(client):
    response = await client.post("/api")
    assert response.status_code == 405


# Integration: a real socket -------------------------------------------------

@pytest.mark.integration
async def test_error_handlers_over_real_http():
    async with (await serve_in_loop(error_app) as api,
                httpx.AsyncClient(base_url=api.url) as client):
        not_found = await client.get("/nope")
        crashed = await client.get("/api")
    assert not_found.status_code == 404
    assert not_found.json()["description"].startswith("The requested URL was not found")
    assert crashed.status_code == 500
    assert crashed.json() == {"Error": CRASH}


if __name__ == "__main__":
    unittest.main()
