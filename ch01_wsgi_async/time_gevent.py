"""The same WSGI time service, served by gevent: synchronous code, concurrent server.

What it shows: ``gevent.pywsgi`` runs each request in a greenlet. After
``monkey.patch_all()``, blocking calls in the standard library (``time.sleep``,
sockets) become cooperative: while one request waits, gevent switches to
another. The application is the unchanged WSGI callable from ``time_wsgi``.

Run it:   python ch01_wsgi_async/time_gevent.py        (PORT=8002 by default)
Ask it:   curl -i http://127.0.0.1:8002/
Expect:   200, Content-Type: application/json, {"time": 1763812345.678}
          GET /slow sleeps 100 ms with the *patched* time.sleep, so 50
          concurrent /slow requests take about 0.1 s in total, not 5 s.
          Unknown path: JSON 404; POST /: JSON 405 with an Allow header.
"""

import os
import signal

# The WSGI callable itself knows nothing about gevent: that is the point.
from ch01_wsgi_async.time_wsgi import application

__all__ = ["application"]


def serve(port):
    import gevent
    from gevent.pywsgi import WSGIServer

    # log=None: no access log lines; errors still go to stderr. backlog: a listen
    # queue longer than the default, for the 200-client burst of the worker-pool
    # lesson (a dropped SYN costs its client a 1 s retry).
    server = WSGIServer(("127.0.0.1", port), application, log=None, backlog=1024)
    # Ctrl-C and SIGTERM stop the server from inside the loop, so serve_forever
    # simply returns (a bare KeyboardInterrupt would be printed by gevent's hub).
    for sig in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(sig, server.stop, timeout=1)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    # Patch first, before anything else runs. It lives here, not at the top of
    # the module, because patching is process-wide: importing this module (from
    # a test, a notebook or another example) must not turn that whole process's
    # sockets and sleeps into gevent ones. Run as a program, this is the first
    # thing that executes after the plain imports above (os, json, time), which
    # gevent can still patch safely.
    from gevent import monkey

    monkey.patch_all()
    serve(int(os.environ.get("PORT", "8002")))
