"""workbook.warm: a child forked from the warm interpreter is the file run as __main__.

The same probe file is run twice, by a real ``python`` and by the warm interpreter,
and what it reports about itself must be the same: its name, argv, working
directory, sys.path[0], environment, standard streams, signal handlers, session;
so must its exit codes (a sys.exit, an uncaught exception, a Ctrl-C).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook import serving, warm

PROBE = r"""
import json, os, signal, sys
code = int(os.environ.get("EXIT_WITH", "0"))
report = {
    "name": __name__,
    "file": os.path.basename(__file__),
    "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:]],
    "cwd": os.getcwd(),
    "path0": sys.path[0],
    "env": os.environ.get("PROBE_SETTING"),
    "stdin": sys.stdin.read(),
    "sigint": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
    "sigterm": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    "own_session": os.getsid(0) == os.getpid(),
}
print(json.dumps(report), flush=True)
print("to stderr", file=sys.stderr, flush=True)
if os.environ.get("RAISE"):
    raise ValueError("raised on purpose")
if os.environ.get("WAIT"):
    print("waiting", flush=True)
    signal.pause()
sys.exit(code)
"""


@pytest.fixture
def probe_file(tmp_path) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    path = folder / "probe_example.py"
    path.write_text(PROBE)
    return path


def run_both(probe_file: Path, tmp_path: Path, **extra: str):
    """(real, warm): each a (returncode, output) of the probe run one way."""
    env = serving.child_env({"PROBE_SETTING": "from the env", **extra})
    argv = [sys.executable, str(probe_file), "one", "two"]
    real = subprocess.run(
        argv,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        timeout=60,
    )
    log = tmp_path / "warm.log"
    # The suite's Quart interpreter (already warm in most test workers); the probe
    # itself imports nothing heavy, so the real python's run is quick too.
    starter = warm.starter("quart", serving.child_env(), serving.ROOT)
    child = starter.spawn(argv, env, tmp_path, str(log))
    code = child.wait(timeout=60)
    return (real.returncode, real.stdout), (code, log.read_text())


def report_of(output: str) -> dict:
    return json.loads(next(line for line in output.splitlines() if line.startswith("{")))


def test_the_warm_child_reports_what_a_real_python_reports(probe_file, tmp_path):
    (real_code, real_out), (warm_code, warm_out) = run_both(probe_file, tmp_path)
    real, forked = report_of(real_out), report_of(warm_out)
    assert forked == real
    assert real == {
        "name": "__main__",
        "file": "probe_example.py",
        "argv": ["probe_example.py", "one", "two"],
        "cwd": str(tmp_path),
        "path0": str(probe_file.parent),
        "env": "from the env",
        "stdin": "",
        "sigint": True,
        "sigterm": True,
        "own_session": True,
    }
    assert "to stderr" in warm_out and real_code == warm_code == 0


@pytest.mark.parametrize(("extra", "code"), [({"EXIT_WITH": "3"}, 3), ({"RAISE": "1"}, 1)])
def test_exit_codes_and_tracebacks_are_a_real_pythons(probe_file, tmp_path, extra, code):
    (real_code, real_out), (warm_code, warm_out) = run_both(probe_file, tmp_path, **extra)
    assert real_code == warm_code == code
    for output in (real_out, warm_out):
        assert ("ValueError: raised on purpose" in output) == ("RAISE" in extra)


def test_ctrl_c_is_a_keyboard_interrupt_and_the_exit_status_says_sigint(probe_file, tmp_path):
    argv = [sys.executable, str(probe_file)]
    log = tmp_path / "warm.log"
    log.touch()
    starter = warm.starter("quart", serving.child_env(), serving.ROOT)
    child = starter.spawn(argv, serving.child_env({"WAIT": "1"}), tmp_path, str(log))
    deadline = time.monotonic() + 30
    while "waiting" not in log.read_text():  # polling its output, not a fixed sleep
        assert time.monotonic() < deadline and child.poll() is None, log.read_text()
        time.sleep(0.02)
    assert serving.stop_process(child, grace=5, first=signal.SIGINT) < 5
    # As python does on an uncaught KeyboardInterrupt: traceback, then death by SIGINT.
    assert child.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in log.read_text()


def test_a_started_example_is_served_from_the_warm_interpreter_and_stops_by_pid():
    from workbook import catalogue, probes

    example = catalogue.get("ch01.time_quart")
    with serving.start_example(example, warm=True) as server:
        assert isinstance(server.process, warm.WarmProcess)
        results = [probes.send(server.url, p) for p in example.probes]
        assert [r.describe() for r in results if not r.ok] == []
        assert os.getsid(server.pid) == server.pid  # its own session: stop() signals the group
    assert server.process.returncode == 0  # Ctrl-C: hypercorn shuts down cleanly
    assert not serving.port_is_open(server.port)


def test_which_files_get_a_warm_start(tmp_path):
    def family_of(source: str) -> str | None:
        path = tmp_path / "example.py"
        path.write_text(source)
        return warm.family([sys.executable, str(path)], tmp_path)

    assert family_of("from quart import Quart\n") == "quart"
    assert family_of("from aiohttp import web\n") == "aiohttp"
    assert family_of("import tornado.web\n") == "tornado"
    # These change the interpreter for good (or fork it): always a real python.
    assert family_of("from gevent import monkey\nmonkey.patch_all()\nimport quart\n") is None
    assert family_of("from twisted.web import server\n") is None
    assert family_of("import multiprocessing\nimport quart\n") is None
    assert family_of("print('no framework')\n") is None
    # python -m on a package: its __main__ and the modules beside it decide.
    assert (
        family_of("from quart import Quart\nfrom sqlalchemy import select\n") == "quart+sqlalchemy"
    )
    assert (
        warm.family([sys.executable, "-m", "ch04_jeeves.jeeves"], serving.ROOT)
        == "quart+sqlalchemy"
    )
    assert warm.family(["/usr/bin/env", "python", "x.py"], tmp_path) is None


def test_closing_the_starter_stops_its_children(probe_file, tmp_path):
    starter = warm.WarmStarter((), serving.child_env(), serving.ROOT)  # preloads nothing
    log = tmp_path / "warm.log"
    child = starter.spawn(
        [sys.executable, str(probe_file)], serving.child_env({"WAIT": "1"}), tmp_path, str(log)
    )
    starter.close()  # like a test process that goes away
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child.pid}").exists() and "zombie" not in _state(child.pid):
        assert time.monotonic() < deadline, "the child outlived its warm interpreter"
        time.sleep(0.02)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"
