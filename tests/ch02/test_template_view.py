"""ch02_quart.template_view: Jinja2 renders HTML, autoescaped."""

from ch02_quart.template_view import app


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
