"""Who is signed in: quart-auth's cookie for pages, its bearer mode for the API.

quart-auth only knows an ``auth_id``, signed with the app's secret key: here
``"<user id>.<session version>"``. The database row is loaded once per request;
a deactivated user, or a cookie or token older than the user's last logout or
password change (an older version), counts as signed out.
"""

from __future__ import annotations

from functools import wraps

from quart import current_app, g, request
from quart_auth import AuthUser, QuartAuth, Unauthorized, current_user
from werkzeug.exceptions import Forbidden

from ..models import User


def init_auth(app) -> None:
    """A login cookie for the pages; signed tokens in "Authorization: Bearer" for the API.

    New instances for every app: QuartAuth copies the app's config (Secure or
    not...) into itself, so a module-level one would carry one app's settings
    into the next.
    """
    QuartAuth(app)  # the singleton that current_user and login_user use
    app.extensions["jeeves_token_auth"] = QuartAuth(
        app, mode="bearer", singleton=False, attribute_name="_jeeves_api_user",
        cookie_name="JEEVES_API_UNUSED", salt="jeeves api token")


def token_auth() -> QuartAuth:
    return current_app.extensions["jeeves_token_auth"]


def sessions():
    return current_app.extensions["jeeves"].sessions


def auth_id_of(user: User) -> str:
    return f"{user.id}.{user.session_version or 0}"


async def load_user(auth_id: str | None) -> User | None:
    """The active user this cookie or token names, if it is still of the current version."""
    user_id, _, version = (auth_id or "").partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None  # also cookies from before versions existed ("<id>" alone)
    if len(user_id) > 10:
        return None
    async with sessions()() as session:
        user = await session.get(User, int(user_id))
    if user is None or not user.is_active or version != str(user.session_version or 0):
        return None
    return user


async def signed_in_user() -> User | None:
    """The active user behind the login cookie (pages), cached for this request."""
    if "jeeves_user" not in g:
        g.jeeves_user = await load_user(current_user.auth_id)
    return g.jeeves_user


async def api_user() -> User | None:
    """The API caller: a bearer token if one is sent, else the login cookie."""
    if request.headers.get("Authorization", "")[:6].lower() == "bearer":
        return await load_user(token_auth().load_user().auth_id)
    return await signed_in_user()


def issue_token(user: User) -> str:
    return token_auth().dump_token(auth_id_of(user))


def login(user: User) -> None:
    from quart_auth import login_user

    login_user(AuthUser(auth_id_of(user)))
    g.jeeves_user = user


def login_required(view):
    """Anonymous (or deactivated) users get Unauthorized: the pages redirect to /login."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        if await signed_in_user() is None:
            raise Unauthorized()
        return await view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """Anonymous users go to /login; signed-in users who are not admins get 403."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        user = await signed_in_user()
        if user is None:
            raise Unauthorized()
        if not user.is_admin:
            raise Forbidden("This page is for administrators.")
        return await view(*args, **kwargs)

    return wrapper
