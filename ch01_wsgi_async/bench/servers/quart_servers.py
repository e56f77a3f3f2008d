"""The chapter-1 Quart app under other servers, for the "which server" benchmark pairs.

``time_quart.py`` serves the app with Hypercorn (the production setup Quart
recommends). ``SERVER`` picks another way to serve the very same ``app``:

- ``uvicorn``: Uvicorn with the pure-Python pieces (asyncio loop, h11 parser);
- ``uvicorn-fast``: Uvicorn with uvloop and httptools (C event loop and parser);
- ``dev``: Quart's own ``app.run()``, the development server (Hypercorn
  underneath, with debug mode, the reloader and an access-log line per request).

Run it:   PORT=9000 SERVER=uvicorn-fast python ch01_wsgi_async/bench/servers/quart_servers.py
"""

import os

from ch01_wsgi_async.time_quart import app

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9000"))
    kind = os.environ.get("SERVER", "uvicorn")
    print(f"Serving on http://127.0.0.1:{port}/ with {kind} (Ctrl-C to stop)", flush=True)
    if kind == "dev":
        app.run(host="127.0.0.1", port=port)
    else:
        import uvicorn

        fast = kind == "uvicorn-fast"
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                    loop="uvloop" if fast else "asyncio", http="httptools" if fast else "h11",
                    timeout_graceful_shutdown=1)
