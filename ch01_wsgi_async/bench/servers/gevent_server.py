"""The chapter-1 WSGI app under ``gevent.pywsgi``, with two switches for benchmark pairs.

``time_gevent.py`` is the reference: patched, no ``TCP_NODELAY``. This file
serves the same ``application`` and changes one thing at a time:

- ``NODELAY=1`` sets ``TCP_NODELAY`` on every accepted socket. ``pywsgi``
  sends a response's headers and its body in two ``send`` calls; with Nagle's
  algorithm on, the body waits until the client ACKs the headers, and on a
  keep-alive connection the client's kernel delays that ACK by about 40 ms.
  So every response costs 40 ms, whatever the server's speed.
- ``PATCH=0`` skips ``monkey.patch_all()``: the app's ``time.sleep`` then
  blocks the only thread, and gevent serves ``/slow`` one request at a time.

Run it:   PORT=9000 NODELAY=1 python ch01_wsgi_async/bench/servers/gevent_server.py
"""

import os

if __name__ == "__main__" and os.environ.get("PATCH", "1") == "1":
    # Patch before anything else is imported, as time_gevent.py does.
    from gevent import monkey

    monkey.patch_all()

import signal  # noqa: E402
import socket  # noqa: E402

import gevent  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from ch01_wsgi_async.time_wsgi import application  # noqa: E402


class NoDelayWSGIServer(WSGIServer):
    def handle(self, sock, address):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().handle(sock, address)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9000"))
    cls = NoDelayWSGIServer if os.environ.get("NODELAY") == "1" else WSGIServer
    server = cls(("127.0.0.1", port), application, log=None)
    for sig in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(sig, server.stop, timeout=1)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve_forever()
