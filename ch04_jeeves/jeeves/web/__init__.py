"""Jeeves for humans: web pages, login, admin rights, "Sign in with Slack", a JSON API.

``init_web(app, settings)`` adds it all to the app from ``create_app``:

* ``pages``: home, recent activity, profile, login/logout (quart-auth's ``QuartAuth``)
* ``admin``: users (list, create, deactivate) and services (enable/disable), admins only
* ``oauth``: Slack OAuth v2 ("Sign in with Slack"), with a ``state`` checked on return
* ``api``: ``/api/users``, ``/api/logs`` and ``/api/tokens``, by bearer token or session

Forms are WTForms with a CSRF token bound to Quart's session; every answer
carries a Content-Security-Policy that forbids framing (``SECURITY_HEADERS``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from quart import Quart

from ..accounts import dummy_hash
from ..config import Settings
from .auth import init_auth

log = logging.getLogger("jeeves.web")
# On every response. The pages use this site's files only (no inline script or
# style), forms post here only, and no other site may frame them (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_web(app: Quart, settings: Settings) -> None:
    if settings.secret_key:
        app.secret_key = settings.secret_key
    else:
        app.secret_key = secrets.token_hex(32)
        log.warning("JEEVES_SECRET_KEY is not set: using a random key, so logins end at a restart")
    secure = not settings.dev  # development runs on plain http://127.0.0.1
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
        QUART_AUTH_COOKIE_HTTP_ONLY=True, QUART_AUTH_COOKIE_SAMESITE="Lax",
        QUART_AUTH_COOKIE_SECURE=secure, QUART_AUTH_DURATION=14 * 24 * 3600,
    )
    init_auth(app)

    @app.before_serving
    async def warm_dummy_hash():
        # Made once per process, before the first login: else the first unknown
        # address would pay for making it too, and take longer than a known one.
        await asyncio.to_thread(dummy_hash)

    @app.after_request
    async def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from . import admin, api, oauth, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(api.bp)
