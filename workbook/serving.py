"""The one serving toolkit: start a server, wait until it answers, stop it.

Examples never import this module; they stay as plain as the book's code.
The harness runs them the way a learner does (``python chNN_x/file.py``, with
``PORT`` in the environment), waits until they answer, and stops them by PID.

- ``start_process(argv, name=...)``: any command that serves HTTP on ``$PORT``;
- ``start_example(example)``: a catalogue example, as a learner runs it;
- ``start_processes([...])`` / ``stop_all(servers)``: several at once (a system of services);
- ``running(...)``: either of them as a ``with`` block;
- ``Served``: the one handle (``url``, ``port``, ``pid``, ``output()``, ``stop()``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbook.catalogue import ROOT, Example

DEFAULT_READY_TIMEOUT = 60.0  # generous: CI has two cores and runs tests in parallel


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody is listening on right now.

    Another process could take it before our server binds it; ``start_process``
    notices the bind failure and retries with a new port, so that race only
    costs a retry.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout):
        return True
    return False


class ServerFailed(RuntimeError):
    """The server exited or never answered; the message carries its output."""


@dataclass
class Served:
    """A running server, with its URL and its captured output."""

    name: str
    process: subprocess.Popen
    port: int
    host: str = "127.0.0.1"
    log_path: Path | None = None
    startup_seconds: float = 0.0
    _log_file: object = field(default=None, repr=False)
    _final_output: str | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> str:
        """Everything the server printed so far (kept after stop())."""
        if self._final_output is not None:
            return self._final_output
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        return ""

    def stop(self, grace: float = 3.0) -> float:
        """Stop by PID: SIGINT (Ctrl-C), then SIGTERM, then SIGKILL. Returns seconds taken."""
        took = stop_process(self.process, grace=grace)
        if self._log_file is not None:
            # Keep what it said for the caller, and leave no log file behind in /tmp.
            self._final_output = self.output()
            self._log_file.close()
            self._log_file = None
            if self.log_path:
                self.log_path.unlink(missing_ok=True)
        return took

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def stop_process(process: subprocess.Popen, grace: float = 3.0,
                 first: int = signal.SIGINT) -> float:
    """Ask politely, then firmly, then kill; the whole process group, by PID."""
    started = time.monotonic()
    if process.poll() is not None:
        return 0.0
    for sig in (first, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            # start_new_session=True made the child a group leader: signal its group
            # so anything it spawned goes too.
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    return time.monotonic() - started


def _default_sigint() -> None:
    """In the child, before exec: let Ctrl-C (SIGINT) act as it does in a terminal.

    A process started in the background by a non-interactive shell (CI, ``cmd &``)
    inherits SIGINT as *ignored*, and Python then installs no KeyboardInterrupt
    handler; the example would never see the Ctrl-C our tests send.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def python_command(example: Example) -> list[str]:
    return [sys.executable, *example.command()]


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment, unbuffered, with the workbook's root importable."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    # Examples import their chapter's modules; the root must be importable
    # even when the workbook is not installed (a learner in a plain checkout).
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    if extra:
        env.update(extra)
    return env


def example_env(example: Example, port: int | None = None,
                extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = child_env(example.env)
    if port is not None:
        env["PORT"] = str(port)
    if extra:
        env.update(extra)
    return env


def wait_until_answers(url: str, process: subprocess.Popen | None = None,
                       timeout: float = DEFAULT_READY_TIMEOUT,
                       max_interval: float = 0.25) -> None:
    """Poll ``url`` until any HTTP answer comes back (even a 404), or fail.

    Raises ServerFailed at once if the process exits, and after ``timeout``.
    ``max_interval`` caps the growing pause between polls (the benchmark
    lowers it to time start-ups more finely).
    """
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if process is not None and process.poll() is not None:
            raise ServerFailed(f"exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                # Read the whole answer: a server still writing it when we go on
                # might be interrupted mid-request (wsgiref swallows a Ctrl-C there).
                resp.read()
                return
        except urllib.error.HTTPError as err:
            err.read()
            return  # an HTTP error status is still an answer: the server is up
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise ServerFailed(f"no answer from {url} within {timeout:.0f} s")
        time.sleep(delay)  # polling interval, not synchronisation: we re-check the socket
        delay = min(delay * 1.5, max_interval)


_BIND_ERRORS = ("address already in use", "errno 98", "eaddrinuse", "couldn't listen")


def launch(argv: list[str], *, name: str, port: int, env: Mapping[str, str],
           cwd: Path = ROOT) -> Served:
    """Start ``argv`` with ``PORT`` in its environment; do not wait (see ``start_process``)."""
    log = tempfile.NamedTemporaryFile("w+", prefix=f"{name}-", suffix=".log", delete=False)
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env={**env, "PORT": str(port)},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    return Served(name, process, port, log_path=Path(log.name), _log_file=log)


def start_processes(commands: list[dict], timeout: float = DEFAULT_READY_TIMEOUT,
                    cwd: Path = ROOT) -> list[Served]:
    """Start several servers at once, then wait until every one answers.

    Each command is a dict of ``start_process``'s arguments (``argv``, ``name``,
    ``port``, ``env``, optional ``ready_path``); the ports are the caller's, who
    usually has to tell each server its peers' URLs before any of them starts.
    Starting them side by side costs one start-up, not one per server. If one
    fails, all are stopped and ServerFailed carries its output.
    """
    started = time.monotonic()
    servers: list[Served] = []
    try:
        for c in commands:
            servers.append(launch(c["argv"], name=c["name"], port=c["port"], env=c["env"],
                                  cwd=cwd))
        for server, command in zip(servers, commands, strict=True):
            try:
                wait_until_answers(server.url + command.get("ready_path", "/"),
                                   server.process, timeout)
            except ServerFailed as exc:
                stop_all(servers)
                raise ServerFailed(f"{server.name} ({' '.join(command['argv'])}, "
                                   f"PORT={server.port}): {exc}\n--- its output ---\n"
                                   f"{server.output()}") from None
            server.startup_seconds = time.monotonic() - started
    except BaseException:
        stop_all(servers)  # Ctrl-C half-way through a start leaves nothing behind
        raise
    return servers


def stop_all(servers: list[Served], grace: float = 3.0) -> float:
    """Stop several servers side by side: Ctrl-C to all, then wait, then escalate."""
    started = time.monotonic()
    for server in servers:
        if server.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGINT)
    for server in servers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=max(0.0, started + grace - time.monotonic()))
    for server in servers:
        server.stop(grace)  # escalates for any straggler; keeps its output, removes its log
    return time.monotonic() - started


def start_process(argv: list[str], *, name: str, port: int | None = None,
                  env: Mapping[str, str] | None = None, ready_path: str = "/",
                  cwd: Path = ROOT, timeout: float = DEFAULT_READY_TIMEOUT,
                  retries: int = 3, max_interval: float = 0.25) -> Served:
    """Start ``argv`` with ``PORT`` in its environment and wait until it answers.

    ``env`` is the whole environment (see ``child_env``); ``PORT`` is added.
    With no ``port``, picks a free one and retries on a bind failure (the race
    between picking a port and binding it).
    """
    base_env = dict(env) if env is not None else child_env()
    attempt = 0
    while True:
        attempt += 1
        chosen = port or free_port()
        started = time.monotonic()
        server = launch(argv, name=name, port=chosen, env=base_env, cwd=cwd)
        try:
            wait_until_answers(server.url + ready_path, server.process, timeout, max_interval)
        except ServerFailed as exc:
            server.stop()
            output = server.output()
            if (port is None and attempt < retries
                    and any(s in output.lower() for s in _BIND_ERRORS)):
                continue
            raise ServerFailed(
                f"{name} ({' '.join(argv)}, PORT={chosen}): {exc}\n"
                f"--- its output ---\n{output}"
            ) from None
        server.startup_seconds = time.monotonic() - started
        return server


def start_example(example: Example, port: int | None = None,
                  env: Mapping[str, str] | None = None,
                  timeout: float = DEFAULT_READY_TIMEOUT, retries: int = 3,
                  max_interval: float = 0.25) -> Served:
    """Start a server example as a learner would and wait until it answers."""
    return start_process(
        python_command(example), name=example.id, port=port,
        env=example_env(example, None, env), ready_path=example.ready_path,
        timeout=timeout, retries=retries, max_interval=max_interval,
    )


@contextlib.contextmanager
def running(example: Example, port: int | None = None,
            env: Mapping[str, str] | None = None,
            timeout: float = DEFAULT_READY_TIMEOUT) -> Iterator[Served]:
    """``with running(example) as server: ...``: started, answered, always stopped."""
    with start_example(example, port=port, env=env, timeout=timeout) as server:
        yield server


@dataclass
class ScriptResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_script(example: Example, env: Mapping[str, str] | None = None,
               timeout: float | None = None) -> ScriptResult:
    """Run a script example as a process; its output comes back as text."""
    started = time.monotonic()
    process = subprocess.Popen(
        python_command(example),
        cwd=ROOT,
        env=example_env(example, None, env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    try:
        out, err = process.communicate(timeout=timeout or example.timeout)
    except subprocess.TimeoutExpired:
        stop_process(process, grace=2)
        out, err = process.communicate()
        raise ServerFailed(
            f"{example.id} did not finish within {timeout or example.timeout:.0f} s\n"
            f"--- stdout ---\n{out}\n--- stderr ---\n{err}"
        ) from None
    return ScriptResult(process.returncode, out, err, time.monotonic() - started)
