"""The WSGI time service on a synchronous server with exactly 8 worker threads.

What it shows: the book's "worker pool" model. Each worker handles one request
from start to finish; while ``/slow`` sleeps (a pretend 100 ms backend call),
its thread can do nothing else, so 200 simultaneous ``/slow`` requests need at
least 200 / 8 x 0.1 s = 2.5 s. wsgiref hands each connection to an 8-thread
executor: the fixed pool gunicorn's ``--threads 8`` gives (see the README).

Run it:   python ch01_wsgi_async/worker_pool_wsgi.py        (PORT=8008 by default)
Ask it:   curl -i http://127.0.0.1:8008/slow
Expect:   200, application/json, {"time": ..., "slept": 0.1} after 100 ms;
          GET / gives the time, unknown paths a JSON 404, POST a JSON 405.
          Run worker_pool_lesson.py to measure it against async servers.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from ch01_wsgi_async.time_wsgi import application

WORKERS = 8

__all__ = ["application", "PoolWSGIServer", "WORKERS"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # no line per request: the lesson fires hundreds
        pass


class PoolWSGIServer(WSGIServer):
    """wsgiref's server, with each connection handled by one of ``workers`` threads."""

    # The listen backlog: connections wait here (and then in the executor's
    # queue) until a worker is free. The default of 5 would make a burst of
    # clients retry their TCP handshake instead of simply queueing.
    request_queue_size = 256

    def __init__(self, address, workers=WORKERS):
        super().__init__(address, QuietHandler)
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="worker")

    def process_request(self, request, client_address):
        # Called by serve_forever's accepting thread: hand over and accept the next one.
        self.pool.submit(self.handle_in_worker, request, client_address)

    def handle_in_worker(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self):
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8008"))
    with PoolWSGIServer(("127.0.0.1", port)) as server:
        server.set_app(application)
        print(f"Serving on http://127.0.0.1:{port}/ with {WORKERS} worker threads "
              "(Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
