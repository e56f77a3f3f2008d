"""The chapter-1 Twisted site with a listen backlog you choose (``BACKLOG``, default 1024).

``TCP4ServerEndpoint`` asks the kernel for an accept queue of 50 connections
unless told otherwise. When 200 clients connect at once and the reactor does
not accept them fast enough, the kernel drops the handshakes that do not fit;
those clients retry a whole second later, so a 100 ms request takes 1.1 s. A
backlog larger than the burst removes that second. The "backlog" benchmark
pair runs this file twice, with ``BACKLOG=50`` and ``BACKLOG=1024``, so the
backlog is the only difference.

Run it:   PORT=9000 BACKLOG=50 python ch01_wsgi_async/bench/servers/twisted_backlog.py
"""

import os

from ch01_wsgi_async.time_twisted import make_app

if __name__ == "__main__":
    from twisted.internet import endpoints, reactor

    port = int(os.environ.get("PORT", "9000"))
    backlog = int(os.environ.get("BACKLOG", "1024"))
    endpoint = endpoints.TCP4ServerEndpoint(reactor, port, backlog=backlog, interface="127.0.0.1")
    endpoint.listen(make_app())
    print(f"Serving on http://127.0.0.1:{port}/ with a backlog of {backlog} (Ctrl-C to stop)",
          flush=True)
    reactor.run()
