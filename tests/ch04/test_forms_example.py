"""ch04_jeeves.forms_example: server-side validation and a session-bound CSRF token."""

import re

from ch04_jeeves.forms_example import make_app

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


async def token(client) -> str:
    body = await (await client.get("/")).get_data(as_text=True)
    return TOKEN.search(body).group(1)


async def test_valid_form_is_accepted_and_escaped():
    client = make_app("k" * 32).test_client()
    resp = await client.post("/", form={"csrf_token": await token(client),
                                        "email": "ada@example.com", "location": "<Paris>"})
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Thanks, ada@example.com: we will tell you the weather in &lt;Paris&gt;." in body


async def test_invalid_fields_rerender_with_errors():
    client = make_app("k" * 32).test_client()
    resp = await client.post("/", form={"csrf_token": await token(client),
                                        "email": "nope", "location": ""})
    body = await resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Enter an email address." in body and "This field is required." in body
    assert 'value="nope"' in body  # what the user typed is kept


async def test_missing_forged_or_foreign_csrf_token_is_refused():
    app = make_app("k" * 32)
    client = app.test_client()
    good = {"email": "ada@example.com", "location": "Paris"}
    resp = await client.post("/", form=good)
    assert resp.status_code == 400 and "CSRF token missing." in await resp.get_data(as_text=True)
    await token(client)
    resp = await client.post("/", form={**good, "csrf_token": "20990101000000##" + "0" * 40})
    assert resp.status_code == 400 and "CSRF failed." in await resp.get_data(as_text=True)
    other = await token(app.test_client())  # another browser's session
    resp = await client.post("/", form={**good, "csrf_token": other})
    assert resp.status_code == 400 and "Thanks" not in await resp.get_data(as_text=True)


async def test_session_cookie_is_httponly_and_samesite():
    client = make_app("k" * 32).test_client()
    cookie = (await client.get("/")).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
