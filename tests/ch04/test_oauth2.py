"""ch04_jeeves.oauth2: state checked, code exchanged with HTTP Basic, against the Slack stand-in."""

from urllib.parse import parse_qs, urlsplit

import aiohttp

from ch04_jeeves.oauth2 import make_app


async def start(slack_api, **kw):
    app = make_app(api_url=slack_api.url + "/api/", **kw)
    client = app.test_client()
    resp = await client.get("/login")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith(slack_api.url + "/oauth/v2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert len(query["state"][0]) >= 40 and "client_secret" not in query
    async with aiohttp.ClientSession() as http, http.get(location, allow_redirects=False) as r:
        back = urlsplit(r.headers["Location"])
    return app, client, f"{back.path}?{back.query}"


async def test_success_stores_the_token_and_never_shows_it(slack_api):
    app, client, callback = await start(slack_api)
    resp = await client.get(callback)
    data = await resp.get_json()
    assert resp.status_code == 200
    assert data == {"slack_user": "U0LEARNER", "team": "T0STANDIN", "token_stored": True}
    assert app.config["TOKENS"] == {"U0LEARNER": slack_api.state["token"]}
    assert slack_api.state["token"] not in await resp.get_data(as_text=True)


async def test_wrong_or_missing_state_is_refused(slack_api):
    app, client, callback = await start(slack_api)
    forged = callback.replace("state=", "state=x")
    resp = await client.get(forged)
    assert resp.status_code == 400 and await resp.get_json() == {"error": "state missing or wrong"}
    assert (await client.get(callback)).status_code == 400  # the state was used up
    assert (await app.test_client().get(callback)).status_code == 400  # another browser
    assert app.config["TOKENS"] == {}


async def test_refused_code_and_wrong_secret(slack_api):
    app, client, callback = await start(slack_api)
    resp = await client.get(callback.replace("code=standin-code", "code=stolen"))
    assert resp.status_code == 403 and (await resp.get_json())["slack_error"] == "invalid_code"
    app, client, callback = await start(slack_api, client_secret="wrong")
    resp = await client.get(callback)
    assert resp.status_code == 403
    assert (await resp.get_json())["slack_error"] == "bad_client_secret"


async def test_unreachable_slack_is_a_502():
    app = make_app(api_url="http://127.0.0.1:9/api/")
    client = app.test_client()
    resp = await client.get("/login")
    state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
    resp = await client.get(f"/callback?code=c&state={state}")
    assert resp.status_code == 502 and "could not reach Slack" in (await resp.get_json())["error"]
