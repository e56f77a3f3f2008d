"""The time service as a bare ASGI callable, served by uvicorn (no framework).

What it shows: ASGI is WSGI's asynchronous successor. The app is one coroutine,
``application(scope, receive, send)``: it reads the request from ``scope``, and
instead of returning a body it *awaits* ``send`` with messages. Compare it
line by line with ``time_wsgi.py``; Quart's app is such a callable too.

Run it:   python ch01_wsgi_async/time_asgi.py        (PORT=8007 by default)
Ask it:   curl -i http://127.0.0.1:8007/        and      curl -i http://127.0.0.1:8007/slow
Expect:   200, Content-Type: application/json, {"time": 1763812345.678};
          /slow awaits asyncio.sleep(0.1) and adds "slept": 0.1.
          Unknown path: JSON 404; POST /: JSON 405 with an Allow header.
"""

import asyncio
import json
import os
import time

SLOW_SECONDS = 0.1


async def application(scope, receive, send):
    if scope["type"] == "lifespan":  # the server's start-up and shut-down messages
        await receive()  # {"type": "lifespan.startup"}
        await send({"type": "lifespan.startup.complete"})
        await receive()  # {"type": "lifespan.shutdown"}
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "websocket":  # closing before accepting refuses it: a 403
        return await send({"type": "websocket.close"})
    # ASGI has no router either: path and method are in ``scope``.
    if scope["path"] not in ("/", "/slow"):
        return await answer(send, 404, {"error": "404 Not Found", "message": "no such path"})
    if scope["method"] not in ("GET", "HEAD"):
        return await answer(send, 405, {"error": "405 Method Not Allowed", "message": "use GET"},
                            [(b"allow", b"GET, HEAD")])
    body = {"time": time.time()}
    if scope["path"] == "/slow":
        await asyncio.sleep(SLOW_SECONDS)  # waits without blocking: the loop serves others
        body = {"time": time.time(), "slept": SLOW_SECONDS}
    await answer(send, 200, body)


async def answer(send, status, data, extra_headers=()):
    body = json.dumps(data).encode("utf-8")
    # Headers are (name, value) pairs of bytes; the body goes in its own message.
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *extra_headers]})
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    import uvicorn

    port = int(os.environ.get("PORT", "8007"))
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    # uvicorn stops gracefully on Ctrl-C and SIGTERM; timeout_graceful_shutdown caps the wait.
    uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning",
                timeout_graceful_shutdown=1)
