"""The chapter-1 WSGI app on a tuned ``wsgiref``: a thread per connection, a large backlog.

``wsgiref.simple_server.make_server`` (what ``time_wsgi.py`` uses) serves one
request at a time and asks the kernel for a listen backlog of 5
(``socketserver``'s ``request_queue_size``). Under a burst of connections
the kernel's accept queue overflows, the extra handshakes are dropped, and
those clients retry only after 1 s, 3 s, 7 s... Here the same application
gets ``ThreadingMixIn`` (each connection in its own thread) and a backlog of
1024, which is the whole difference in the "wsgiref backlog" benchmark pair.

Run it:   PORT=9000 python ch01_wsgi_async/bench/servers/wsgi_threaded.py
"""

import os
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ch01_wsgi_async.time_wsgi import application


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a stuck request must not keep the process alive at exit
    request_queue_size = 1024  # the listen backlog (the kernel caps it at somaxconn)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # one stderr line per request would be the bottleneck
        pass


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9000"))
    with make_server("127.0.0.1", port, application, ThreadingWSGIServer, QuietHandler) as server:
        print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
