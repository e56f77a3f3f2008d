"""gevent's trick: the same blocking socket code, one at a time vs. in greenlets.

What it shows: ``fetch()`` below is ordinary blocking socket code. Run 20 times
in a row against a server that takes 100 ms per answer, it needs 20 x 0.1 s.
After ``monkey.patch_all()`` the very same function, run in a pool of 20
greenlets, waits for all 20 answers at once: ``socket`` now yields to other
greenlets whenever it would block. No line of ``fetch()`` changed.

The slow server runs in its own process (started here, on a free port), so
the monkey-patching cannot touch it: patching is process-wide, which is also
why patch_all() comes in main() and not at import time.

Run it:   python ch01_wsgi_async/gevent_blocking_lesson.py
Expect:   sequential ~2.0 s, greenlets ~0.1 s, and the speed-up (roughly 10-20x).
"""

import multiprocessing
import socket
import socketserver
import time

REQUESTS = 20
DELAY = 0.1  # seconds the slow server takes per answer


class SlowHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.recv(1024)
        time.sleep(DELAY)  # the slow "backend"
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")


def serve_slowly(listener):
    server = socketserver.ThreadingTCPServer(listener.getsockname(), SlowHandler,
                                             bind_and_activate=False)
    server.socket.close()
    server.socket = listener  # already bound and listening: the parent chose the port
    server.serve_forever()


def fetch(port):
    """Plain, blocking socket code: connect, ask, read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        answer = b""
        while chunk := sock.recv(1024):
            answer += chunk
    return answer.endswith(b"ok")


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # port 0: the OS picks a free one
    listener.listen(64)
    port = listener.getsockname()[1]
    # fork: the child inherits the listening socket (and nothing is patched yet).
    slow_server = multiprocessing.get_context("fork").Process(
        target=serve_slowly, args=(listener,), daemon=True)
    slow_server.start()
    listener.close()  # the child has its own copy
    try:
        started = time.perf_counter()
        ok = [fetch(port) for _ in range(REQUESTS)]
        sequential = time.perf_counter() - started
        print(f"sequential: {REQUESTS} fetches in {sequential:.2f} s ({sum(ok)} ok)")

        from gevent import monkey

        monkey.patch_all()  # from here on, socket and time.sleep cooperate with gevent
        from gevent.pool import Pool

        started = time.perf_counter()
        ok = Pool(REQUESTS).map(fetch, [port] * REQUESTS)
        greenlets = time.perf_counter() - started
        print(f"greenlets:  {REQUESTS} fetches in {greenlets:.2f} s ({sum(ok)} ok)")
        print(f"speed-up:   {sequential / greenlets:.1f}x with the same blocking code")
    finally:
        slow_server.terminate()
        slow_server.join(5)


if __name__ == "__main__":
    main()
