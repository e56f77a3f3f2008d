"""The same functional tests in plain pytest style: fixtures and bare ``assert``.

Compare with test_functional_unittest.py: a fixture replaces ``setUp``,
``assert`` replaces ``self.assertEqual`` (pytest shows both sides on failure),
and ``@pytest.mark.parametrize`` turns one test into many.
Examples: ch02_quart.quart_basic, ch03_testing.quart_error.
"""

import logging

import pytest

from ch02_quart.quart_basic import app as basic_app
from ch03_testing.quart_error import app as error_app
from ch03_testing.quart_error import text_404


@pytest.fixture
def client():
    return error_app.test_client()


async def test_help():
    response = await basic_app.test_client().get("/api")
    assert response.status_code == 200
    assert await response.get_json() == {"Hello": "World!"}


@pytest.mark.parametrize("path", ["/dwdwqqwdwqd", "/api/", "/api/x", "/%C3%A9"])
async def test_unknown_paths_are_json_404s(client, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["Error"].startswith("404 Not Found")
    assert body["description"] == text_404


async def test_crash_is_a_json_500_and_is_logged(client, caplog):
    with caplog.at_level(logging.ERROR, logger=error_app.logger.name):
        response = await client.get("/crash")
    assert response.status_code == 500
    assert response.content_type == "application/json"
    assert (await response.get_json())["Error"].startswith("500 Internal Server Error")
    # the traceback goes to the log, not to the client
    assert "ValueError: this view always fails" in caplog.text
    assert "Traceback" not in (await response.get_data(as_text=True))


async def test_wrong_method_is_405(client):
    response = await client.post("/api")
    assert response.status_code == 405
