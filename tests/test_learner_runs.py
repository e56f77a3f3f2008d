"""Every example run the way a learner runs it: the file as a process, real HTTP.

For each server: start it on a free port (``PORT``), send the catalogue's
probes, and check it stops on Ctrl-C (SIGINT) and on SIGTERM within 2 seconds.
For each script: run it and check its output. For every example: importing
its module starts nothing (checked in a subprocess, so gevent's monkey-patching
or Twisted's reactor never touch the test process).
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from workbook import catalogue, probes, serving

EXAMPLES = catalogue.all_examples()
SERVERS = [e for e in EXAMPLES if e.kind == "server"]
SCRIPTS = [e for e in EXAMPLES if e.kind == "script"]
APP_NAMES = ("app", "application", "make_app", "create_app")


def skip_unless_runnable(example):
    reason = example.skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.mark.learner
@pytest.mark.parametrize("example", SERVERS, ids=lambda e: e.id)
def test_server_answers_its_probes(example):
    skip_unless_runnable(example)
    with serving.running(example) as server:
        results = [probes.send(server.url, p) for p in example.probes]
        output = server.output()
    failures = [r.describe() for r in results if not r.ok]
    assert failures == [], "\n\n".join(failures) + f"\n--- server output ---\n{output}"
    # The run contract: it prints the URL it serves on.
    assert f"127.0.0.1:{server.port}" in output, output


@pytest.mark.learner
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("example", SERVERS, ids=lambda e: e.id)
def test_server_stops_within_two_seconds(example, sig):
    skip_unless_runnable(example)
    server = serving.start_example(example)
    try:
        took = serving.stop_process(server.process, grace=2.0, first=sig)
        # stop_process escalates after 2 s, so "took" under 2 s means the first signal did it
        assert took < 2.0, f"{example.id} ignored {sig.name} for {took:.1f} s"
        # A traceback on Ctrl-C is noise a learner should not see.
        assert "Traceback" not in server.output(), server.output()
    finally:
        server.stop()


@pytest.mark.learner
@pytest.mark.parametrize("example", SCRIPTS, ids=lambda e: e.id)
def test_script_prints_what_it_promises(example):
    skip_unless_runnable(example)
    result = serving.run_script(example)
    assert result.returncode == 0, result.stderr
    missing = [s for s in example.stdout_contains if s not in result.stdout]
    assert missing == [], result.stdout + result.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_importing_starts_nothing(example):
    skip_unless_runnable(example)
    code = (
        "import importlib, sys\n"
        f"m = importlib.import_module({example.dotted!r})\n"
        f"print(sorted(n for n in {APP_NAMES!r} if hasattr(m, n)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=catalogue.ROOT, capture_output=True, text=True,
        timeout=60, env=serving.example_env(example), stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    if example.kind == "server":
        exposed = eval(result.stdout.strip().splitlines()[-1])  # a printed list of names
        assert exposed, f"{example.file} exposes none of {APP_NAMES} for in-process tests"
