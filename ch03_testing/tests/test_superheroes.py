"""Unit tests with mocks, the same code against a real local server, and mock drift.

ch03_testing.superheroes calls an HTTP API through ``query_url``. Three ways to test it:

1. ``unittest.mock`` replaces ``query_url`` (or ``requests.get``): fast, isolated,
   and blind to what the real service sends.
2. ch03_testing.heroes_api, the stand-in, served for real on a loopback port
   the OS picked: the function runs end to end through ``requests``.
3. Drift: the service changes its format (``HEROES_FORMAT=2``); the mock-based
   test still passes, only the test against the real server notices.
"""

from unittest import mock

import pytest
import requests

from ch03_testing import heroes_api, superheroes
from ch03_testing.superheroes import HeroesFormatError, format_heroes_over
from workbook.serving import dead_url, serve_in_thread

FAKE_HEROES = {
    "members": [
        {"name": "Age 20 Hero", "age": 20},
        {"name": "Age 30 Hero", "age": 30},
        {"name": "Age 40 Hero", "age": 40},
    ]
}


@pytest.fixture
def heroes_url():
    with serve_in_thread(heroes_api.make_app(1)) as api:
        yield api.url + "/superheroes.json"


@pytest.fixture
def heroes_v2_url():
    with serve_in_thread(heroes_api.make_app(2)) as api:
        yield api.url + "/superheroes.json"


# 1. Mocks -------------------------------------------------------------------

def test_str_over_30_with_a_mocked_query_url():
    with mock.patch.object(superheroes, "query_url", return_value=FAKE_HEROES) as fake:
        assert format_heroes_over(age=30) == "Age 40 Hero is over 30\n"
    fake.assert_called_once_with(superheroes.SUPERHEROES_URL)


def test_str_over_0_lists_everyone():
    with mock.patch.object(superheroes, "query_url", return_value=FAKE_HEROES):
        assert format_heroes_over(age=0).count(" is over 0\n") == 3


def test_raise_http_error_with_a_mocked_requests_get():
    # one level lower: fake the library, so our own query_url still runs
    response = mock.Mock(spec=requests.Response)
    response.raise_for_status.side_effect = requests.HTTPError("500 Server Error")
    with mock.patch.object(superheroes.requests, "get", return_value=response) as get:
        with pytest.raises(requests.HTTPError):
            format_heroes_over(age=30)
    get.assert_called_once()


def test_autospec_catches_a_wrong_call_signature():
    # a bare Mock accepts any call, even one the real function would refuse...
    with mock.patch.object(superheroes, "query_url") as loose:
        loose("a", "b", "c")
    # ...autospec copies the real signature, so the mock drifts less
    with mock.patch.object(superheroes, "query_url", autospec=True) as strict:
        with pytest.raises(TypeError):
            strict("a", "b", "c")


# 2. A real local HTTP server ------------------------------------------------

def test_format_heroes_over_against_the_stand_in(heroes_url):
    assert format_heroes_over(age=30, url=heroes_url) == (
        "Madame Uppercut is over 30\nEternal Flame is over 30\n"
    )


def test_query_url_returns_the_real_document(heroes_url):
    body = superheroes.query_url(heroes_url)
    assert body["squadName"] == "Super hero squad"
    assert [m["name"] for m in body["members"]][:1] == ["Molecule Man"]


def test_wrong_path_is_an_http_error(heroes_url):
    with pytest.raises(requests.HTTPError, match="404"):
        superheroes.query_url(heroes_url.replace("superheroes", "villains"))


def test_nobody_listening_is_a_connection_error():
    with pytest.raises(requests.ConnectionError):
        format_heroes_over(age=30, url=dead_url() + "/superheroes.json")


# 3. Mock drift --------------------------------------------------------------

def test_mock_drift_only_the_real_server_notices(heroes_v2_url):
    # The unit test with the old-format mock still passes after the service changed...
    with mock.patch.object(superheroes, "query_url", return_value=FAKE_HEROES):
        assert format_heroes_over(age=30) == "Age 40 Hero is over 30\n"
    # ...but the real service now sends "squad", not "members".
    assert "members" not in superheroes.query_url(heroes_v2_url)
    with pytest.raises(HeroesFormatError, match="no 'members' list"):
        format_heroes_over(age=30, url=heroes_v2_url)


def test_the_books_version_would_have_hidden_the_drift(heroes_v2_url):
    # the book's get_hero_names used json_body.get("members", []): no error, no heroes
    json_body = superheroes.query_url(heroes_v2_url)
    assert [m["name"] for m in json_body.get("members", [])] == []


# The script, in-process -----------------------------------------------------

def test_main_against_the_stand_in(capsys, monkeypatch, heroes_url):
    monkeypatch.setattr(superheroes, "SUPERHEROES_URL", heroes_url)
    assert superheroes.main(["30"]) == 0
    out = capsys.readouterr().out
    assert "Madame Uppercut is over 30\nEternal Flame is over 30\n" in out


def test_main_reports_an_unreachable_service(capsys, monkeypatch):
    monkeypatch.setattr(superheroes, "SUPERHEROES_URL", dead_url() + "/superheroes.json")
    assert superheroes.main(["30"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_main_reports_a_changed_format(capsys, monkeypatch, heroes_v2_url):
    monkeypatch.setattr(superheroes, "SUPERHEROES_URL", heroes_v2_url)
    assert superheroes.main(["30"]) == 1
    assert "no 'members' list" in capsys.readouterr().err
