"""Functional tests in the book's style: ``unittest.IsolatedAsyncioTestCase``.

The book's test had three typos: it imported ``app as test_app`` but used
``tested_app``; it called ``json.load`` (which reads a file) on a string; and
it expected ``"WORLD!"`` where the service says ``"World!"``. Fixed here; run
this file alone with ``python -m unittest tests/ch03/test_functional_unittest.py``
or ``pytest tests/ch03/test_functional_unittest.py``.

Its pytest-style twin is test_functional_pytest.py: same checks, compare them.
Examples: ch02_quart.quart_basic, ch03_testing.quart_error.
"""

import json
import unittest

from ch02_quart import quart_basic
from ch03_testing.quart_error import app as error_app
from ch03_testing.quart_error import text_404


class TestApp(unittest.IsolatedAsyncioTestCase):
    async def test_help(self):
        # (a module-level name starting with "test" would make pytest try to collect it)
        tested_app = quart_basic.app
        app = tested_app.test_client()
        hello = await app.get("/api")
        body = json.loads(str(await hello.get_data(), "utf-8"))
        self.assertEqual(body["Hello"], "World!")


class TestErrors(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.app = error_app.test_client()

    async def test_raise(self):
        # a path nobody routes: Quart answers 404, no Python exception escapes
        hello = await self.app.get("/dwdwqqwdwqd")
        self.assertEqual(hello.status_code, 404)

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

    async def test_proper_500(self):
        # /crash raises ValueError; the 500 handler turns it into JSON
        with self.assertLogs(error_app.logger, level="ERROR"):
            hello = await self.app.get("/crash")
        self.assertEqual(hello.status_code, 500)
        body = json.loads(str(await hello.get_data(), "utf-8"))
        self.assertTrue(body["Error"].startswith("500 Internal Server Error"))

    async def test_api_still_works(self):
        hello = await self.app.get("/api")
        self.assertEqual(hello.status_code, 200)
        self.assertEqual(await hello.get_json(), {"Hello": "World!"})


if __name__ == "__main__":
    unittest.main()
