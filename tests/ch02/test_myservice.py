"""ch02_quart.myservice served for real: with the hypercorn CLI and with python -m.

The package's unit tests live in ch02_quart/myservice/tests/; here we check the
two ways the README says to run it, over real HTTP on a free port.
"""

import json
import sys
import urllib.error
import urllib.request

import pytest

from workbook import catalogue, serving


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.integration
def test_served_by_the_hypercorn_command_line():
    example = catalogue.get("ch02.myservice")
    with serving.start_process(
        lambda port: [sys.executable, "-m", "hypercorn", "ch02_quart.myservice:create_app()",
                      "--bind", f"127.0.0.1:{port}"],
        name="myservice (hypercorn CLI)", env=serving.example_env(example),
        ready_path="/health",
    ) as server:
        assert get_json(server.url + "/") == (
            200, {"service": "myservice", "greeting": "Hello from myservice"})
        status, body = get_json(server.url + "/nope")
        assert status == 404 and body["code"] == 404


@pytest.mark.integration
def test_python_dash_m_reads_the_environment(start_example):
    server = start_example("ch02.myservice", env={"MYSERVICE_GREETING": "Bonjour"})
    assert get_json(server.url + "/") == (200, {"service": "myservice", "greeting": "Bonjour"})
    assert "Serving on http://127.0.0.1:" in server.output()
