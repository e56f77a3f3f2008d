"""ch02_quart.email_render and ch02_quart.template_view: Jinja2 for mail and for HTML."""

from email import message_from_string
from email.utils import parsedate_to_datetime

import pytest
from jinja2 import UndefinedError

from ch02_quart import email_render
from ch02_quart.template_view import app


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


async def test_html_template_renders():
    response = await app.test_client().get(
        "/welcome", query_string=[("name", "Ada"), ("item", "fries"), ("item", "cola")])
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    html = await response.get_data(as_text=True)
    assert "<h1>Hello Ada!</h1>" in html
    assert "<li>fries</li>" in html and "<li>cola</li>" in html
    assert "You asked for 2 item(s)" in html


async def test_autoescaping_stops_script_injection():
    response = await app.test_client().get(
        "/welcome", query_string={"name": "<script>alert(1)</script>", "item": "a&b"})
    html = await response.get_data(as_text=True)
    assert "<script>" not in html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;!" in html
    assert "<li>a&amp;b</li>" in html


async def test_default_name_and_bad_input():
    client = app.test_client()
    assert "Hello stranger!" in await (await client.get("/welcome")).get_data(as_text=True)
    response = await client.get("/welcome", query_string={"name": "x" * 51})
    assert response.status_code == 400
    assert await response.get_json() == {"error": "name is 51 characters long, at most 50"}
    assert (await client.get("/nope")).status_code == 404
