"""A warm interpreter: a Python that has already imported the libraries the examples
share, and forks one child per run of an example file.

Starting ``python chNN/example.py`` costs about 0.7 s of CPU before the example's
first line runs, nearly all of it importing Quart, Hypercorn, aiohttp, SQLAlchemy...
The test suite starts examples about a hundred times, so it asks this process
instead: the child is forked from a Python that has done those imports once, then
runs the file as ``__main__`` as ``python file.py`` would, in a process and session
of its own, with its own environment, working directory, ``sys.argv``,
``sys.path[0]`` and output file, and the signal handlers a fresh Python has (a
traceback shows two more frames, this module's and runpy's).

What it cannot give is a fresh interpreter: an example that patches the standard
library on import (gevent's monkey-patching), owns a global reactor (Twisted) or
starts processes of its own (multiprocessing) always gets a real ``python`` (see
``family``). ``workbook check`` and ``workbook run`` always run the literal command.

Used through ``workbook.serving`` (``start_process(..., warm=True)``); run as
``python -m workbook.warm`` it is the forking side.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

# The libraries to import once, by the framework an example is written with. Only
# those: a child also pays, at exit, for every module its parent imported, so a
# preload of everything would make each example slower to stop than a fresh python.
FAMILIES = {
    # Chapter 4's services (Jeeves and its lessons): Quart with a database and clients.
    "quart+sqlalchemy": (
        "quart",
        "hypercorn.asyncio",
        "sqlalchemy.ext.asyncio",
        "aiohttp",
        "slack_sdk.web.async_client",
    ),
    "quart": ("quart", "hypercorn.asyncio"),
    "aiohttp": ("aiohttp.web",),
    "tornado": ("tornado.web",),
}
IMPORTS = re.compile(r"^\s*(?:from|import)\s+(quart|aiohttp|tornado|sqlalchemy)\b", re.MULTILINE)
# An example whose source says one of these needs a fresh interpreter (see above).
NEEDS_FRESH = re.compile(r"\b(gevent|twisted|multiprocessing|ProcessPoolExecutor|os\.fork)\b")


def family(argv: list[str], cwd: Path) -> str | None:
    """Which warm interpreter can run ``argv`` (``python file.py ...`` or
    ``python -m module ...``): a key of FAMILIES, or None for a real python."""
    if len(argv) < 2 or argv[0] != sys.executable:
        return None
    if argv[1] == "-m":
        if len(argv) < 3:
            return None
        spec = importlib.util.find_spec(argv[2])
        origin = spec.origin if spec else None
        if spec and spec.submodule_search_locations:  # a package: python -m runs __main__
            main = Path(next(iter(spec.submodule_search_locations))) / "__main__.py"
            origin = str(main) if main.exists() else None
        path = Path(origin) if origin else None
    elif argv[1].startswith("-"):
        return None
    else:
        path = cwd / argv[1]
    if path is None or not path.is_file():
        return None
    # A package run with -m runs code from its other modules too.
    files = sorted(path.parent.glob("*.py")) if path.name == "__main__.py" else [path]
    sources = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    if any(NEEDS_FRESH.search(source) for source in sources):
        return None
    found = {name for source in sources for name in IMPORTS.findall(source)}
    if {"quart", "sqlalchemy"} <= found:
        return "quart+sqlalchemy"
    # The server framework first: a Quart app may also use aiohttp as a client.
    return next((name for name in FAMILIES if name in found), None)


class WarmProcess:
    """The part of ``subprocess.Popen`` the harness uses, for a child of the warm interpreter."""

    def __init__(self, starter: WarmStarter, pid: int, args: list[str]):
        self._starter = starter
        self.pid = pid
        self.args = args
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._starter.exit_code(self.pid, timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self._starter.exit_code(self.pid, timeout=timeout)
            if code is None:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self.returncode = code
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmStarter:
    """The test side: starts ``python -m workbook.warm`` once, asks it for children."""

    def __init__(self, preload: tuple[str, ...], env: Mapping[str, str], cwd: Path):
        reply_read, reply_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "workbook.warm", str(reply_write), *preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=dict(env),
            cwd=cwd,
            pass_fds=(reply_write,),
            start_new_session=True,
        )
        os.close(reply_write)
        self._replies = os.fdopen(reply_read, "r", encoding="utf-8")
        self._env = dict(env)
        self._changed = threading.Condition()
        self._started: list[int] = []
        self._exited: dict[int, int] = {}
        self._lock = threading.Lock()  # one request at a time
        self._alive = True
        threading.Thread(target=self._read_replies, name="warm-replies", daemon=True).start()
        self._wait_for_start()

    def _read_replies(self) -> None:
        for line in self._replies:
            message = json.loads(line)
            with self._changed:
                if "started" in message:
                    self._started.append(message["started"])
                elif "exited" in message:
                    self._exited[message["exited"]] = message["code"]
                self._changed.notify_all()
        with self._changed:
            self._alive = False
            self._changed.notify_all()

    def _wait_for_start(self) -> None:
        # The first reply is its own PID, once every library is imported.
        with self._changed:
            if not self._changed.wait_for(lambda: self._started or not self._alive, timeout=120):
                raise RuntimeError("the warm interpreter did not start within 120 s")
            if not self._alive:
                raise RuntimeError("the warm interpreter exited at start")
            self._started.clear()

    def usable_for(self, env: Mapping[str, str]) -> bool:
        """Imports already happened under the starter's environment; a run whose
        PYTHONPATH differs would import from elsewhere, so it gets a real python."""
        return self._alive and env.get("PYTHONPATH") == self._env.get("PYTHONPATH")

    def spawn(
        self,
        argv: list[str],
        env: Mapping[str, str],
        cwd: Path,
        output_path: str | None,
        stderr_path: str | None = None,
    ) -> WarmProcess:
        """Fork ``argv``; its stdout (and stderr, unless ``stderr_path``) go to ``output_path``."""
        request = {
            "argv": argv[1:],
            "env": dict(env),
            "cwd": str(cwd),
            "output": output_path,
            "stderr": stderr_path,
        }
        with self._lock, self._changed:
            self._process.stdin.write((json.dumps(request) + "\n").encode())
            self._process.stdin.flush()
            if not self._changed.wait_for(lambda: self._started or not self._alive, timeout=30):
                raise RuntimeError("the warm interpreter did not fork within 30 s")
            if not self._started:
                raise RuntimeError("the warm interpreter has exited")
            pid = self._started.pop(0)
        return WarmProcess(self, pid, argv)

    def exit_code(self, pid: int, timeout: float | None) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exited or not self._alive, timeout=timeout)
            return self._exited.get(pid)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._process.stdin.close()  # its children are killed when it reads EOF
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_starters: dict[str, WarmStarter] = {}
_starters_lock = threading.Lock()


def starter(name: str, env: Mapping[str, str], cwd: Path) -> WarmStarter:
    """This process's warm interpreter for family ``name``, started on first use,
    stopped at exit."""
    with _starters_lock:
        found = _starters.get(name)
        if found is None or not found._alive:
            import atexit

            found = _starters[name] = WarmStarter(FAMILIES[name], env, cwd)
            atexit.register(found.close)
        return found


# -- the forking side: python -m workbook.warm REPLY_FD MODULE... ----------------------------------


def _reply(fd: int, message: dict) -> None:
    os.write(fd, (json.dumps(message) + "\n").encode())


def _serve_requests(reply_fd: int) -> dict | None:
    """Fork a child per request; return the request in the child, None in the parent at EOF."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    children: set[int] = set()
    requests = sys.stdin.buffer
    _reply(reply_fd, {"started": os.getpid()})
    while True:
        readable, _, _ = select.select([requests, wake_read], [], [])
        if wake_read in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 512)
            while children:
                with contextlib.suppress(ChildProcessError):
                    pid, status = os.waitpid(-1, os.WNOHANG)
                    if pid == 0:
                        break
                    children.discard(pid)
                    _reply(reply_fd, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})
                    continue
                break
        if requests in readable:
            line = requests.readline()
            if not line:  # the test process went away: so do its examples
                for pid in children:
                    # The group for what it started; the PID too, in case it was
                    # forked so recently that it has no group of its own yet.
                    for kill in (os.killpg, os.kill):
                        with contextlib.suppress(ProcessLookupError):
                            kill(pid, signal.SIGKILL)
                return None
            request = json.loads(line)
            if threading.active_count() > 1:  # forking a threaded process is unsafe
                raise RuntimeError("an import started a thread; the warm interpreter cannot fork")
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                for fd in (wake_read, wake_write, reply_fd):
                    os.close(fd)
                return request
            children.add(pid)
            _reply(reply_fd, {"started": pid})


def _become(request: dict) -> None:
    """In the child: look like ``python <argv>`` started in ``cwd`` with ``env``."""
    os.setsid()  # a session and process group of its own, as start_new_session gives
    # The handlers a fresh Python has: Ctrl-C raises KeyboardInterrupt, the rest default.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for fds, path in (((1, 2), request["output"]), ((2,), request.get("stderr"))):
        if path:
            out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            for fd in fds:
                os.dup2(out, fd)
            os.close(out)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # New standard streams on the new descriptors (nothing read ahead or buffered in
    # the parent), built as start-up builds them: unbuffered under PYTHONUNBUFFERED,
    # otherwise stdout block-buffered (not a terminal) and stderr line-buffered.
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    encoding = sys.stdout.encoding
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding)

    def writer(fd: int, errors: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, "w", closefd=False)
        if unbuffered:
            return io.TextIOWrapper(raw, encoding, errors, write_through=True)
        return io.TextIOWrapper(io.BufferedWriter(raw), encoding, errors, line_buffering=fd == 2)

    sys.stdout = writer(1, sys.stdout.errors)
    sys.stderr = writer(2, "backslashreplace")


def main() -> None:
    reply_fd = int(sys.argv[1])
    for name in sys.argv[2:]:
        importlib.import_module(name)
    # What is loaded now lives as long as any child: out of the collector's sight, its
    # passes (and the one at exit) skip it, and pages shared with the children stay shared.
    gc.freeze()
    request = _serve_requests(reply_fd)
    if request is None:
        return
    _become(request)
    argv = request["argv"]
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]  # run_module puts the module's file in argv[0]
        sys.path[0] = os.getcwd()
        import runpy

        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        sys.path[0] = str(Path(argv[0]).resolve().parent)
        import runpy

        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
