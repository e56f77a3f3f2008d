"""ch01_wsgi_async.time_asgi in-process: called by hand, then through httpx's ASGI transport.

httpx.ASGITransport is to ASGI what Werkzeug's test Client is to WSGI: it
builds the ``scope``, feeds ``receive`` and collects what the app ``send``s,
with no socket.
"""

import asyncio
import time

import httpx

from ch01_wsgi_async.time_asgi import application


def client():
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                             base_url="http://testserver")


async def call(scope, incoming=()):
    """Call the ASGI app the way a server does; return the messages it sent."""
    queue = list(incoming) or [{"type": "http.request", "body": b"", "more_body": False}]
    sent = []

    async def receive():
        return queue.pop(0)

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)
    return sent


async def test_by_hand_the_app_sends_a_start_then_a_body_message():
    before = time.time()
    start, body = await call({"type": "http", "method": "GET", "path": "/", "headers": []})
    assert start["type"] == "http.response.start" and start["status"] == 200
    assert (b"content-type", b"application/json") in start["headers"]
    assert body["type"] == "http.response.body"
    assert before <= httpx.Response(200, content=body["body"]).json()["time"] <= time.time()


async def test_lifespan_startup_and_shutdown_are_acknowledged():
    sent = await call({"type": "lifespan"},
                      [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert sent == [{"type": "lifespan.startup.complete"},
                    {"type": "lifespan.shutdown.complete"}]


async def test_a_websocket_is_refused_not_a_crash():
    sent = await call({"type": "websocket", "path": "/", "headers": []},
                      [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close"}]


async def test_get_root_returns_the_time_as_json():
    async with client() as c:
        response = await c.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json()["time"], float)


async def test_slow_requests_overlap_on_one_loop():
    async with client() as c:
        started = time.monotonic()
        answers = await asyncio.gather(*(c.get("/slow") for _ in range(20)))
        wall = time.monotonic() - started
    assert {a.json()["slept"] for a in answers} == {0.1}
    assert 0.1 <= wall < 20 * 0.1 * 0.75  # one after another would take 2 s


async def test_unknown_path_is_a_json_404():
    async with client() as c:
        response = await c.get("/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "404 Not Found", "message": "no such path"}


async def test_wrong_method_is_a_json_405_with_allow():
    async with client() as c:
        response = await c.post("/", content=b"ignored")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"] == "405 Method Not Allowed"
