"""The chapter-1 aiohttp app with a listen backlog of 1024 instead of aiohttp's 128.

When more clients connect at once than the backlog holds, and the event loop
does not get the CPU in time to accept them, the kernel drops the extra
handshakes; those clients retry a whole second later, so a 100 ms request
takes 1.1 s. A backlog larger than the burst removes that second. This is the
only difference from ``time_aiohttp.py`` in the "backlog" benchmark pair.

Run it:   PORT=9000 python workbook/benchservers/aiohttp_backlog.py
"""

import os

from aiohttp import web

from ch01_wsgi_async.time_aiohttp import make_app

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9000"))
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    web.run_app(make_app(), host="127.0.0.1", port=port, print=None, shutdown_timeout=1,
                backlog=1024)
