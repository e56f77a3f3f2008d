"""ch02_quart.yamlify: a view's return value turned into a YAML response."""

import yaml

from ch02_quart import yamlify


async def test_yaml_response():
    response = await yamlify.app.test_client().get("/api")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-yaml"
    text = await response.get_data(as_text=True)
    assert text == "- Hello\n- YAML\n- World!\n"
    assert yaml.safe_load(text) == ["Hello", "YAML", "World!"]


def test_yamlify_merges_headers_and_status():
    body, status, headers = yamlify.yamlify({"a": 1}, 202, {"X-Extra": "1"})
    assert yaml.safe_load(body) == {"a": 1} and status == 202
    assert headers == {"Content-Type": "application/x-yaml", "X-Extra": "1"}


async def test_yaml_404():
    response = await yamlify.app.test_client().get("/nope")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/x-yaml"
    assert yaml.safe_load(await response.get_data(as_text=True)) == {
        "error": "not found", "path": "/nope"}
