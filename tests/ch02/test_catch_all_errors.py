"""ch02_quart.catch_all_errors: every HTTP error code answered in JSON."""

import pytest
from werkzeug.exceptions import default_exceptions

from ch02_quart import catch_all_errors


@pytest.mark.parametrize("code", sorted(c for c in default_exceptions if c != 500))
async def test_every_http_error_code_is_json(code):
    response = await catch_all_errors.app.test_client().get(f"/abort/{code}")
    assert response.status_code == code
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body == {"code": code, "description": default_exceptions[code].description,
                    "message": str(default_exceptions[code]())}


@pytest.mark.parametrize("method, path, code", [
    ("GET", "/api", 500), ("GET", "/nope", 404), ("DELETE", "/api", 405),
    ("GET", "/abort/499", 400), ("GET", "/abort/200", 400), ("GET", "/abort/x", 404),
])
async def test_real_errors_are_json(method, path, code):
    response = await catch_all_errors.app.test_client().open(path, method=method)
    assert response.status_code == code
    body = await response.get_json()
    assert body["code"] == code and body["description"] and body["message"]
    assert "Some exception" not in body["message"]


def test_abort_mapping_is_gone():
    from quart import abort
    assert not hasattr(abort, "mapping")  # the book's fallback; default_exceptions replaces it


async def test_debug_mode_bypasses_the_handlers(monkeypatch):
    """Why never debug=True in production: the traceback, with source, goes to the client."""
    monkeypatch.setattr(catch_all_errors.app, "debug", True)
    response = await catch_all_errors.app.test_client().get("/api")
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")  # not our JSON
    page = await response.get_data(as_text=True)
    assert "TypeError" in page and "raise TypeError" in page  # the source line, exposed
