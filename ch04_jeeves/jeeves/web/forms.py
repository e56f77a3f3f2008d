"""The forms, validated on the server, each with a CSRF token bound to the session.

WTForms' ``SessionCSRF`` keeps a random value in Quart's (signed) session and
puts an HMAC of it, with a time limit, in a hidden field. A POST whose token is
missing, forged, from another session or expired fails validation like any
other field: the form comes back with the error, status 400.
"""

from __future__ import annotations

from datetime import timedelta

from quart import current_app, request, session
from wtforms import BooleanField, EmailField, Form, PasswordField, StringField
from wtforms.csrf.session import SessionCSRF
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError

from ..accounts import MIN_PASSWORD, BadEmail, check_email


def valid_email(form, field) -> None:
    """The one address check (``accounts.check_email``); the field keeps the normalised form."""
    try:
        field.data = check_email(field.data or "")
    except BadEmail as exc:
        raise ValidationError(str(exc)) from None


NEW_PASSWORD = Length(min=MIN_PASSWORD, max=1024,
                      message=f"Use {MIN_PASSWORD} to 1024 characters.")


class JeevesForm(Form):
    class Meta:
        csrf = True
        csrf_class = SessionCSRF
        csrf_time_limit = timedelta(hours=2)

    @classmethod
    async def load(cls, **kwargs):
        """The form for this request: filled from the POSTed body, or empty for a GET."""
        formdata = await request.form if request.method == "POST" else None
        return cls(formdata=formdata, meta=csrf_meta(), **kwargs)


def csrf_meta() -> dict:
    secret = current_app.secret_key
    return {"csrf_secret": secret.encode() if isinstance(secret, str) else secret,
            "csrf_context": session}


class LoginForm(JeevesForm):
    email = EmailField("Email", [InputRequired(), valid_email])
    password = PasswordField("Password", [InputRequired(), Length(max=1024)])


class NewUserForm(JeevesForm):
    email = EmailField("Email", [InputRequired(), valid_email])
    password = PasswordField("Password", [InputRequired(), NEW_PASSWORD])
    confirm = PasswordField("Repeat the password",
                            [InputRequired(), EqualTo("password", "The passwords differ.")])
    location = StringField("Location", [Optional(), Length(max=200)])
    is_admin = BooleanField("Administrator")


class ProfileForm(JeevesForm):
    location = StringField("Location", [Optional(), Length(max=200)])


class PasswordForm(JeevesForm):
    """Changing one's password signs out every other browser and API token."""

    current = PasswordField("Current password", [InputRequired(), Length(max=1024)])
    new = PasswordField("New password", [InputRequired(), NEW_PASSWORD])
    confirm = PasswordField("Repeat the new password",
                            [InputRequired(), EqualTo("new", "The passwords differ.")])


class ActionForm(JeevesForm):
    """A button that changes something (deactivate, enable, log out): only the CSRF token."""


def empty_action_form() -> ActionForm:
    """For templates (the log-out button on every page): a token, nothing to read."""
    return ActionForm(formdata=None, meta=csrf_meta())
