"""A local stand-in for MDN's superheroes.json, so no test needs the internet.

What it shows: the service the superheroes example calls, speaking the same
wire format as https://mdn.github.io/learning-area/javascript/oojs/json/superheroes.json
(a JSON document with a ``members`` list). Set ``HEROES_FORMAT=2`` to serve a
*changed* format (``members`` renamed ``squad``): the drift a mock never notices.
It is a plain WSGI app (stdlib only), like chapter 1's time service.

Run it:   python ch03_testing/heroes_api.py        (PORT=8210 by default)
Ask it:   curl -i http://127.0.0.1:8210/superheroes.json
Expect:   200, application/json, {"squadName": "Super hero squad", ..., "members": [...]}
          Any other path gives a JSON 404; any method but GET/HEAD a JSON 405.
"""

import json
import os

SQUAD = {
    "squadName": "Super hero squad",
    "homeTown": "Metro City",
    "formed": 2016,
    "secretBase": "Super tower",
    "active": True,
    "members": [
        {"name": "Molecule Man", "age": 29, "secretIdentity": "Dan Jukes",
         "powers": ["Radiation resistance", "Turning tiny", "Radiation blast"]},
        {"name": "Madame Uppercut", "age": 39, "secretIdentity": "Jane Wilson",
         "powers": ["Million tonne punch", "Damage resistance", "Superhuman reflexes"]},
        {"name": "Eternal Flame", "age": 1000000, "secretIdentity": "Unknown",
         "powers": ["Immortality", "Heat Immunity", "Inferno", "Teleportation",
                    "Interdimensional travel"]},
    ],
}


def document(version=1):
    """The JSON document the API serves; version 2 renamed ``members`` to ``squad``."""
    if version == 1:
        return SQUAD
    changed = {k: v for k, v in SQUAD.items() if k != "members"}
    changed["squad"] = SQUAD["members"]
    return changed


def make_app(version=None):
    """A WSGI app serving ``/superheroes.json`` in format ``version`` (env HEROES_FORMAT)."""
    if version is None:
        version = int(os.environ.get("HEROES_FORMAT", "1"))
    payload = json.dumps(document(version)).encode("utf-8")

    def application(environ, start_response):
        if environ.get("PATH_INFO") != "/superheroes.json":
            return error(start_response, "404 Not Found", "try /superheroes.json")
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return error(start_response, "405 Method Not Allowed", "read-only: use GET",
                         [("Allow", "GET, HEAD")])
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(payload)))])
        return [payload]

    return application


def error(start_response, status, message, extra_headers=()):
    body = json.dumps({"error": status, "message": message}).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *extra_headers])
    return [body]


if __name__ == "__main__":
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args):  # keep the console for the URL and errors
            pass

    class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
        # Requests run in threads, so Ctrl-C always lands in the main thread's
        # accept loop. Single-threaded, a Ctrl-C during a response is swallowed
        # by wsgiref's catch-all error handler and the server keeps running.
        daemon_threads = True

    port = int(os.environ.get("PORT", "8210"))
    with make_server("127.0.0.1", port, make_app(), server_class=ThreadingWSGIServer,
                     handler_class=QuietHandler) as server:
        print(f"Serving on http://127.0.0.1:{port}/superheroes.json (Ctrl-C to stop)",
              flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
