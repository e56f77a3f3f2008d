"""End to end: two services started as processes, asked from outside like a user.

ch03_testing.heroes_api (the dependency) and ch03_testing.heroes_front (the
service a user calls), each run as ``python ch03_testing/<file>.py`` on a free
port; the front learns the API's URL from ``HEROES_API_URL``, as it would in a
deployment. Then we break the system the ways production does: stop the
dependency, or deploy a version of it with a changed format.
"""

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.integration


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_the_whole_system_answers_a_user(start_example):
    api = start_example("ch03.heroes_api")
    front = start_example("ch03.heroes_front", env={"HEROES_API_URL": api.url})
    assert get(front.url + "/heroes?over=30") == (
        200, {"over": 30, "heroes": ["Madame Uppercut", "Eternal Flame"]})
    assert get(front.url + "/heroes?over=1000000") == (200, {"over": 1000000, "heroes": []})
    assert get(front.url + "/heroes?over=old")[0] == 400


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


def test_dependency_redeployed_with_a_new_format(start_example):
    api = start_example("ch03.heroes_api", env={"HEROES_FORMAT": "2"})
    front = start_example("ch03.heroes_front", env={"HEROES_API_URL": api.url})
    assert get(front.url + "/heroes?over=30") == (
        502, {"error": "heroes API sent an unexpected format"})
