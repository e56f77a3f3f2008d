"""Logging in with quart-auth: a signed cookie, a protected view, an admin-only view.

What it shows: quart-auth's ``QuartAuth`` with the user's id in a signed,
``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` too, unless ``LOGIN_DEV=1``
for plain http on your machine). ``login_required`` answers 401 to anonymous
callers, an admin-only view 403 to other users. Passwords: scrypt hashes only.

Run it:   LOGIN_DEV=1 python ch04_jeeves/logging_in.py    (PORT=8311 by default; users
          ada@example.com (admin) and bo@example.com, password LOGIN_DEMO_PASSWORD
          or a random one printed at start-up)
Ask it:   curl -i -c jar -d 'email=ada@example.com&password=<password>' http://127.0.0.1:8311/login
          curl -b jar http://127.0.0.1:8311/me      curl -b jar http://127.0.0.1:8311/admin
Expect:   /login -> 200 {"logged_in": "ada@example.com"} and a Set-Cookie QUART_AUTH=...;
          /me -> {"email": "ada@example.com", "admin": true}; without the cookie -> 401;
          a wrong password -> 401; bo on /admin -> 403.
"""

import os
import secrets

from quart import Quart, request
from quart_auth import AuthUser, QuartAuth, current_user, login_required, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash


def make_app(password: str | None = None, dev: bool | None = None) -> Quart:
    app = Quart(__name__)
    app.secret_key = os.environ.get("LOGIN_SECRET_KEY") or secrets.token_hex(32)
    dev = os.environ.get("LOGIN_DEV") == "1" if dev is None else dev
    app.config["QUART_AUTH_COOKIE_SECURE"] = not dev  # https only, except on your machine
    app.config["QUART_AUTH_COOKIE_SAMESITE"] = "Lax"  # not sent with cross-site POSTs
    QuartAuth(app)
    app.config["DEMO_PASSWORD"] = password = (
        password or os.environ.get("LOGIN_DEMO_PASSWORD") or secrets.token_urlsafe(12))
    # id -> (email, scrypt hash, admin); a real app reads these from its database.
    users = {"1": ("ada@example.com", generate_password_hash(password), True),
             "2": ("bo@example.com", generate_password_hash(password), False)}
    by_email = {email: uid for uid, (email, _, _) in users.items()}
    unknown = generate_password_hash(secrets.token_hex(16))  # checked for unknown emails

    @app.errorhandler(HTTPException)
    async def as_json(exc):
        return {"error": exc.name, "message": exc.description}, exc.code

    @app.get("/")
    async def index():
        if await current_user.is_authenticated:
            return {"hello": users[current_user.auth_id][0]}
        return {"hello": "anonymous", "login": "POST /login with email and password"}

    @app.post("/login")
    async def login():
        form = await request.form
        uid = by_email.get(form.get("email", ""))
        # One hash check whatever the email (not a hash made *and* checked for an unknown
        # one, which takes twice as long): timing does not tell which emails exist.
        stored = users[uid][1] if uid else unknown
        if not check_password_hash(stored, form.get("password", "")) or uid is None:
            return {"error": "wrong email or password"}, 401
        login_user(AuthUser(uid))
        return {"logged_in": users[uid][0]}

    @app.post("/logout")
    async def logout():
        logout_user()
        return {"logged_out": True}  # a view must return a response

    @app.get("/me")
    @login_required
    async def me():
        email, _, admin = users[current_user.auth_id]
        return {"email": email, "admin": admin}

    @app.get("/admin")
    @login_required
    async def admin():
        if not users[current_user.auth_id][2]:
            return {"error": "admins only"}, 403
        return {"users": [email for email, _, _ in users.values()]}

    return app


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8311"))
    app = make_app()
    if not os.environ.get("LOGIN_DEMO_PASSWORD"):
        print(f"development: demo password for ada@example.com and bo@example.com: "
              f"{app.config['DEMO_PASSWORD']}", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
