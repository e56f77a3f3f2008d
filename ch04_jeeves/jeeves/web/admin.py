"""Admin pages: users (list, create, deactivate) and services (enable/disable).

Every view is ``admin_required``: anonymous visitors are sent to the login
page, signed-in users who are not admins get 403 (the book's ``/users`` was
open to anyone). Every change is a POST carrying the form's CSRF token.
"""

from __future__ import annotations

from quart import Blueprint, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from ..accounts import find_by_email
from ..models import Service, User
from .auth import admin_required, sessions, signed_in_user
from .forms import ActionForm, NewUserForm
from .pages import html_error, render

# Ids are 32-bit integers in the database: a longer one in the URL is simply not
# found (404), not an overflow in the driver (a 500).
ID = "int(max=2147483647)"
bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
bp.register_error_handler(HTTPException, html_error)  # HTML errors, as on the other pages


async def users_page(form: NewUserForm, status: int = 200, message: str = ""):
    async with sessions()() as session:
        users = (await session.scalars(select(User).order_by(User.id))).all()
    return await render("admin/users.html", status, users=users, form=form,
                        action=await ActionForm.load(), message=message)


@bp.get("/users")
@admin_required
async def users():
    return await users_page(await NewUserForm.load(), message=request.args.get("message", ""))


@bp.post("/users")
@admin_required
async def create_user():
    form = await NewUserForm.load()
    if not form.validate():
        return await users_page(form, 400)
    user = User(email=form.email.data, location=form.location.data or None,
                is_admin=form.is_admin.data, config={})
    user.set_password(form.password.data)
    try:
        async with sessions().begin() as session:
            # Looked up case-blind too: an older database may hold "Ada@" beside our "ada@".
            taken = await find_by_email(session, user.email) is not None
            if not taken:
                session.add(user)
    except IntegrityError:  # created meanwhile by another request
        taken = True
    if taken:
        form.email.errors = [*form.email.errors, "A user with this email exists already."]
        return await users_page(form, 409)
    return redirect(url_for("admin.users", message=f"Created {user.email}."))


async def checked_action() -> None:
    form = await ActionForm.load()
    if not form.validate():
        raise BadRequest("The form expired or was not sent by this site; try again.")


@bp.post(f"/users/<{ID}:user_id>/deactivate")
@admin_required
async def deactivate(user_id: int):
    await checked_action()
    me = await signed_in_user()
    if user_id == me.id:
        raise BadRequest("You cannot deactivate yourself.")
    async with sessions().begin() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.")
        user.is_active = False
        label = user.email or user.slack_id
    return redirect(url_for("admin.users", message=f"Deactivated {label}."))


@bp.get("/services")
@admin_required
async def services():
    async with sessions()() as session:
        rows = (await session.scalars(select(Service).order_by(Service.name))).all()
    return await render("admin/services.html", services=rows, action=await ActionForm.load())


@bp.post(f"/services/<{ID}:service_id>/<any(enable, disable):change>")
@admin_required
async def switch_service(service_id: int, change: str):
    await checked_action()
    async with sessions().begin() as session:
        service = await session.get(Service, service_id)
        if service is None:
            raise NotFound(f"No service {service_id}.")
        service.enabled = change == "enable"
    return redirect(url_for("admin.services"))
