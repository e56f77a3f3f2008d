"""ch02_quart.email_render: Jinja2 renders an e-mail, and refuses a missing value."""

from email import message_from_string
from email.utils import parsedate_to_datetime

import pytest
from jinja2 import UndefinedError

from ch02_quart import email_render


def test_every_field_is_rendered():
    data = email_render.example_data()
    text = email_render.render_email(**data)
    mail = message_from_string(text)  # it parses as a real e-mail
    assert mail["Date"] == data["date"]
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    assert mail["To"] == "ada@example.com" and mail["From"] == "orders@example.com"
    assert mail["Subject"] == "Your Tarek's Burger order"
    body = mail.get_payload()
    assert "Hello Ada," in body
    assert "- Cheeseburger (4.5 Euros)\n- Fries (2.0 Euros)\n- Root beer (3.0 Euros)\n" in body
    assert "Total: 9.5 Euros" in body
    assert "{{" not in text and "{%" not in text


def test_the_notes_misspelt_key_is_an_error_not_a_blank():
    data = email_render.example_data()
    data["data"] = data.pop("date")  # the notes: 'data': time.time()
    with pytest.raises(UndefinedError, match="'date' is undefined"):
        email_render.render_email(**data)


def test_default_jinja_would_have_left_it_blank():
    from jinja2 import Environment, FileSystemLoader
    lenient = Environment(loader=FileSystemLoader(email_render.HERE))
    data = email_render.example_data()
    del data["date"]
    text = lenient.get_template("email_template.j2").render(**data)
    assert text.startswith("Date: \n")  # why the learner saw no date


def test_script_output(capsys):
    import runpy
    runpy.run_path(str(email_render.HERE / "email_render.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("Date: ") and "UndefinedError: 'date' is undefined" in out
