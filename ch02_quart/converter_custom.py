"""A custom converter: the URL carries a user id, the view receives the name.

What it shows: a ``werkzeug.routing.BaseConverter`` subclass registered as
``registered`` in ``app.url_map.converters``. ``to_python`` turns the id in the
URL into the user's name (or raises ``ValidationError``: the URL does not
match, 404); ``to_url`` turns a name back into the id, which is what
``url_for("person", name="Alice")`` uses (see url_for.py).

Run it:   python ch02_quart/converter_custom.py        (PORT=8103 by default)
Ask it:   curl -i http://127.0.0.1:8103/api/person/1
Expect:   200, {"Hello": "Alice"}; /api/person/2 says Bob.
          /api/person/3 (nobody) and /api/person/abc give 404.
"""

import os

from quart import Quart
from werkzeug.routing import BaseConverter, ValidationError

_USERS = {"1": "Alice", "2": "Bob"}
_IDS = {name: user_id for user_id, name in _USERS.items()}


class RegisteredUser(BaseConverter):
    def to_python(self, value):
        if value in _USERS:
            return _USERS[value]
        raise ValidationError()  # "this rule does not match": a 404, not a 500

    def to_url(self, value):
        if value not in _IDS:
            # url_for for an unknown user: say so, rather than a bare KeyError
            raise ValueError(f"{value!r} is not a registered user (known: {sorted(_IDS)})")
        return _IDS[value]


app = Quart(__name__)
app.url_map.converters["registered"] = RegisteredUser


@app.route("/api/person/<registered:name>")
async def person(name):
    return {"Hello": name}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8103"))
    print(f"Serving on http://127.0.0.1:{port}/api/person/1 (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
