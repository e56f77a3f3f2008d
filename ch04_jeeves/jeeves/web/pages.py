"""The pages everyone sees: home, login/logout, recent activity, profile.

Errors on these pages are HTML (the app's JSON error handler stays for the
Slack endpoint and the API); an anonymous visitor to a protected page is
redirected to ``/login?next=<page>``.
"""

from __future__ import annotations

import asyncio
import re

from quart import Blueprint, redirect, render_template, request, url_for
from quart_auth import Unauthorized, logout_user
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from ..accounts import NotText, authenticate, password_matches, revoke_sessions
from ..models import Log, Service, SlackToken, User
from .auth import login, login_required, sessions, signed_in_user
from .forms import ActionForm, LoginForm, PasswordForm, ProfileForm, csrf_meta, empty_action_form

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")
PER_PAGE = 20
MAX_PAGE = 100_000
PAGE_PREFIXES = ("/home", "/login", "/logout", "/activity", "/profile", "/admin/", "/static/")
# A path on this site: "/" then printable ASCII, never "//" or a backslash at the
# start (browsers read "//evil.example" and "/\evil.example" as another host), no
# backslash, space or control character anywhere (a CR LF would split the header).
LOCAL_PATH = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")
FEATURES = (
    ("weather [in] <place>", "the weather now, anywhere (or where you are)"),
    ("config location <place>", "remember where you are"),
    ("get location", "say where Jeeves thinks you are"),
    ("services", "what is switched on"),
    ("help", "the list of commands"),
)


async def render(template: str, status: int = 200, **context):
    context.setdefault("me", await signed_in_user())
    return await render_template(template, **context), status


@bp.app_context_processor
def forms_in_templates():
    return {"logout_form": empty_action_form}


@bp.errorhandler(HTTPException)
async def html_error(exc: HTTPException):
    return await render("error.html", exc.code or 500, error=exc)


@bp.app_errorhandler(Unauthorized)
async def to_login(exc: Unauthorized):
    if request.path.startswith("/api/"):
        return {"ok": False, "error": "authentication required",
                "message": "send Authorization: Bearer <token> (POST /api/tokens) "
                           "or sign in at /login"}, 401
    return redirect(url_for("web.login_page", next=request.full_path.rstrip("?")))


@bp.app_errorhandler(NotFound)
async def page_not_found(exc: NotFound):
    # A URL under the pages that matches no route (a 23-digit id in an admin URL):
    # an HTML page, like the pages' other errors. Elsewhere, the app's JSON error.
    if request.path.startswith(PAGE_PREFIXES):
        return await html_error(exc)
    return {"ok": False, "error": exc.name, "message": exc.description}, 404


@bp.before_app_request
async def browsers_to_home():
    # "/" answers JSON for programs (part 1); a browser asking for HTML gets the home page.
    if request.path == "/" and request.method == "GET" and \
            request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return redirect(url_for("web.home"))
    return None


def safe_next(target: str | None) -> str:
    """Only a local path: ``next=https://evil.example`` must not become an open redirect."""
    if not target or not LOCAL_PATH.fullmatch(target):
        return url_for("web.home")
    return target


@bp.get("/home")
async def home():
    async with sessions()() as session:
        services = (await session.scalars(select(Service).order_by(Service.name))).all()
    return await render("home.html", services=services, features=FEATURES)


@bp.route("/login", methods=["GET", "POST"])
async def login_page():
    form = await LoginForm.load()
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET":
        return await render("login.html", form=form, next_url=next_url)
    if not form.validate():
        return await render("login.html", 400, form=form, next_url=next_url)
    try:
        user = await authenticate(sessions(), form.email.data, form.password.data)
    except NotText as exc:  # refused before any lookup: the same for every address
        form.form_errors.append(str(exc).capitalize() + ".")
        return await render("login.html", 400, form=form, next_url=next_url)
    # One message, and one duration, for an unknown email, a wrong password or a
    # deactivated account.
    if user is None:
        form.form_errors.append("Wrong email or password.")
        return await render("login.html", 401, form=form, next_url=next_url)
    login(user)
    return redirect(next_url)


@bp.post("/logout")
async def logout():
    form = await ActionForm.load()
    if not form.validate():
        raise BadRequest("The form expired or was not sent by this site; log out again.")
    me = await signed_in_user()
    if me is not None:
        # Clearing this browser's cookie is not enough: a copy of it (another tab
        # synced, a stolen cookie) must stop working too.
        await revoke_sessions(sessions(), me.id)
    logout_user()
    # The book's logout view returned None (a 500); a view must return a response.
    return redirect(url_for("web.login_page"))


def page_number() -> int:
    """``?page=``: 1 to MAX_PAGE in ASCII digits ("²" is a digit to ``str.isdigit``)."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        raise BadRequest(f"page must be a positive whole number (at most {MAX_PAGE})")
    return int(raw)


async def logs_page(user: User, page: int) -> tuple[list[Log], int]:
    """A page of logs, newest first: every log for an admin, one's own for anyone else."""
    query, count = select(Log), select(func.count(Log.id))
    if not user.is_admin:
        query, count = query.where(Log.user_id == user.id), count.where(Log.user_id == user.id)
    async with sessions()() as session:
        total = await session.scalar(count)
        rows = (await session.scalars(query.order_by(Log.id.desc())
                                      .offset((page - 1) * PER_PAGE).limit(PER_PAGE))).all()
    return list(rows), total or 0


@bp.get("/activity")
@login_required
async def activity():
    me = await signed_in_user()
    page = page_number()
    rows, total = await logs_page(me, page)
    pages = max(1, -(-total // PER_PAGE))
    return await render("activity.html", logs=rows, page=page, pages=pages, total=total)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
async def profile():
    me = await signed_in_user()
    form = await ProfileForm.load(data={"location": me.location or ""})
    if request.method == "POST":
        if form.validate():
            async with sessions().begin() as session:
                user = await session.get(User, me.id)
                user.location = (form.location.data or "").strip() or None
            return redirect(url_for("web.profile", saved=1))
        return await profile_page(me, form, PasswordForm(formdata=None, meta=csrf_meta()), 400)
    return await profile_page(me, form, await PasswordForm.load())


@bp.post("/profile/password")
@login_required
async def change_password():
    """A new password; every other browser and API token is signed out, this one stays in."""
    me = await signed_in_user()
    form = await PasswordForm.load()
    if form.validate():
        current = form.current.data
        if not await asyncio.to_thread(password_matches, me.password_hash, current):
            form.current.errors = [*form.current.errors, "Wrong password."]
        else:
            async with sessions().begin() as session:
                user = await session.get(User, me.id)
                user.set_password(form.new.data)
                user.session_version = (user.session_version or 0) + 1
            login(user)
            return redirect(url_for("web.profile", saved=1))
    profile_form = ProfileForm(formdata=None, meta=csrf_meta(), data={"location": me.location or ""})
    return await profile_page(me, profile_form, form, 400)


async def profile_page(me: User, form: ProfileForm, password_form: PasswordForm, status: int = 200):
    async with sessions()() as session:
        linked = await session.get(SlackToken, me.id)
    return await render("profile.html", status, form=form, password_form=password_form,
                        linked=linked, saved=request.args.get("saved") == "1", me=await fresh(me))


async def fresh(user: User) -> User:
    async with sessions()() as session:
        return await session.get(User, user.id)
