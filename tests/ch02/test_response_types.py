"""ch02_quart.response_types: what a view returns becomes a Response."""

import pytest

from ch02_quart import response_types

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


async def test_sync_generator_is_streamed_too():
    async with client().request("/stream-sync") as connection:
        await connection.send_complete()
        chunks = [await connection.receive() for _ in range(5)]
    assert chunks == [f"line {n}\n".encode() for n in range(5)]
    assert connection.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Length" not in connection.headers


async def test_sync_generator_steps_run_in_a_worker_thread(monkeypatch):
    # Quart drives a plain generator with run_sync_iterable: each next() in the executor.
    import threading

    from ch02_quart import response_types
    seen = set()
    real_generator_view = response_types.as_sync_stream

    def spying_view():
        for line in real_generator_view()[0]:
            seen.add(threading.current_thread().name)
            yield line

    monkeypatch.setitem(response_types.app.view_functions, "as_sync_stream", spying_view)
    response = await client().get("/stream-sync")
    assert await response.get_data() == b"".join(f"line {n}\n".encode() for n in range(5))
    assert seen and threading.current_thread().name not in seen


async def test_wrong_method_and_unknown_path():
    assert (await client().post("/dict")).status_code == 405
    assert (await client().get("/nope")).status_code == 404
