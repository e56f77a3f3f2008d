"""Serve an ASGI app with Hypercorn inside the test's own event loop (not a test module)."""

import asyncio
import contextlib
import socket

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
