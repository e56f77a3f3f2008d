"""The time microservice with nothing but the standard library (WSGI).

What it shows: a WSGI application is one callable, ``application(environ,
start_response)``; ``wsgiref`` serves it. This is the book's first example,
with its typos fixed (see the chapter README's errata).

Run it:   python ch01_wsgi_async/time_wsgi.py        (PORT=8001 by default)
Ask it:   curl -i http://127.0.0.1:8001/
Expect:   200, Content-Type: application/json, {"time": 1763812345.678}
          GET /slow waits 100 ms (time.sleep: this thread is blocked) and
          answers {"time": ..., "slept": 0.1}: the worker-pool lesson's "backend".
          Any other path gives 404, any method but GET/HEAD gives 405,
          both with a JSON error body.
"""

import json
import os
import time

SLOW_SECONDS = 0.1  # the pretend backend call behind GET /slow


def application(environ, start_response):
    # WSGI has no router: the app reads the path and method from ``environ``.
    path = environ.get("PATH_INFO", "/")
    if path not in ("/", "/slow"):
        return error(start_response, "404 Not Found", "no such path")
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return error(start_response, "405 Method Not Allowed", "use GET",
                     [("Allow", "GET, HEAD")])
    answer = {"time": time.time()}
    if path == "/slow":
        # A synchronous wait: the thread serving this request can do nothing else.
        time.sleep(SLOW_SECONDS)
        answer = {"time": time.time(), "slept": SLOW_SECONDS}
    body = json.dumps(answer).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]


def error(start_response, status, message, extra_headers=()):
    body = json.dumps({"error": status, "message": message}).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *extra_headers])
    return [body]


if __name__ == "__main__":
    import signal
    from wsgiref.simple_server import make_server

    # wsgiref catches *every* exception raised while it handles a request,
    # KeyboardInterrupt included: a Ctrl-C that lands mid-request would be
    # printed and forgotten. The OS default for SIGINT just ends the process.
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    port = int(os.environ.get("PORT", "8001"))
    with make_server("127.0.0.1", port, application) as server:
        print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
