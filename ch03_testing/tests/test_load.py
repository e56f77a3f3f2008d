"""Load tests, run briefly: molotov and Locust against quart_basic started as a process.

ch03_testing/load_molotov.py and ch03_testing/load_locust.py are run by their
own command-line tools, as a learner runs them, for one second with two users,
against ch02_quart.quart_basic on a free port. Locust monkey-patches the whole
process with gevent, so it never runs inside pytest: only as a subprocess.
Each tool prints a summary line; we read the numbers from it.
"""

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from workbook.catalogue import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SUMMARY = re.compile(
    r"(?P<tool>molotov|locust): (?P<requests>\d+) requests, (?P<failures>\d+) failures, "
    r"(?P<rps>[\d.]+) req/s, p50 (?P<p50>[\d.]+) ms, p90 (?P<p90>[\d.]+) ms, p99 (?P<p99>[\d.]+) ms"
)


def tool(name):
    """The tool's console script from this interpreter's environment (venv or tox env)."""
    path = Path(sysconfig.get_path("scripts")) / name
    assert path.exists(), f"{name} is not installed next to {sys.executable}"
    return str(path)


def run_molotov(target, seconds=1, workers=2):
    return subprocess.run(
        [tool("molotov"), "-c", "-w", str(workers), "-d", str(seconds),
         "ch03_testing/load_molotov.py"],
        cwd=ROOT, env={**_env(), "TARGET_URL": target}, capture_output=True, text=True,
        timeout=seconds + 60, stdin=subprocess.DEVNULL,
    )


def run_locust(target, seconds=1, users=2):
    return subprocess.run(
        [sys.executable, "-m", "locust", "-f", "ch03_testing/load_locust.py", "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--only-summary",
         "--host", target, "--stop-timeout", "2"],
        cwd=ROOT, env=_env(), capture_output=True, text=True,
        timeout=seconds + 60, stdin=subprocess.DEVNULL,
    )


def _env():
    import os
    return {k: v for k, v in os.environ.items() if k != "TARGET_URL"}


def summary(result):
    match = SUMMARY.search(result.stdout + result.stderr)
    assert match, f"no summary line\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    numbers = {k: float(v) for k, v in match.groupdict().items() if k != "tool"}
    print(match.group(0))  # shown with pytest -s: the numbers for the README
    return numbers


def test_molotov_against_quart_basic(start_example):
    server = start_example("ch02.quart_basic")
    result = run_molotov(server.url)
    numbers = summary(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert numbers["failures"] == 0
    assert numbers["requests"] > 0 and numbers["rps"] > 0
    assert 0 < numbers["p50"] <= numbers["p90"] <= numbers["p99"]
    # molotov's own count agrees with the scenario's
    assert f"SUCCESSES: {numbers['requests']:.0f} | FAILURES: 0" in result.stdout


def test_locust_against_quart_basic(start_example):
    server = start_example("ch02.quart_basic")
    result = run_locust(server.url)
    numbers = summary(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert numbers["failures"] == 0
    assert numbers["requests"] > 0 and numbers["rps"] > 0
    assert numbers["p50"] <= numbers["p90"] <= numbers["p99"]
    # Locust's own tables: requests and failures, then the percentiles
    assert "Response time percentiles" in result.stdout + result.stderr


def test_both_tools_report_failures_from_a_wrong_service(start_example):
    # heroes_api has no /api: every request is a 404, and both tools must say so
    server = start_example("ch03.heroes_api")
    molotov_numbers = summary(run_molotov(server.url, seconds=1, workers=1))
    locust = run_locust(server.url, seconds=1, users=1)
    locust_numbers = summary(locust)
    assert molotov_numbers["failures"] == molotov_numbers["requests"] > 0
    assert locust_numbers["failures"] == locust_numbers["requests"] > 0
    assert locust.returncode == 1  # Locust's exit code says the run had failures
