"""ch02_quart.response_types and ch02_quart.yamlify: what a view returns becomes a Response."""

import pytest
import yaml

from ch02_quart import response_types, yamlify

client = response_types.app.test_client


@pytest.mark.parametrize("path, status, content_type, body", [
    ("/str", 200, "text/html; charset=utf-8", b"<h1>Hello World!</h1>"),
    ("/dict", 200, "application/json", b'{"Hello":"World!"}\n'),
    ("/list", 200, "application/json", b'["Hello","World!"]\n'),
    ("/response", 200, "text/plain; charset=utf-8", b"Hello World!\n"),
    ("/created", 201, "application/json", b'{"created":true}\n'),
    ("/headers", 200, "application/json", b'{"Hello":"World!"}\n'),
])
async def test_each_return_type(path, status, content_type, body):
    response = await client().get(path)
    assert response.status_code == status
    assert response.content_type == content_type
    assert await response.get_data() == body


async def test_third_tuple_item_adds_headers():
    response = await client().get("/headers")
    assert response.headers["X-Example"] == "yes"


async def test_async_generator_is_streamed_in_chunks():
    # client.request() gives the raw connection: each receive() is one body message.
    async with client().request("/stream") as connection:
        await connection.send_complete()
        chunks = [await connection.receive() for _ in range(5)]
    assert chunks == [f"chunk {n}\n".encode() for n in range(5)]
    assert connection.status_code == 200
    assert "Content-Length" not in connection.headers  # length unknown up front: streamed


async def test_wrong_method_and_unknown_path():
    assert (await client().post("/dict")).status_code == 405
    assert (await client().get("/nope")).status_code == 404


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
