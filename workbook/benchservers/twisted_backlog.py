"""The chapter-1 Twisted site with a listen backlog of 1024 instead of Twisted's 50.

``TCP4ServerEndpoint`` asks the kernel for an accept queue of 50 connections.
When 200 clients connect at once and the reactor does not accept them fast
enough, the kernel drops the extra handshakes; those clients retry a whole
second later, so a 100 ms request takes 1.1 s. A backlog larger than the burst
removes that second. It is the only difference from ``time_twisted.py`` in the
"backlog" benchmark pair.

Run it:   PORT=9000 python workbook/benchservers/twisted_backlog.py
"""

import os

from ch01_wsgi_async.time_twisted import make_app

if __name__ == "__main__":
    from twisted.internet import endpoints, reactor

    port = int(os.environ.get("PORT", "9000"))
    endpoint = endpoints.TCP4ServerEndpoint(reactor, port, backlog=1024, interface="127.0.0.1")
    endpoint.listen(make_app())
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    reactor.run()
