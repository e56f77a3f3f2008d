"""OAuth 2 with Slack, the authorization-code flow, done safely.

What it shows: ``/login`` redirects the browser to Slack's authorize page with
a random ``state`` kept in the signed session; Slack sends it back to
``/callback?code=...&state=...``; a missing or different ``state`` is refused
(400); the code is exchanged through ``oauth.v2.access`` with the client id
and secret as HTTP Basic, never in the query string. The token stays server-side.

Run it:   python -m ch04_jeeves.devtools.slack_standin     (the Slack stand-in, port 8390)
          python ch04_jeeves/oauth2.py                      (PORT=8312 by default)
          SLACK_API_URL, SLACK_CLIENT_ID / SLACK_CLIENT_SECRET default to the stand-in's;
          OAUTH_SECRET_KEY signs the session.
Ask it:   open http://127.0.0.1:8312/login in a browser
Expect:   {"slack_user": "U0LEARNER", "team": "T0STANDIN", "token_stored": true};
          /callback?code=x&state=forged -> 400 {"error": "state missing or wrong"}; a refused code -> 403.
"""

import base64
import hmac
import os
import secrets
from urllib.parse import quote_plus, urlencode, urljoin

import aiohttp
from quart import Quart, redirect, request, session, url_for

STANDIN_API = "http://127.0.0.1:8390/api/"


def make_app(api_url: str | None = None, client_id: str | None = None,
             client_secret: str | None = None) -> Quart:
    app = Quart(__name__)
    app.secret_key = os.environ.get("OAUTH_SECRET_KEY") or secrets.token_hex(32)
    api_url = api_url or os.environ.get("SLACK_API_URL") or STANDIN_API
    client_id = client_id or os.environ.get("SLACK_CLIENT_ID") or "standin-client"
    client_secret = client_secret or os.environ.get("SLACK_CLIENT_SECRET") or "standin-secret"
    tokens: dict[str, str] = {}  # Slack user id -> token; a real app stores it in its database
    app.config["TOKENS"] = tokens

    @app.get("/")
    async def index():
        return {"sign_in": url_for("login", _external=True)}

    @app.get("/login")
    async def login():
        session["oauth_state"] = state = secrets.token_urlsafe(32)
        query = urlencode({"client_id": client_id, "scope": "chat:write", "state": state,
                           "redirect_uri": url_for("callback", _external=True)})
        # Slack's authorize page sits beside its API: https://slack.com/oauth/v2/authorize
        return redirect(urljoin(api_url, "/oauth/v2/authorize") + "?" + query)

    @app.get("/callback")
    async def callback():
        expected = session.pop("oauth_state", None)  # one use only
        state = request.args.get("state", "")
        if not expected or not hmac.compare_digest(expected.encode(), state.encode()):
            return {"error": "state missing or wrong"}, 400
        if "code" not in request.args:
            return {"error": request.args.get("error", "no code")}, 403
        pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        data = {"code": request.args["code"], "redirect_uri": url_for("callback", _external=True)}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http, \
                    http.post(urljoin(api_url, "oauth.v2.access"), data=data,
                              headers=headers) as resp:
                answer = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return {"error": f"could not reach Slack: {type(exc).__name__}"}, 502
        if not isinstance(answer, dict) or not answer.get("ok"):
            return {"error": "Slack refused the code",
                    "slack_error": answer.get("error") if isinstance(answer, dict) else None}, 403
        user = (answer.get("authed_user") or {}).get("id", "")
        tokens[user] = answer["access_token"]
        return {"slack_user": user, "team": (answer.get("team") or {}).get("id"),
                "token_stored": True}

    return app


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8312"))
    print(f"Serving on http://127.0.0.1:{port}/ (sign in at /login; Ctrl-C to stop)", flush=True)
    make_app().run(host="127.0.0.1", port=port, use_reloader=False)
