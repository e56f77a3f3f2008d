"""Real local servers for chapter 3's tests (a helper module, not a test module).

``served``: an ASGI app under Hypercorn in the test's own event loop.
``serve_wsgi``: a WSGI stand-in (heroes_api) in a thread. Both on port 0.
"""

import asyncio
import contextlib
import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
from hypercorn.asyncio import serve
from hypercorn.config import Config


@contextlib.asynccontextmanager
async def served(app):
    """Serve ``app`` on a fresh loopback port; yield an httpx client pointed at it.

    We bind port 0 ourselves (the OS picks a free port: no race) and hand the
    listening socket to Hypercorn, so the first request simply waits in the
    backlog until the server accepts it: no readiness polling needed.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = Config()
    # Hypercorn adopts the socket by file descriptor (and closes it when it stops)
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args):
        pass


@contextlib.contextmanager
def serve_wsgi(app):
    """A WSGI app on a loopback port the OS picked, in a thread; yields its base URL.

    The socket listens before the thread starts, so requests simply wait in
    the backlog: no fixed port, no sleep, no polling.
    """
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def silent_listener():
    """A port that accepts connections and never answers: a hung dependency."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def dead_url():
    """A loopback URL nobody listens on (a port the OS just gave us, now closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
