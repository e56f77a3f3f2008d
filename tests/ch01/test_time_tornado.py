"""ch01_wsgi_async.time_tornado in-process with tornado.testing.AsyncHTTPTestCase."""

import json
import time

from tornado.testing import AsyncHTTPTestCase

from ch01_wsgi_async.time_tornado import make_app


class TimeTornadoTest(AsyncHTTPTestCase):
    def get_app(self):
        return make_app()

    def test_get_root_returns_the_time_as_json(self):
        before = time.time()
        response = self.fetch("/")
        assert response.code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert before <= json.loads(response.body)["time"] <= time.time()

    def test_slow_awaits_100_ms(self):
        started = time.monotonic()
        response = self.fetch("/slow")
        assert time.monotonic() - started >= 0.1
        assert json.loads(response.body)["slept"] == 0.1

    def test_unknown_path_is_a_json_404(self):
        response = self.fetch("/nope")
        assert response.code == 404
        assert json.loads(response.body) == {"error": 404, "message": "Not Found"}

    def test_wrong_method_is_a_json_405_without_traceback(self):
        response = self.fetch("/", method="POST", body=b"")
        assert response.code == 405
        assert json.loads(response.body) == {"error": 405, "message": "Method Not Allowed"}
        assert response.headers["Allow"] == "GET"
        assert b"Traceback" not in response.body
