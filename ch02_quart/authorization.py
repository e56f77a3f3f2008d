"""HTTP Basic authentication: reading ``request.authorization``.

What it shows: the client sends ``Authorization: Basic base64(user:password)``
(base64 is an encoding, not encryption: use HTTPS). Quart (Werkzeug) decodes
it into ``request.authorization``, an ``Authorization`` object with
``.type``, ``.username`` and ``.password``, or ``None`` when the header is
missing or malformed. Without valid credentials the answer is 401 with a
``WWW-Authenticate: Basic`` header, which is what makes a browser ask for a
password. Passwords are checked against hashes, never logged or stored in
plain text (the book prints ``request.authorization``: that writes the
credentials, base64-encoded, to the server log).

The demo user is ``alice``; her password comes from ``ALICE_PASSWORD`` in the
environment, with the development default ``wonderland`` (say so, change it).

Run it:   python ch02_quart/authorization.py        (PORT=8104 by default)
Ask it:   curl -i -u alice:wonderland http://127.0.0.1:8104/
Expect:   200, {"username": "alice", "auth_type": "basic"}
          No credentials, a wrong password, an unknown user or a Bearer token:
          401, WWW-Authenticate: Basic realm="ch02", {"error": "..."}.
"""

import os

from quart import Quart, request
from werkzeug.security import check_password_hash, generate_password_hash

app = Quart(__name__)

# Development default: set ALICE_PASSWORD for anything but a local demo.
PASSWORD_HASHES = {
    "alice": generate_password_hash(os.environ.get("ALICE_PASSWORD", "wonderland")),
}
# Checked when the user is unknown, so "no such user" takes as long as "wrong password".
DUMMY_HASH = generate_password_hash(os.urandom(16).hex())


def unauthorized(message):
    return {"error": message}, 401, {"WWW-Authenticate": 'Basic realm="ch02"'}


@app.route("/")
async def auth():
    credentials = request.authorization
    if credentials is None:
        return unauthorized("send HTTP Basic credentials (curl -u user:password)")
    if credentials.type != "basic":
        return unauthorized(f"{credentials.type!r} is not supported here, use Basic")
    known = PASSWORD_HASHES.get(credentials.username or "")
    # Always one slow hash: the same answer, in the same time, for "no such user" and
    # "wrong password", so neither the message nor a stopwatch tells who has an account.
    matches = check_password_hash(known or DUMMY_HASH, credentials.password or "")
    if known is None or not matches:
        return unauthorized("wrong username or password")
    print(f"authenticated {credentials.username}")  # the username only, never the password
    return {"username": credentials.username, "auth_type": credentials.type}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8104"))
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    # no reloader: Quart 0.23's runs a second process, whose Ctrl-C prints a traceback
    app.run(host="127.0.0.1", port=port, use_reloader=False)
