"""ch02_quart/myservice/Makefile: the skeleton's Makefile targets still work.

``make test`` runs the package's tests and ``make run`` serves it as a learner
types it (PORT from the environment, Ctrl-C stops it within 2 s).
"""

import shutil
import signal
import subprocess
import sys
import urllib.request

import pytest

from workbook import serving
from workbook.catalogue import ROOT

MAKEFILE_DIR = ROOT / "ch02_quart" / "myservice"

pytestmark = [
    pytest.mark.learner,
    pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed"),
]


def make(*args, **kwargs):
    return subprocess.run(["make", "-s", "-C", str(MAKEFILE_DIR), f"PYTHON={sys.executable}",
                           *args], capture_output=True, text=True, timeout=120,
                          env=serving.child_env(), stdin=subprocess.DEVNULL, **kwargs)


def test_help_lists_every_target():
    result = make("help")
    assert result.returncode == 0, result.stderr
    for target in ("install", "test", "lint", "run"):
        assert f"make {target}" in result.stdout


def test_make_install_is_editable_and_pinned():
    result = make("-n", "install")  # -n: print the command, install nothing
    assert result.returncode == 0, result.stderr
    assert 'pip install -e ".[dev]" -c' in result.stdout
    assert "-m workbook.lock --path" in result.stdout  # constraints/py3.X.txt for this Python


@pytest.mark.slow
def test_make_test_runs_the_package_tests():
    result = make("test", "ARGS=-k test_health")  # one test: the target works, pytest starts once
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout and "failed" not in result.stdout


def test_make_run_serves_and_stops_on_ctrl_c():
    argv = ["make", "-s", "-C", str(MAKEFILE_DIR), f"PYTHON={sys.executable}", "run"]
    server = serving.start_process(argv, name="make run", ready_path="/health")
    try:
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            assert response.read() == b'{"greeting":"Hello from myservice","service":"myservice"}\n'
        took = serving.stop_process(server.process, grace=2.0, first=signal.SIGINT)
        assert took < 2.0, f"make run ignored Ctrl-C for {took:.1f} s"
        assert f"Serving on http://127.0.0.1:{server.port}/" in server.output()
        assert "Traceback" not in server.output(), server.output()
    finally:
        server.stop()
