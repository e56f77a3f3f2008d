"""The session: a dict kept in a signed cookie on the client.

What it shows: Quart serialises ``session`` to JSON, base64-encodes it and
signs it with ``app.secret_key`` (itsdangerous). A tampered cookie fails the
check and the session starts empty. Signed is not encrypted: anyone holding
the cookie can read it, so keep an id there, never a password or a token.
The key comes from ``SECRET_KEY``; without it a random development key is
generated at start-up (and said so), and sessions do not survive a restart.

Run it:   python ch02_quart/session.py        (PORT=8107 by default)
Ask it:   curl -i -c jar -b jar http://127.0.0.1:8107/   (three times)
Expect:   {"visits": 1}, then 2, then 3, and a Set-Cookie: session=...;
          HttpOnly. A forged or altered cookie counts from 1 again.
          /reset clears the session; /nope gives 404.
"""

import os
import secrets

from quart import Quart, session

app = Quart(__name__)
app.secret_key = os.environ.get("SECRET_KEY")
if not app.secret_key:
    app.secret_key = secrets.token_hex(32)
    KEY_SOURCE = "generated (development only: set SECRET_KEY)"
else:
    KEY_SOURCE = "SECRET_KEY"


@app.route("/")
async def count_visits():
    session["visits"] = session.get("visits", 0) + 1
    return {"visits": session["visits"]}


@app.route("/reset")
async def reset():
    session.clear()
    return {"visits": 0}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8107"))
    print(f"secret key: {KEY_SOURCE}", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
