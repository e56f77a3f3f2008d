"""A custom URL converter, and the KeyError it gives without its check.

What it shows: chapter 2's ``RegisteredUser`` converter maps a user id in the
URL to a name. The book's checks the id and raises ``ValidationError``, which
tells the router "this URL does not match": a 404. Written without that check
(``return _USERS[value]``, an easy slip), an unknown id raises ``KeyError``
inside routing and the client gets a 500. ch03_testing/tests/test_people.py
lets Hypothesis find that slip on its own.

Run it:   python ch03_testing/people.py        (PORT=8230 by default)
Ask it:   curl -i http://127.0.0.1:8230/api/person/1     -> 200 {"Hello": "Tarek"}
          curl -i http://127.0.0.1:8230/api/person/99    -> 404 {"error": "no such person"}
          curl -i http://127.0.0.1:8230/api/link/Freya   -> 200 {"url": "/api/person/2"}
          curl -i http://127.0.0.1:8230/api/link/Nobody  -> 404 {"error": "no such person"}
"""

import os

from quart import Quart, url_for
from werkzeug.routing import BaseConverter, ValidationError

_USERS = {"1": "Tarek", "2": "Freya"}
_IDS = {val: user_id for user_id, val in _USERS.items()}


class UncheckedRegisteredUser(BaseConverter):
    """Without the book's check: an unknown id is a KeyError, so a 500."""

    def to_python(self, value):
        return _USERS[value]

    def to_url(self, value):
        return _IDS[value]


class RegisteredUser(BaseConverter):
    """As the book writes it: an unknown id does not match the route, so a 404."""

    def to_python(self, value):
        if value in _USERS:
            return _USERS[value]
        raise ValidationError()

    def to_url(self, value):
        return _IDS[value]


def create_app(converter=RegisteredUser):
    app = Quart(__name__)
    app.url_map.converters["registered"] = converter

    @app.route("/api/person/<registered:name>")
    async def person(name):
        return {"Hello": name}

    @app.route("/api/link/<name>")
    async def link(name):
        # url_for calls to_url: it needs a known name too
        if name not in _IDS:
            return {"error": "no such person"}, 404
        return {"url": url_for("person", name=name)}

    @app.errorhandler(404)
    async def not_found(error):
        return {"error": "no such person"}, 404

    return app


app = create_app()

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8230"))
    print(f"Serving on http://127.0.0.1:{port}/api/person/1 (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
