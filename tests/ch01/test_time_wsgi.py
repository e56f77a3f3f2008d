"""time_wsgi in-process, with Werkzeug's test Client (it speaks WSGI to the callable)."""

import time

from werkzeug.test import Client

from ch01_wsgi_async.time_wsgi import application


def test_get_root_returns_the_time_as_json():
    before = time.time()
    response = Client(application).get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert before <= response.json["time"] <= time.time()


def test_head_is_allowed():
    assert Client(application).head("/").status_code == 200


def test_unknown_path_is_a_json_404():
    response = Client(application).get("/nope")
    assert response.status_code == 404
    assert response.json == {"error": "404 Not Found", "message": "no such path"}


def test_wrong_method_is_a_json_405_with_allow():
    response = Client(application).post("/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.json["error"] == "405 Method Not Allowed"


def test_slow_waits_then_answers_with_slept():
    started = time.monotonic()
    response = Client(application).get("/slow")
    assert time.monotonic() - started >= 0.1  # time.sleep really blocked this thread
    assert response.status_code == 200
    assert response.json["slept"] == 0.1
    assert isinstance(response.json["time"], float)


def test_slow_with_wrong_method_is_405():
    assert Client(application).post("/slow").status_code == 405
