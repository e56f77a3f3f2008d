"""ch02_quart.blueprints (+ teams), ch02_quart.error_handler, ch02_quart.catch_all_errors."""

import pytest
from werkzeug.exceptions import default_exceptions

from ch02_quart import blueprints, catch_all_errors, error_handler


@pytest.mark.parametrize("prefix", ["", "/v2"])
async def test_teams(prefix):
    client = blueprints.app.test_client()
    response = await client.get(f"{prefix}/teams")
    assert await response.get_json() == {"1": ["Alice", "Bob"], "2": ["Charles"]}
    assert await (await client.get(f"{prefix}/teams/1")).get_json() == ["Alice", "Bob"]
    assert await (await client.get(f"{prefix}/teams/2")).get_json() == ["Charles"]


@pytest.mark.parametrize("path", ["/teams/9", "/teams/0", "/v2/teams/3"])
async def test_unknown_team_is_a_json_404(path):
    response = await blueprints.app.test_client().get(path)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["error"] == "not found"
    assert body["description"].startswith("no team with id ")


async def test_routing_404s_are_not_the_blueprints():
    # The blueprint's handler covers its views only: an unmatched URL gets Quart's HTML page.
    client = blueprints.app.test_client()
    for path in ("/teams/abc", "/nope"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.content_type.startswith("text/html")


def test_blueprint_registered_twice_under_two_names():
    endpoints = {rule.endpoint: rule.rule for rule in blueprints.app.url_map.iter_rules()}
    assert endpoints["teams.get_team"] == "/teams/<int:team_id>"
    assert endpoints["v2.get_team"] == "/v2/teams/<int:team_id>"


async def test_custom_500_is_json_and_leaks_nothing():
    response = await error_handler.app.test_client().get("/api")
    assert response.status_code == 500
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["Error"] == "Internal Server Error"
    assert "SomeException" not in await response.get_data(as_text=True)
    assert (await error_handler.app.test_client().get("/nope")).status_code == 404


async def test_handler_receives_the_original_exception(monkeypatch):
    spec = error_handler.app.error_handler_spec[None][500]  # {InternalServerError: handler}
    ((error_class, handler),) = spec.items()
    seen = []

    async def spy(error):
        seen.append(error)
        return await handler(error)

    monkeypatch.setitem(spec, error_class, spy)
    await error_handler.app.test_client().get("/api")
    assert len(seen) == 1 and seen[0].code == 500
    assert isinstance(seen[0].original_exception, TypeError)
    assert str(seen[0].original_exception) == "SomeException"


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


@pytest.mark.parametrize("module", [error_handler, catch_all_errors])
async def test_debug_mode_bypasses_the_handlers(module, monkeypatch):
    """Why never debug=True in production: the traceback, with source, goes to the client."""
    monkeypatch.setattr(module.app, "debug", True)
    response = await module.app.test_client().get("/api")
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")  # not our JSON
    page = await response.get_data(as_text=True)
    assert "TypeError" in page and "raise TypeError" in page  # the source line, exposed
