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
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

# A plain shape check (WTForms' Email() needs the email_validator package).
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address.")


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
    email = EmailField("Email", [InputRequired(), EMAIL, Length(max=254)])
    password = PasswordField("Password", [InputRequired(), Length(max=1024)])


class NewUserForm(JeevesForm):
    email = EmailField("Email", [InputRequired(), EMAIL, Length(max=254)])
    password = PasswordField("Password", [InputRequired(), Length(
        min=10, max=1024, message="Use 10 to 1024 characters.")])
    confirm = PasswordField("Repeat the password",
                            [InputRequired(), EqualTo("password", "The passwords differ.")])
    location = StringField("Location", [Optional(), Length(max=200)])
    is_admin = BooleanField("Administrator")


class ProfileForm(JeevesForm):
    location = StringField("Location", [Optional(), Length(max=200)])


class ActionForm(JeevesForm):
    """A button that changes something (deactivate, enable, log out): only the CSRF token."""


def empty_action_form() -> ActionForm:
    """For templates (the log-out button on every page): a token, nothing to read."""
    return ActionForm(formdata=None, meta=csrf_meta())
