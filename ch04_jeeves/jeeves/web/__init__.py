"""Jeeves for humans: web pages, login, admin rights, "Sign in with Slack", a JSON API.

``init_web(app, settings)`` adds it all to the app from ``create_app``:

* ``pages``: home, recent activity, profile, login/logout (quart-auth's ``QuartAuth``)
* ``admin``: users (list, create, deactivate) and services (enable/disable), admins only
* ``oauth``: Slack OAuth v2 ("Sign in with Slack"), with a ``state`` checked on return
* ``api``: ``/api/users``, ``/api/logs`` and ``/api/tokens``, by bearer token or session

Forms are WTForms with a CSRF token bound to Quart's session.
"""

from __future__ import annotations

import logging
import secrets

from quart import Quart

from ..config import Settings
from .auth import init_auth

log = logging.getLogger("jeeves.web")


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
    from . import admin, api, oauth, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(api.bp)
