"""Rendering an e-mail with a Jinja2 template.

What it shows: a template file with ``{{ variables }}`` and a ``{% for %}``
loop, rendered with a dict of data. The environment uses ``StrictUndefined``,
so a missing or misspelt key (the notes' ``data`` for ``date``) raises
``UndefinedError: 'date' is undefined`` instead of leaving a blank line, as
Jinja2's default does. The template is found next to this file; autoescaping
is off: this is plain text (template_view.py shows HTML autoescaping).

Run it:   python ch02_quart/email_render.py
Expect:   the e-mail: Date (RFC 5322), From, Subject, To headers filled,
          "Hello Ada,", the three items with their prices, and the total; then
          a check that a missing "date" is reported, not left blank.
"""

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError

HERE = Path(__file__).resolve().parent
env = Environment(loader=FileSystemLoader(HERE), undefined=StrictUndefined,
                  autoescape=False, keep_trailing_newline=True)


def render_email(**data):
    return env.get_template("email_template.j2").render(**data)


def example_data():
    return {
        "date": format_datetime(datetime.now(UTC)),
        "to": "ada@example.com",
        "from": "orders@example.com",
        "subject": "Your Tarek's Burger order",
        "name": "Ada",
        "items": [
            {"name": "Cheeseburger", "price": 4.5},
            {"name": "Fries", "price": 2.0},
            {"name": "Root beer", "price": 3.0},
        ],
    }


if __name__ == "__main__":
    print(render_email(**example_data()))
    wrong = example_data()
    wrong["data"] = wrong.pop("date")  # the notes' misspelling
    try:
        render_email(**wrong)
    except UndefinedError as exc:
        print(f"With 'data' instead of 'date': UndefinedError: {exc}")
