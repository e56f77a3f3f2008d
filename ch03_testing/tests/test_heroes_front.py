"""ch03_testing.heroes_front in-process, its dependency served for real on a loopback port;
then end to end, both services started as processes.

``app.test_app()`` runs ``before_serving``/``after_serving`` (they open and
close the httpx client); the heroes API is the real stand-in, served on the test's loop.
Every way the dependency can fail gets a clear 502 or 504, never a 500.

End to end: ch03_testing.heroes_api (the dependency) and heroes_front (the
service a user calls), each run as ``python ch03_testing/<file>.py`` on a free
port; the front learns the API's URL from ``HEROES_API_URL``, as it would in a
deployment. Then we break the system the ways production does: stop the
dependency, or deploy a version of it with a changed format.
"""

import json
import urllib.error
import urllib.request

import pytest

from ch03_testing import heroes_api, heroes_front
from workbook.serving import dead_url, serve_in_loop, silent_listener


async def ask(api_url, path, monkeypatch, timeout=5.0):
    monkeypatch.setitem(heroes_front.app.config, "HEROES_API_URL", api_url)
    monkeypatch.setitem(heroes_front.app.config, "HEROES_API_TIMEOUT", timeout)
    async with heroes_front.app.test_app() as test_app:
        response = await test_app.test_client().get(path)
        return response.status_code, await response.get_json()


def answering(status, body, content_type="application/json"):
    """A WSGI stand-in that always answers ``status`` with ``body``."""
    def app(environ, start_response):
        start_response(status, [("Content-Type", content_type)])
        return [body]
    return app


async def test_heroes_over_30(monkeypatch):
    async with await serve_in_loop(heroes_api.make_app(1)) as api:
        status, body = await ask(api.url, "/heroes?over=30", monkeypatch)
    assert status == 200
    assert body == {"over": 30, "heroes": ["Madame Uppercut", "Eternal Flame"]}


async def test_default_over_is_zero(monkeypatch):
    async with await serve_in_loop(heroes_api.make_app(1)) as api:
        status, body = await ask(api.url, "/heroes", monkeypatch)
    assert (status, len(body["heroes"])) == (200, 3)


async def test_index_names_its_dependency(monkeypatch):
    status, body = await ask("http://127.0.0.1:8210", "/", monkeypatch)
    assert status == 200 and body["heroes_api"] == "http://127.0.0.1:8210"


@pytest.mark.parametrize("over", ["old", "-1", "3.5", ""])
async def test_bad_age_is_a_400_before_any_call(monkeypatch, over):
    status, body = await ask(dead_url(), f"/heroes?over={over}", monkeypatch)
    assert (status, body) == (400, {"error": "over must be a whole number"})


async def test_dependency_down_is_a_502(monkeypatch):
    url = dead_url()
    status, body = await ask(url, "/heroes?over=30", monkeypatch)
    assert status == 502
    assert body["error"] == "heroes API unreachable" and body["heroes_api"] == url


async def test_dependency_hung_is_a_504(monkeypatch):
    with silent_listener() as url:
        status, body = await ask(url, "/heroes?over=30", monkeypatch, timeout=0.3)
    assert (status, body) == (504, {"error": "heroes API timed out"})


async def test_dependency_500_is_a_502(monkeypatch):
    async with await serve_in_loop(answering("500 Internal Server Error", b'{"oops": 1}')) as api:
        status, body = await ask(api.url, "/heroes?over=30", monkeypatch)
    assert (status, body) == (502, {"error": "heroes API failed", "status": 500})


@pytest.mark.parametrize("app", [
    heroes_api.make_app(2),                                          # "members" renamed
    answering("200 OK", b"<html>maintenance</html>", "text/html"),   # not JSON
    answering("200 OK", json.dumps([1, 2]).encode()),                # JSON, wrong shape
], ids=["format2", "html", "list"])
async def test_unexpected_format_is_a_502(monkeypatch, app):
    async with await serve_in_loop(app) as api:
        status, body = await ask(api.url, "/heroes?over=30", monkeypatch)
    assert (status, body) == (502, {"error": "heroes API sent an unexpected format"})


async def test_unknown_path_is_a_json_404(monkeypatch):
    status, body = await ask(dead_url(), "/villains", monkeypatch)
    assert (status, body) == (404, {"error": "not found: try /heroes?over=30"})


# End to end: two processes, asked from outside like a user -------------------

def get(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.integration
def test_the_whole_system_answers_a_user(start_example):
    api = start_example("ch03.heroes_api")
    front = start_example("ch03.heroes_front", env={"HEROES_API_URL": api.url})
    assert get(front.url + "/heroes?over=30") == (
        200, {"over": 30, "heroes": ["Madame Uppercut", "Eternal Flame"]})
    assert get(front.url + "/heroes?over=1000000") == (200, {"over": 1000000, "heroes": []})
    assert get(front.url + "/heroes?over=old")[0] == 400


@pytest.mark.integration
def test_dependency_stopped_mid_flight(start_example):
    api = start_example("ch03.heroes_api")
    front = start_example("ch03.heroes_front", env={"HEROES_API_URL": api.url})
    assert get(front.url + "/heroes?over=30")[0] == 200
    api.stop()
    status, body = get(front.url + "/heroes?over=30")
    assert (status, body["error"]) == (502, "heroes API unreachable")
    # the front itself is still healthy and says which dependency it needs
    assert get(front.url + "/") == (200, {"service": "heroes_front", "heroes_api": api.url,
                                          "try": "/heroes?over=30"})


@pytest.mark.integration
def test_dependency_redeployed_with_a_new_format(start_example):
    api = start_example("ch03.heroes_api", env={"HEROES_FORMAT": "2"})
    front = start_example("ch03.heroes_front", env={"HEROES_API_URL": api.url})
    assert get(front.url + "/heroes?over=30") == (
        502, {"error": "heroes API sent an unexpected format"})
