"""The one serving toolkit: start a server, wait until it answers, stop it.

Plain examples never import this module; they stay as plain as the book's
code. The harness runs them the way a learner does (``python chNN_x/file.py``,
with ``PORT`` in the environment), waits until they answer, and stops them by
PID. Notebooks and async tests serve an app object on their own event loop.

- ``start_process(argv, name=...)``: any command that serves HTTP on ``$PORT``;
- ``start_example(example)``: a catalogue example, as a learner runs it;
- ``running(example)``: the same as a ``with`` block;
- ``await serve_in_loop(app)``: an ASGI, WSGI or aiohttp app on the running loop;
- ``serve_in_thread(app)``: the same for synchronous code, on a loop in a thread;
- ``Served``: the one handle for all of them (``url``, ``port``, ``stop()``;
  ``await served.aclose()`` or ``async with`` from async code).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbook import catalogue
from workbook import warm as warm_start
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
    """A running server: where it answers, what it printed, how to stop it.

    Three kinds, one handle:

    - a process (``start_process``, ``start_example``): ``pid``, ``output()``,
      ``stop()`` by PID; also a ``with`` block;
    - in this event loop (``serve_in_loop``): ``await served.aclose()``, or
      ``await served.stop()`` (stop() hands back the awaitable), or ``async with``;
    - on a loop in a thread (``serve_in_thread``): ``stop()``, or a ``with`` block.

    ``await served.aclose()`` and ``async with`` work for every kind.
    """

    name: str
    port: int
    process: subprocess.Popen | None = None  # None: served inside this Python process
    host: str = "127.0.0.1"
    log_path: Path | None = None
    startup_seconds: float = 0.0
    _log_file: object = field(default=None, repr=False)
    _final_output: str | None = field(default=None, repr=False)
    _close_in_loop: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)
    _close_thread: Callable[[], None] | None = field(default=None, repr=False)
    _in_loop: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._in_loop = self._close_in_loop is not None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def in_loop(self) -> bool:
        """Served by this Python process's running event loop (not a process, not a thread)."""
        return self._in_loop

    @property
    def is_running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self._close_in_loop is not None or self._close_thread is not None

    def output(self) -> str:
        """Everything a process printed so far (kept after stop()); "" when in-process."""
        if self._final_output is not None:
            return self._final_output
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        return ""

    def stop(self, grace: float = 3.0):
        """Stop it. A process: SIGINT (Ctrl-C), SIGTERM, SIGKILL by PID; returns seconds taken.

        In-loop, this returns the awaitable ``aclose()``: ``await served.stop()``.
        Stopping twice is harmless.
        """
        if self._in_loop:
            return self.aclose()
        started = time.monotonic()
        if self._close_thread is not None:
            close, self._close_thread = self._close_thread, None
            close()
            return time.monotonic() - started
        if self.process is None:
            return 0.0
        took = stop_process(self.process, grace=grace)
        if self._log_file is not None:
            # Keep what it said for the caller, and leave no log file behind in /tmp.
            self._final_output = self.output()
            self._log_file.close()
            self._log_file = None
            if self.log_path:
                self.log_path.unlink(missing_ok=True)
        return took

    async def aclose(self) -> None:
        """Stop it from async code, whatever its kind (a process is stopped off the loop)."""
        if self._close_in_loop is not None:
            close, self._close_in_loop = self._close_in_loop, None
            await close()
        elif self.process is not None or self._close_thread is not None:
            await asyncio.to_thread(self.stop)

    def __enter__(self) -> Served:
        if self.in_loop:
            raise TypeError(f"{self.name} runs on the event loop: use 'async with'")
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    async def __aenter__(self) -> Served:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


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


def listens_in_session(session: int, port: int) -> bool | None:
    """Whether ``session``'s process (a ``start_new_session`` child), a process of its
    session or one of its descendants (which may have a session of its own, like an
    example started by ``workbook run``) listens on ``port``.

    Answers from /proc on Linux; None where that cannot be told (another system).
    A port picked by free_port() can be taken by someone else before our server
    binds it, and then *their* server answers our readiness poll.
    """
    inodes = set()
    try:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(FileNotFoundError), open(table) as rows:
                for row in list(rows)[1:]:
                    fields = row.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(f"socket:[{fields[9]}]")
        if not inodes:
            return None  # nothing listening any more, or another namespace: cannot tell
        parents: dict[int, int] = {}
        ours: set[int] = {session}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                # stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(proc.name)] = int(stat[1])
                if int(stat[3]) == session:
                    ours.add(int(proc.name))
        for pid in parents:  # and every descendant, whatever its session
            seen, up = set(), pid
            while up in parents and up not in ours and up not in seen:
                seen.add(up)
                up = parents[up]
            if up in ours:
                ours.add(pid)
        for pid in ours:
            with contextlib.suppress(OSError):
                fds = Path(f"/proc/{pid}/fd")
                if any(os.readlink(fd) in inodes for fd in fds.iterdir()):
                    return True
        return False
    except OSError:
        return None


def start_process(argv: list[str] | Callable[[int], list[str]], *, name: str,
                  port: int | None = None, env: Mapping[str, str] | None = None,
                  ready_path: str | None = "/", cwd: Path = ROOT,
                  timeout: float = DEFAULT_READY_TIMEOUT, retries: int = 3,
                  max_interval: float = 0.25, capture: bool = True,
                  warm: bool = False) -> Served:
    """Start ``argv`` with ``PORT`` in its environment and wait until it answers.

    ``env`` is the whole environment (see ``child_env``); ``PORT`` is added.
    With no ``port``, picks a free one and retries on a bind failure (the race
    between picking a port and binding it). ``argv`` may be a function of the
    port, for a server that reads its port from somewhere else (nginx's config).
    ``ready_path=None`` waits for nothing; ``capture=False`` lets the output go
    to this terminal (``workbook run``). ``warm=True``: a ``python file.py`` or
    ``python -m module`` is forked from a warm interpreter (``workbook.warm``) that
    has imported the shared libraries already, where that is safe; the test suite
    uses it, ``workbook check`` and ``workbook run`` never do.
    """
    base_env = dict(env) if env is not None else child_env()
    attempt = 0
    while True:
        attempt += 1
        chosen = port or free_port()
        command = argv(chosen) if callable(argv) else argv
        log = (tempfile.NamedTemporaryFile("w+", prefix=f"{name}-", suffix=".log", delete=False)
               if capture else None)
        started = time.monotonic()
        process: subprocess.Popen | warm_start.WarmProcess | None = None
        family = warm_start.family(command, cwd) if warm and log is not None else None
        if family is not None:
            starter = warm_start.starter(family, child_env(), ROOT)
            if starter.usable_for(base_env):
                process = starter.spawn(command, {**base_env, "PORT": str(chosen)}, cwd, log.name)
        if process is None:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**base_env, "PORT": str(chosen)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT if capture else None,
                # Its own process group: stop() signals the group, so nothing it spawns
                # outlives it (and a terminal's Ctrl-C reaches it only through stop()).
                start_new_session=True,
                preexec_fn=_default_sigint,
            )
        server = Served(name, chosen, process, log_path=Path(log.name) if log else None,
                        _log_file=log)
        if ready_path is None:
            return server
        taken = False
        try:
            wait_until_answers(server.url + ready_path, process, timeout, max_interval)
            if listens_in_session(process.pid, chosen) is False:
                taken = True
                # Another program took the port between free_port() and our bind and
                # answered for us; ours failed to bind (or will). Not our server.
                raise ServerFailed(f"port {chosen} is answered by another process "
                                   "(address already in use)")
        except BaseException as exc:
            if not isinstance(exc, ServerFailed):  # Ctrl-C while waiting: nothing left behind
                server.stop()
                raise
            server.stop()
            output = server.output()
            if (port is None and attempt < retries
                    and (taken or any(s in output.lower() for s in _BIND_ERRORS))):
                continue
            raise ServerFailed(
                f"{name} ({' '.join(command)}, PORT={chosen}): {exc}\n"
                f"--- its output ---\n{output}"
            ) from None
        server.startup_seconds = time.monotonic() - started
        return server


def start_example(example: Example, port: int | None = None,
                  env: Mapping[str, str] | None = None,
                  timeout: float = DEFAULT_READY_TIMEOUT, retries: int = 3,
                  max_interval: float = 0.25, warm: bool = False) -> Served:
    """Start a server example as a learner would and wait until it answers
    (``warm=True``: forked from the warm interpreter where safe, see start_process)."""
    return start_process(
        python_command(example), name=example.id, port=port,
        env=example_env(example, None, env), ready_path=example.ready_path,
        timeout=timeout, retries=retries, max_interval=max_interval, warm=warm,
    )


@contextlib.contextmanager
def running(example: Example, port: int | None = None,
            env: Mapping[str, str] | None = None,
            timeout: float = DEFAULT_READY_TIMEOUT) -> Iterator[Served]:
    """``with running(example) as server: ...``: started, answered, always stopped."""
    with start_example(example, port=port, env=env, timeout=timeout) as server:
        yield server


# -- in this process: an app object on an event loop ---------------------------------

def _listening_socket(port: int | None = None) -> socket.socket:
    """Bound and listening before any server runs: no race for the port, and a
    client that connects early simply waits in the backlog. Port 0 (or None):
    the OS picks a free one; a taken ``port`` raises OSError."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port or 0))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _is_aiohttp(app) -> bool:
    if not type(app).__module__.startswith("aiohttp"):
        return False
    from aiohttp import web

    return isinstance(app, web.Application)


async def _serve_aiohttp(app, sock: socket.socket) -> Callable[[], Awaitable[None]]:
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()  # runs the app's on_startup
    await web.SockSite(runner, sock).start()  # serving from here on

    async def close() -> None:
        await runner.cleanup()
        sock.close()

    return close


async def _serve_hypercorn(app, sock: socket.socket, name: str, ready_path: str | None,
                           timeout: float) -> Callable[[], Awaitable[None]]:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    # Hypercorn closes the socket it is given, so it gets a duplicate of ours.
    config.bind = [f"fd://{os.dup(sock.fileno())}"]
    config.accesslog = None
    config.loglevel = "WARNING"  # no "Running on" line; server errors still show
    config.graceful_timeout = 1.0
    stopping = asyncio.Event()
    # Hypercorn sees whether the app is ASGI or WSGI (WSGI runs in threads).
    task = asyncio.get_running_loop().create_task(
        serve(app, config, shutdown_trigger=stopping.wait))

    async def close() -> None:
        stopping.set()
        try:
            await asyncio.wait_for(task, timeout=5)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        finally:
            sock.close()

    if ready_path is not None:
        try:
            await _until_answers(task, sock.getsockname()[1], ready_path, name, timeout)
        except BaseException:
            await close()
            raise
    return close


async def _first_answer(port: int, path: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        await writer.drain()
        await reader.read()  # the whole answer, whatever its status
    finally:
        writer.close()


async def _until_answers(task: asyncio.Task, port: int, path: str, name: str,
                         timeout: float) -> None:
    """Wait for one HTTP answer, or fail at once with the server's own error."""
    probe = asyncio.ensure_future(_first_answer(port, path))
    done, _ = await asyncio.wait({probe, task}, timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    if probe in done and probe.exception() is None:
        return
    probe.cancel()
    if task.done():
        task.result()  # raises the server's own error (a failing before_serving, say)
        raise ServerFailed(f"{name} stopped before answering")
    if probe in done:
        raise ServerFailed(f"{name}: {probe.exception()!r} before answering")
    raise ServerFailed(f"{name} did not answer within {timeout:.0f} s")


async def serve_in_loop(app, *, name: str | None = None, port: int | None = None,
                        ready_path: str | None = "/", timeout: float = 10.0) -> Served:
    """Serve ``app`` on the running event loop; return once it answers.

    ``app``: an ``aiohttp.web.Application`` (served by aiohttp's AppRunner), or
    an ASGI app (Quart, ...) or a WSGI callable (served by Hypercorn). On a
    free port unless ``port`` is given (then OSError if it is taken). Stop it
    with ``await served.aclose()``; ``async with await serve_in_loop(app) as
    served:`` does that at the end of the block.
    """
    label = name or type(app).__name__
    sock = _listening_socket(port)
    bound = sock.getsockname()[1]
    started = time.monotonic()
    try:
        if _is_aiohttp(app):
            close = await _serve_aiohttp(app, sock)
        else:
            close = await _serve_hypercorn(app, sock, label, ready_path, timeout)
    except BaseException:
        sock.close()
        raise
    return Served(label, bound, startup_seconds=time.monotonic() - started,
                  _close_in_loop=close)


def serve_in_thread(app, *, name: str | None = None, port: int | None = None,
                    ready_path: str | None = "/", timeout: float = 10.0) -> Served:
    """``serve_in_loop`` for synchronous code: the app on its own loop in a thread.

    ``with serve_in_thread(wsgi_app) as served: requests.get(served.url)``.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True,
                              name=f"serving {name or type(app).__name__}")
    thread.start()

    def end_loop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()

    try:
        inner = asyncio.run_coroutine_threadsafe(
            serve_in_loop(app, name=name, port=port, ready_path=ready_path, timeout=timeout),
            loop).result(timeout + 5)
    except BaseException:
        end_loop()
        raise

    def close() -> None:
        asyncio.run_coroutine_threadsafe(inner.aclose(), loop).result(10)
        end_loop()

    return Served(inner.name, inner.port, startup_seconds=inner.startup_seconds,
                  _close_thread=close)


# -- for fault tests: what a dead or hung dependency looks like ------------------------

def dead_url() -> str:
    """A loopback URL nobody listens on (a port the OS just gave us, now closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextlib.contextmanager
def silent_listener() -> Iterator[str]:
    """A port that accepts connections and never answers: a hung dependency."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


# -- scripts ----------------------------------------------------------------------------

@dataclass
class ScriptResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@contextlib.contextmanager
def needed_servers(example: Example, warm: bool = False) -> Iterator[dict[str, str]]:
    """Start the servers an example needs (its catalogue ``needs``), stop them after.

    Yields the environment that points the example at them: {ENV_VAR: url + path}.
    """
    with contextlib.ExitStack() as stack:
        env = {}
        for var, (needed, path) in example.needs.items():
            served = stack.enter_context(start_example(catalogue.get(needed), warm=warm))
            env[var] = served.url + path
        yield env


def run_script(example: Example, env: Mapping[str, str] | None = None,
               timeout: float | None = None, warm: bool = False) -> ScriptResult:
    """Run a script example as a process (its needed servers first); its output as text.

    ``warm=True``: forked from the warm interpreter where safe (see start_process).
    """
    with needed_servers(example, warm) as needs_env:
        env = example_env(example, None, {**needs_env, **(env or {})})
        command = python_command(example)
        family = warm_start.family(command, ROOT) if warm else None
        if family is not None:
            starter = warm_start.starter(family, child_env(), ROOT)
            if starter.usable_for(env):
                return _run_warm_script(starter, example, command, env, timeout)
        return _run_script(example, env, timeout)


def _run_warm_script(starter: warm_start.WarmStarter, example: Example, command: list[str],
                     env: Mapping[str, str], timeout: float | None) -> ScriptResult:
    started = time.monotonic()
    limit = timeout or example.timeout
    with tempfile.TemporaryDirectory(prefix="script-") as folder:
        out_path, err_path = Path(folder, "stdout"), Path(folder, "stderr")
        process = starter.spawn(command, env, ROOT, str(out_path), str(err_path))
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            stop_process(process, grace=2)
            finished = False
        else:
            finished = True
        out, err = (p.read_text(encoding="utf-8", errors="replace") if p.exists() else ""
                    for p in (out_path, err_path))
    if not finished:
        raise ServerFailed(f"{example.id} did not finish within {limit:.0f} s\n"
                           f"--- stdout ---\n{out}\n--- stderr ---\n{err}")
    return ScriptResult(process.returncode, out, err, time.monotonic() - started)


def _run_script(example: Example, env: Mapping[str, str],
                timeout: float | None) -> ScriptResult:
    started = time.monotonic()
    process = subprocess.Popen(
        python_command(example),
        cwd=ROOT,
        env=env,
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
