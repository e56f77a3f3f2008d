"""myservice's own tests: the factory, the settings layers and the home views."""

import pytest

from ch02_quart.myservice import create_app


@pytest.fixture
def app():
    return create_app()


async def test_index_uses_the_yaml_defaults(app):
    response = await app.test_client().get("/")
    assert response.status_code == 200
    assert await response.get_json() == {
        "service": "myservice", "greeting": "Hello from myservice"}


async def test_health(app):
    response = await app.test_client().get("/health")
    assert await response.get_json() == {"status": "ok"}


async def test_environment_overrides_the_yaml(monkeypatch):
    monkeypatch.setenv("MYSERVICE_GREETING", "Bonjour")
    monkeypatch.setenv("MYSERVICE_DEBUG", "false")  # parsed as JSON: the boolean False
    app = create_app()
    assert app.config["GREETING"] == "Bonjour"
    assert app.config["DEBUG"] is False
    response = await app.test_client().get("/")
    assert (await response.get_json())["greeting"] == "Bonjour"


async def test_override_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("MYSERVICE_GREETING", "Bonjour")
    app = create_app({"GREETING": "Hallo"})
    response = await app.test_client().get("/")
    assert (await response.get_json())["greeting"] == "Hallo"


async def test_debug_is_off_by_default(app):
    assert app.config["DEBUG"] is False


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nope", 404), ("POST", "/", 405), ("DELETE", "/health", 405)])
async def test_errors_are_json(app, method, path, status):
    response = await app.test_client().open(path, method=method)
    assert response.status_code == status
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["code"] == status and body["name"] and body["description"]
