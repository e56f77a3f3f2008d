"""workbook.serving: every way the workbook starts a server, with one handle.

Processes are exercised by every learner-run test; here: the in-process side
(an app on the running loop, or on a loop in a thread), readiness that fails
fast with the server's own error, and stopping that leaves the port closed.
"""

from __future__ import annotations

import socket
import sys

import httpx
import pytest
import requests
from aiohttp import web
from quart import Quart

from workbook import serving


def aiohttp_app() -> web.Application:
    async def hello(request):
        return web.json_response({"hi": "aiohttp"})

    app = web.Application()
    app.router.add_get("/", hello)
    return app


def quart_app() -> Quart:
    app = Quart("serving_test")

    @app.get("/")
    async def index():
        return {"hi": "quart"}

    return app


def wsgi_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hi wsgi"]


async def test_in_loop_serves_aiohttp_asgi_and_wsgi_then_closes_the_port():
    served = [await serving.serve_in_loop(app) for app in (aiohttp_app(), quart_app(), wsgi_app)]
    async with httpx.AsyncClient() as http:
        answers = [(await http.get(s.url + "/")).text for s in served]
    assert answers[0] == '{"hi": "aiohttp"}' and '"hi":"quart"' in answers[1].replace(" ", "")
    assert answers[2] == "hi wsgi"
    assert all(s.in_loop and s.is_running and s.pid is None for s in served)
    await served[0].stop()  # in-loop, stop() is awaited...
    await served[1].aclose()  # ...and aclose() is the same
    async with served[2]:
        pass  # ...and so is leaving an async with block
    await served[2].aclose()  # twice is harmless
    assert not any(s.is_running or serving.port_is_open(s.port) for s in served)


async def test_an_in_loop_server_is_not_a_with_block():
    served = await serving.serve_in_loop(wsgi_app)
    try:
        with pytest.raises(TypeError, match="async with"), served:
            pass
    finally:
        await served.aclose()


async def test_a_failing_start_up_raises_its_own_error_at_once():
    app = quart_app()

    @app.before_serving
    async def broken():
        raise RuntimeError("no database")

    with pytest.raises(Exception, match="no database"):
        await serving.serve_in_loop(app, timeout=30)


async def test_a_taken_port_is_an_oserror_and_any_port_works():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            await serving.serve_in_loop(aiohttp_app(), port=taken.getsockname()[1])
    async with await serving.serve_in_loop(aiohttp_app(), name="standin") as served:
        assert served.name == "standin" and served.port > 0


def test_in_a_thread_for_synchronous_code():
    with serving.serve_in_thread(wsgi_app) as served:
        assert requests.get(served.url + "/", timeout=5).text == "hi wsgi"
        assert served.pid is None and served.is_running
    assert not served.is_running and not serving.port_is_open(served.port)


def test_a_process_whose_port_is_in_its_arguments():
    code = ("import sys, http.server as h; "
            "h.HTTPServer(('127.0.0.1', int(sys.argv[1])), h.SimpleHTTPRequestHandler)"
            ".serve_forever()")
    with serving.start_process(lambda port: [sys.executable, "-c", code, str(port)],
                               name="http.server") as served:
        assert requests.get(served.url + "/", timeout=5).status_code == 200
        assert served.pid == served.process.pid and not served.in_loop
    assert not served.is_running and served.output() is not None


def test_dead_url_refuses_and_silent_listener_never_answers():
    with pytest.raises(requests.ConnectionError):
        requests.get(serving.dead_url(), timeout=2)
    with serving.silent_listener() as url, pytest.raises(requests.Timeout):
        requests.get(url, timeout=0.2)



def test_a_port_answered_by_someone_else_is_not_taken_for_our_server():
    """The race free_port() leaves open: another server binds the port first and
    answers the readiness poll. start_process must notice it is not ours."""
    with serving.serve_in_thread(quart_app()) as squatter:
        never_binds = [sys.executable, "-c", "import time; time.sleep(30)"]
        with pytest.raises(serving.ServerFailed, match="answered by another process"):
            serving.start_process(never_binds, name="late", port=squatter.port, timeout=10)


def test_our_own_process_is_recognised_as_the_listener():
    def http_server(port):  # takes its port as an argument, not from PORT
        return [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]

    with serving.start_process(http_server, name="http.server", timeout=20) as server:
        assert serving.listens_in_session(server.pid, server.port) is True
        assert requests.get(server.url + "/", timeout=5).status_code == 200
