"""Authentication: an OAuth2-style token service (client-credentials grant).

A service that calls others first asks here for a token, then sends it as
``Authorization: Bearer ...``; every service checks the signature and expiry
itself (``kit.require_token``), so this service is not a hop on every call.

Run it:   python -m ch01_wsgi_async.booking.auth      (PORT=8051 by default)
Ask it:   curl -d grant_type=client_credentials -d client_id=ui \
               -d client_secret=$BOOKING_CLIENT_SECRET http://127.0.0.1:8051/oauth/token
Expect:   {"access_token": "...", "token_type": "Bearer", "expires_in": 300}
          a wrong secret: 401 {"error": "invalid_client", ...}; /oauth/introspect says if a token is active.
"""

import hmac
import os
import time

from quart import request

from ch01_wsgi_async.booking import kit

CLIENTS = {"ui", "users", "payments", "reservations", "search", "pdf"}
TOKEN_TTL = int(os.environ.get("TOKEN_TTL", "300"))  # seconds

app = kit.service("auth")


@app.post("/oauth/token")
async def token():
    form = await request.form  # OAuth2 sends form fields, and answers in JSON
    if form.get("grant_type") != "client_credentials":
        return {"error": "unsupported_grant_type",
                "error_description": "only grant_type=client_credentials"}, 400
    secret = os.environ.get("BOOKING_CLIENT_SECRET", kit.DEV_CLIENT_SECRET)
    if form.get("client_id") not in CLIENTS or not hmac.compare_digest(
            form.get("client_secret", ""), secret):
        return {"error": "invalid_client", "error_description": "unknown client or wrong secret"}, 401
    claims = {"sub": form["client_id"], "exp": int(time.time()) + TOKEN_TTL}
    return {"access_token": kit.sign_token(claims), "token_type": "Bearer",
            "expires_in": TOKEN_TTL}


@app.post("/oauth/introspect")
async def introspect():
    form = await request.form
    try:
        return {"active": True, **kit.read_token(form.get("token", ""))}
    except ValueError as exc:
        return {"active": False, "reason": str(exc)}


if __name__ == "__main__":
    kit.serve(app, "auth")
