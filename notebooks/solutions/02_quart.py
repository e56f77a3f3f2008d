# Solutions to the exercises in notebooks/02_quart.ipynb, for the instructor.
# Each "# %% exercise: NAME" block replaces the notebook cell tagged exercise:NAME
# (tests/test_notebooks.py runs the notebook with them and expects every check to PASS).

# %% exercise: url_for
from quart import Quart, url_for

routes = Quart("routes")


@routes.route("/person/<person_id>")
async def person(person_id):
    return {"hello": person_id}


async def alice_url():
    async with routes.test_request_context("/", method="GET"):
        # The keyword is the route's variable: <person_id>, not name.
        return url_for("person", person_id="Alice")

# %% exercise: xff
class XFFMiddleware:
    def __init__(self, app, real_ip="10.1.1.1"):
        self.app = app
        self.real_ip = real_ip

    async def __call__(self, scope, receive, send):
        # ASGI: scope["headers"] is a list of (name, value) byte pairs, names lower-case.
        # Only HTTP requests have headers to fake ("lifespan" scopes have none).
        if scope["type"] == "http" and not any(
            name == b"x-forwarded-for" for name, _ in scope["headers"]
        ):
            forwarded = f"{self.real_ip}, 10.3.4.5, 127.0.0.1".encode()
            # A new scope rather than changing the server's dict in place.
            scope = {**scope, "headers": [*scope["headers"], (b"x-forwarded-for", forwarded)]}
        return await self.app(scope, receive, send)

# %% exercise: template
from datetime import UTC, datetime
from email.utils import format_datetime

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ch02_quart.email_render import HERE

# StrictUndefined: a misspelt key now raises UndefinedError instead of printing nothing.
book_env = Environment(loader=FileSystemLoader(HERE), undefined=StrictUndefined)


def render_email(**data):
    return book_env.get_template("email_template.j2").render(**data)


data = {
    "date": format_datetime(datetime.now(UTC)),  # the key the template uses: date
    "to": "bob@example.com",
    "from": "orders@example.com",
    "subject": "Your order",
    "name": "Bob",
    "items": [{"name": "Burger", "price": 5.0}, {"name": "Fries", "price": 2.0}],
}
print(render_email(**data))
