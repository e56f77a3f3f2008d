"""Every example run the way a learner runs it: the file as a process, real HTTP.

For each server: start it twice at once on free ports (``PORT``), send the
catalogue's probes to the first, then stop the first with Ctrl-C (SIGINT) and
then the second with SIGTERM: each must be gone within 2 seconds, without a
traceback. (Two starts per example, not three: starting is most of the cost.)
Each start is the file run as ``__main__`` in a process and session of its own,
forked from a warm interpreter that has imported its framework already
(``workbook.warm``: 0.1 s instead of 0.7 s); examples that need a fresh
interpreter (gevent, Twisted, multiprocessing) get a real ``python``, and
``workbook check`` in CI runs every example with the literal ``python file.py``.
For each script: run it and check its output. For every example: importing its
module starts nothing and exposes an app; each import is checked in a child
process of its own, forked from one process that has already imported the heavy
libraries (once per run; the xdist workers share its answers), so gevent's
monkey-patching or Twisted's reactor never touch the test process or another
example's import.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from workbook import catalogue, probes, serving

EXAMPLES = catalogue.all_examples()
SERVERS = [e for e in EXAMPLES if e.kind == "server"]
SCRIPTS = [e for e in EXAMPLES if e.kind == "script"]
APP_NAMES = ("app", "application", "make_app", "create_app")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def skip_unless_runnable(example):
    reason = example.skip_reason()
    if reason:
        pytest.skip(reason)


def start_twice(example) -> list[serving.Served]:
    """Two processes of one example, started at the same time (each on its own port)."""
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(serving.start_example, example, warm=True)
                   for _ in STOP_SIGNALS]
    started = [f.result() for f in futures if f.exception() is None]
    errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        for server in started:
            server.stop()
        raise errors[0]
    return started


@pytest.mark.learner
@pytest.mark.parametrize("example", SERVERS, ids=lambda e: e.id)
def test_server_answers_its_probes_and_stops_within_two_seconds(example):
    skip_unless_runnable(example)
    servers = start_twice(example)
    try:
        probed = servers[0]
        results = [probes.send(probed.url, p) for p in example.probes]
        output = probed.output()
        # One after the other, so neither shutdown waits for the CPU behind the other:
        # stop_process escalates after 2 s, so "took" under 2 s means the first signal did it.
        # What each said while serving (a deliberate 500 logs its traceback, as it should).
        serving_output = [server.output() for server in servers]
        took = [serving.stop_process(server.process, grace=2.0, first=sig)
                for server, sig in zip(servers, STOP_SIGNALS, strict=True)]
        # Only what it said while stopping counts for the no-traceback check below.
        outputs = [server.output()[len(before):]
                   for server, before in zip(servers, serving_output, strict=True)]
    finally:
        for server in servers:
            server.stop()
    failures = [r.describe() for r in results if not r.ok]
    assert failures == [], "\n\n".join(failures) + f"\n--- server output ---\n{output}"
    # The run contract: it prints the URL it serves on.
    assert f"127.0.0.1:{probed.port}" in output, output
    for sig, seconds, said in zip(STOP_SIGNALS, took, outputs, strict=True):
        assert seconds < 2.0, f"{example.id} ignored {sig.name} for {seconds:.1f} s"
        # A traceback on Ctrl-C is noise a learner should not see.
        assert "Traceback" not in said, f"after {sig.name}:\n{said}"


@pytest.mark.learner
@pytest.mark.parametrize("example", SCRIPTS, ids=lambda e: e.id)
def test_script_prints_what_it_promises(example):
    skip_unless_runnable(example)
    result = serving.run_script(example, warm=True)
    assert result.returncode == 0, result.stderr
    missing = [s for s in example.stdout_contains if s not in result.stdout]
    assert missing == [], result.stdout + result.stderr


# The import check, run once per test run for every example. The parent imports
# the libraries the examples share (never gevent or twisted, whose import changes
# the process), then forks one child per example: the child imports the example
# alone and reports the app names it exposes, or its error. A child that does not
# return in time started something on import.
IMPORT_CHECKER = r"""
import contextlib, importlib, json, os, select, sys, threading, traceback
for lib in ("quart", "hypercorn.asyncio", "aiohttp.web", "tornado.web", "jinja2", "yaml",
            "sqlalchemy.ext.asyncio", "wtforms", "quart_auth", "quart_schema", "httpx",
            "requests", "slack_sdk.web.async_client", "psycopg", "itsdangerous"):
    with contextlib.suppress(Exception):
        importlib.import_module(lib)
examples, app_names, timeout = json.loads(sys.argv[1])
for name, env in examples:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import one example, say what it exposes
        os.close(read_end)
        os.environ.update(env)  # the example's own settings, as a learner's run has them
        try:
            module = importlib.import_module(name)
            answer = {"ok": True, "apps": sorted(n for n in app_names if hasattr(module, n))}
            # a plain interpreter would wait for these at exit: something was started
            running = [t.name for t in threading.enumerate()
                       if t is not threading.main_thread() and not t.daemon]
            if running:
                answer = {"ok": False, "error": f"importing it started threads: {running}"}
        except BaseException:
            answer = {"ok": False, "error": traceback.format_exc()}
        os.write(write_end, json.dumps(answer).encode())
        os._exit(0)
    os.close(write_end)
    if select.select([read_end], [], [], timeout)[0]:
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        answer = json.loads(b"".join(chunks) or b'{"ok": false, "error": "the child said nothing"}')
    else:
        os.kill(pid, 9)
        answer = {"ok": False, "error": f"importing it did not return within {timeout} s"}
    os.close(read_end)
    os.waitpid(pid, 0)
    print(json.dumps([name, answer]), flush=True)
"""


def check_imports() -> dict[str, dict]:
    examples = [[e.dotted, e.env] for e in EXAMPLES]
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECKER, json.dumps([examples, APP_NAMES, 30])],
        cwd=catalogue.ROOT, capture_output=True, text=True, timeout=300,
        env=serving.child_env(), stdin=subprocess.DEVNULL,
    )
    answers = {}
    for line in result.stdout.splitlines():
        if line.startswith("["):
            name, answer = json.loads(line)
            answers[name] = answer
    assert result.returncode == 0 and len(answers) == len(examples), result.stdout + result.stderr
    return answers


@pytest.fixture(scope="session")
def import_results(tmp_path_factory) -> dict[str, dict]:
    """Checked once per run: under xdist, the first worker to get here runs the checker
    and leaves the answers in the run's own temporary folder; the others read them."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return check_imports()
    run_folder = tmp_path_factory.getbasetemp().parent  # pytest-N, this run's, shared by its workers
    answers_file = run_folder / "import-check.json"
    with open(run_folder / "import-check.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not answers_file.exists():
            answers_file.write_text(json.dumps(check_imports()))
        return json.loads(answers_file.read_text())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_importing_starts_nothing(example, import_results):
    skip_unless_runnable(example)
    answer = import_results[example.dotted]
    assert answer["ok"], answer.get("error")
    if example.kind == "server":
        assert answer["apps"], f"{example.file} exposes none of {APP_NAMES} for in-process tests"
