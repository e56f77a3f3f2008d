"""The JSON API beside the pages: the same data for programs.

Authentication: ``Authorization: Bearer <token>`` (a signed token from
``POST /api/tokens`` with email and password, made by quart-auth's bearer
mode) or the browser's login cookie. No credentials: 401; not an admin where
an admin is needed: 403; errors are JSON.
"""

from __future__ import annotations

from quart import Blueprint, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..accounts import BadEmail, NotText, authenticate, check_email
from ..models import User
from ..payloads import BadPayload, load_object
from .auth import api_user, issue_token, sessions
from .pages import PER_PAGE, logs_page, page_number

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(HTTPException)
async def json_error(exc: HTTPException):
    return {"ok": False, "error": exc.name, "message": exc.description}, exc.code


def unauthorized():
    return {"ok": False, "error": "authentication required",
            "message": "send Authorization: Bearer <token> (POST /api/tokens) or sign in at /login"}, 401


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "slack_id": user.slack_id,
            "location": user.location, "is_active": user.is_active, "is_admin": user.is_admin}


@bp.post("/tokens")
async def tokens():
    usage = 'send {"email": "...", "password": "..."} as UTF-8 JSON'
    try:
        body = load_object(await request.get_data())
    except BadPayload as exc:
        return {"ok": False, "error": str(exc), "message": usage}, 400
    if not isinstance(body.get("email"), str) or not isinstance(body.get("password"), str):
        return {"ok": False, "error": usage}, 400
    try:
        email = check_email(body["email"])  # the forms' check: a shape, not a lookup
    except BadEmail as exc:
        return {"ok": False, "error": str(exc), "message": usage}, 400
    try:
        user = await authenticate(sessions(), email, body["password"])
    except NotText as exc:  # refused before any lookup: the same for every address
        return {"ok": False, "error": str(exc)}, 400
    if user is None:  # unknown, wrong password or deactivated: one answer, one duration
        return {"ok": False, "error": "wrong email or password"}, 401
    return {"ok": True, "token": issue_token(user), "token_type": "Bearer"}


@bp.get("/users")
async def users():
    me = await api_user()
    if me is None:
        return unauthorized()
    if not me.is_admin:
        return {"ok": False, "error": "admins only"}, 403
    async with sessions()() as session:
        rows = (await session.scalars(select(User).order_by(User.id))).all()
    return {"ok": True, "users": [user_json(u) for u in rows]}


@bp.get("/me")
async def me_():
    me = await api_user()
    if me is None:
        return unauthorized()
    return {"ok": True, "user": user_json(me)}


@bp.get("/logs")
async def logs():
    me = await api_user()
    if me is None:
        return unauthorized()
    page = page_number()  # BadRequest: JSON through json_error
    rows, total = await logs_page(me, page)
    return {"ok": True, "page": page, "per_page": PER_PAGE, "total": total,
            "logs": [{"id": r.id, "created_at": r.created_at.isoformat(), "user_id": r.user_id,
                      "service": r.service, "message": r.message, "outcome": r.outcome}
                     for r in rows]}
