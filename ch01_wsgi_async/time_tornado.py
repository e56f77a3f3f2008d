"""The time service with Tornado 6, the asyncio way.

What it shows: Tornado routes URLs to ``RequestHandler`` classes, one method
per HTTP verb; writing a dict sends JSON. Since Tornado 5 it runs on asyncio's
loop, so handlers are ``async def`` and the server is started inside
``asyncio.run(main())`` (no ``IOLoop.current().start()``, no module-level loop).

Run it:   python ch01_wsgi_async/time_tornado.py        (PORT=8004 by default)
Ask it:   curl -i http://127.0.0.1:8004/        and      curl -i http://127.0.0.1:8004/slow
Expect:   200, Content-Type: application/json; charset=UTF-8, {"time": 1763812345.678}
          /slow awaits asyncio.sleep(0.1) and adds "slept": 0.1.
          Unknown path: JSON 404; POST /: JSON 405 with an Allow header.
"""

import asyncio
import os
import time

import tornado.web

SLOW_SECONDS = 0.1


class JSONErrors(tornado.web.RequestHandler):
    def write_error(self, status_code, **kwargs):
        # Tornado's default error page is HTML; an API answers in JSON (and
        # never includes the traceback, whatever serve_traceback says).
        if status_code == 405:  # HTTP requires a 405 to say what is allowed; Tornado does not
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        self.finish({"error": status_code, "message": self._reason})

    @classmethod
    def allowed_methods(cls):
        """The verbs this handler defines (its own get/post/..., not the base class's)."""
        base = tornado.web.RequestHandler
        return [m for m in cls.SUPPORTED_METHODS
                if getattr(cls, m.lower()) is not getattr(base, m.lower())]


class TimeHandler(JSONErrors):
    def get(self):
        self.write({"time": time.time()})


class SlowHandler(JSONErrors):
    async def get(self):
        await asyncio.sleep(SLOW_SECONDS)  # the loop serves others meanwhile
        self.write({"time": time.time(), "slept": SLOW_SECONDS})


class NotFoundHandler(JSONErrors):
    def prepare(self):
        raise tornado.web.HTTPError(404, reason="Not Found")


def make_app():
    return tornado.web.Application(
        [(r"/", TimeHandler), (r"/slow", SlowHandler)],
        default_handler_class=NotFoundHandler,
    )


async def main(port):
    # A listen queue longer than the default: a burst of 200 clients (the
    # worker-pool lesson) would overflow it, and each dropped SYN costs its
    # client a 1-second retry (BENCHMARKS.md measures this).
    server = make_app().listen(port, address="127.0.0.1", backlog=1024)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        await asyncio.Event().wait()  # serve until cancelled by Ctrl-C
    finally:
        server.stop()


if __name__ == "__main__":
    try:
        asyncio.run(main(int(os.environ.get("PORT", "8004"))))
    except KeyboardInterrupt:
        pass
