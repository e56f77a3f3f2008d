"""The time service with Twisted: a ``Resource`` per endpoint, callbacks for waiting.

What it shows: Twisted (the 1st edition's asynchronous framework) maps URL
segments to ``Resource`` objects; ``render_GET`` answers GET, and any method
without a ``render_<METHOD>`` gets 405. ``/slow`` returns ``NOT_DONE_YET`` and
finishes the request 100 ms later from a callback (``task.deferLater``), so the
reactor serves other requests meanwhile.

Run it:   python ch01_wsgi_async/time_twisted.py        (PORT=8003 by default)
Ask it:   curl -i http://127.0.0.1:8003/        and      curl -i http://127.0.0.1:8003/slow
Expect:   200, Content-Type: application/json, {"time": 1763812345.678}
          /slow: {"time": ..., "slept": 0.1} after 100 ms.
          Unknown path: JSON 404; POST /: 405 with an Allow header.
"""

import json
import os
import time

from twisted.internet import defer, task
from twisted.web import resource, server

SLOW_SECONDS = 0.1


def json_body(request, answer, code=200):
    request.setResponseCode(code)
    request.responseHeaders.setRawHeaders(b"content-type", [b"application/json"])
    return json.dumps(answer).encode("utf-8")


class JSONResource(resource.Resource):
    """A Resource whose "wrong method" answer is JSON, not Twisted's HTML page."""

    def render(self, request):
        try:
            return super().render(request)  # dispatches to render_GET, render_HEAD, ...
        except server.UnsupportedMethod as error:
            request.setHeader(b"allow", b", ".join(error.allowedMethods))
            return json_body(request, {"error": "405 Method Not Allowed",
                                       "message": "use " + ", ".join(
                                           m.decode() for m in error.allowedMethods)}, 405)


class NotFound(resource.Resource):
    isLeaf = True

    def render(self, request):  # every method: the path itself is wrong
        return json_body(request, {"error": "404 Not Found", "message": "no such path"}, 404)


class TimeResource(JSONResource):
    isLeaf = True

    def render_GET(self, request):
        return json_body(request, {"time": time.time()})


class SlowResource(JSONResource):
    isLeaf = True

    def __init__(self, clock):
        super().__init__()
        self.clock = clock  # the reactor, or a task.Clock in tests

    def render_GET(self, request):
        def answer(_):
            request.write(json_body(request, {"time": time.time(), "slept": SLOW_SECONDS}))
            request.finish()

        waiting = task.deferLater(self.clock, SLOW_SECONDS, lambda: None)
        waiting.addCallback(answer)
        # If the client hangs up first, cancel the timer instead of writing to nobody.
        waiting.addErrback(lambda failure: failure.trap(defer.CancelledError))
        request.notifyFinish().addErrback(lambda _: waiting.cancel())
        return server.NOT_DONE_YET


class Root(resource.Resource):
    def __init__(self, clock):
        super().__init__()
        self.putChild(b"", TimeResource())
        self.putChild(b"slow", SlowResource(clock))

    def getChild(self, path, request):  # called for paths with no child: a JSON 404
        return NotFound()


def make_app(clock=None):
    """The Site (Twisted's HTTP factory) around the root resource."""
    if clock is None:
        from twisted.internet import reactor as clock  # imported late: see README
    return server.Site(Root(clock))


if __name__ == "__main__":
    from twisted.internet import endpoints, reactor

    port = int(os.environ.get("PORT", "8003"))
    # A listen queue longer than the default: a burst of 200 clients (the
    # worker-pool lesson) would overflow it, and each dropped SYN costs its
    # client a 1-second retry (BENCHMARKS.md measures this).
    endpoint = endpoints.TCP4ServerEndpoint(reactor, port, backlog=1024, interface="127.0.0.1")
    endpoint.listen(make_app())
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    reactor.run()  # installs SIGINT/SIGTERM handlers that stop the reactor cleanly
