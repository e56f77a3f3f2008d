"""A form with WTForms: server-side validation and a CSRF token bound to the session.

What it shows: the smallest correct form. GET renders it with a hidden
``csrf_token`` (an HMAC of a random value kept in Quart's signed session cookie);
POST checks the token and every field on the server. Invalid input re-renders
the form with the errors and status 400, never a 500; a POST without the
token (a forged cross-site request) is refused the same way.

Run it:   python ch04_jeeves/forms_example.py        (PORT=8310 by default)
          FORMS_SECRET_KEY signs the session; without it a random key is made
          at start-up (development only: sessions end at a restart).
Ask it:   open http://127.0.0.1:8310/ in a browser and submit the form, or
          curl -i -X POST -d 'email=ada@example.com&location=Paris' http://127.0.0.1:8310/
Expect:   the browser: "Thanks, ada@example.com: we will tell you the weather in Paris."
          curl (no token): 400 and the form again, with "CSRF token missing."
"""

import os
import secrets
from datetime import timedelta
from html import escape

from quart import Quart, request, session
from wtforms import EmailField, Form, StringField
from wtforms.csrf.session import SessionCSRF
from wtforms.validators import InputRequired, Length, Regexp


class SignupForm(Form):
    class Meta:
        csrf = True
        csrf_class = SessionCSRF  # the token is tied to this browser's session
        csrf_time_limit = timedelta(minutes=30)

    email = EmailField("Email", [InputRequired(), Length(max=254),
                                 Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                        message="Enter an email address.")])
    location = StringField("Where are you?", [InputRequired(), Length(max=100)])


PAGE = """<!doctype html><title>Sign up</title><h1>Sign up for weather alerts</h1>
<form method="post">{csrf}{errors}
<p>{email_label} {email} {email_errors}</p>
<p>{location_label} {location} {location_errors}</p>
<button type="submit">Sign up</button></form>"""


def page(form: SignupForm) -> str:
    def errs(field):
        return " ".join(f'<span class="error">{escape(e)}</span>' for e in field.errors)

    # WTForms escapes the values it renders; our own error text is escaped here.
    return PAGE.format(csrf=form.csrf_token(), errors=errs(form.csrf_token),
                       email_label=form.email.label(), email=form.email(),
                       email_errors=errs(form.email), location_label=form.location.label(),
                       location=form.location(), location_errors=errs(form.location))


def make_app(secret_key: str | None = None) -> Quart:
    app = Quart(__name__)
    app.secret_key = secret_key or os.environ.get("FORMS_SECRET_KEY") or secrets.token_hex(32)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")

    def form_for(formdata=None) -> SignupForm:
        return SignupForm(formdata=formdata, meta={"csrf_secret": app.secret_key.encode(),
                                                    "csrf_context": session})

    @app.get("/")
    async def show():
        return page(form_for())

    @app.post("/")
    async def submit():
        form = form_for(await request.form)
        if not form.validate():
            return page(form), 400
        return (f"<p>Thanks, {escape(form.email.data)}: we will tell you the weather in "
                f"{escape(form.location.data)}.</p>")

    return app


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8310"))
    app = make_app()
    if not os.environ.get("FORMS_SECRET_KEY"):
        print("development: FORMS_SECRET_KEY not set, using a random key", flush=True)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
