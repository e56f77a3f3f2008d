"""Helpers for the classroom notebooks in ``notebooks/``.

In a notebook::

    from workbook import notebook as nb
    nb.setup()                                  # the workbook's root importable
    server = nb.start("ch01.time_gevent")       # a catalogue example as a process
    with nb.started("ch01.time_twisted") as s:  # ... stopped when the block ends
    live = await nb.serve(app)                  # an app (ASGI, WSGI, aiohttp) on the kernel's loop
    await live.stop()                           # ... stopped (in-loop: awaited)
    (nb.serve_asgi and nb.serve_aiohttp, the names the notebooks use, are nb.serve.)
    await nb.tour("ch02.session")               # its catalogue requests, served on the loop
    await nb.check("the fix works", some_test)  # prints PASS or NOT YET
    await nb.stop_all()                         # last cell: everything stopped

Everything started here is remembered and stopped by ``stop_all()``; processes
are also stopped when the kernel exits (``atexit``), so a cell that fails
half-way through never leaves a server behind. In-loop servers die with the
kernel anyway.

Keeping the notebook files free of outputs is ``workbook notebooks strip|check``
(workbook/notebook_outputs.py).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import inspect
import os
import sys
import traceback
from pathlib import Path

from workbook import catalogue, probes, serving
from workbook.catalogue import ROOT

PASS = "PASS"
NOT_YET = "NOT YET"

# A file the test suite names (WORKBOOK_NOTEBOOK_PIDS) to learn which processes
# a notebook started, so it can prove they were all stopped.
PID_LOG_ENV = "WORKBOOK_NOTEBOOK_PIDS"
# Set to 1 by the test suite: examples are forked from a warm interpreter
# (workbook.warm), as in the rest of the suite. In class, unset: the literal
# ``python file.py`` a learner would type.
WARM_ENV = "WORKBOOK_WARM"


def _warm() -> bool:
    return os.environ.get(WARM_ENV) == "1"

_processes: list[serving.Served] = []
_resources = contextlib.ExitStack()  # embedded databases and the like
_databases: list[str] = []
_in_loop: list[serving.Served] = []


def setup() -> Path:
    """Make the chapters importable (also from a plain checkout) and return the root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return ROOT


# -- catalogue examples as processes -------------------------------------------------

def _log_pid(pid: int) -> None:
    path = os.environ.get(PID_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{pid}\n")


def start(example_id: str, env: dict | None = None, timeout: float = 30.0) -> serving.Served:
    """Start a catalogue server example as a process on a free port, ready to answer.

    Blocking, but only for the process's start-up: the kernel's loop has
    nothing else to serve meanwhile.
    """
    server = serving.start_example(catalogue.get(example_id), env=env, timeout=timeout,
                                   warm=_warm())
    _processes.append(server)
    _log_pid(server.pid)
    return server


@contextlib.contextmanager
def started(example_id: str, env: dict | None = None, timeout: float = 30.0):
    """``with nb.started("ch01.time_gevent") as server:`` stopped when the block ends, even on error."""
    server = start(example_id, env=env, timeout=timeout)
    try:
        yield server
    finally:
        server.stop(grace=2.0)


def run(example_id: str, env: dict | None = None, timeout: float | None = None):
    """Run a catalogue script example to the end; returns its ScriptResult."""
    return serving.run_script(catalogue.get(example_id), env=env, timeout=timeout, warm=_warm())


def postgres() -> str:
    """A PostgreSQL URL: ``DATABASE_URL``, or an embedded server stopped by ``stop_all()``."""
    from workbook import pg

    url = _resources.enter_context(pg.postgres_url())
    _databases.append(url)
    return url


def stop_processes() -> int:
    """Stop every process ``start`` started (by PID). Returns how many were running."""
    stopped = 0
    while _processes:
        server = _processes.pop()
        if server.process.poll() is None:
            stopped += 1
        server.stop(grace=2.0)
    _resources.close()
    _databases.clear()
    return stopped


atexit.register(stop_processes)


# -- servers on the kernel's own event loop ------------------------------------------

async def serve(app, name: str | None = None, timeout: float = 10.0) -> serving.Served:
    """Serve an app on this loop (the kernel's): aiohttp, ASGI (Quart, ...) or WSGI.

    Returns once it answers; ``await served.stop()`` (or ``stop_all()``) stops it.
    """
    served = await serving.serve_in_loop(app, name=name, timeout=timeout)
    _in_loop.append(served)
    return served


# The names the notebooks use; the same function sees which kind of app it is given.
serve_asgi = serve
serve_aiohttp = serve


async def stop_all() -> None:
    """Stop everything this kernel started: in-loop servers and processes."""
    in_loop = sum(live.is_running for live in _in_loop)
    while _in_loop:
        await _in_loop.pop().aclose()  # harmless for one already stopped
    databases = len(_databases)
    processes = stop_processes()
    message = f"stopped {in_loop} in-loop server(s) and {processes} process(es)"
    print(message + (f" and {databases} database(s)" if databases else ""))


# -- a catalogue example's requests, live -------------------------------------------

def app_of(example_id: str):
    """The ASGI app of a catalogue example: its ``app``, or what its factory makes."""
    module = importlib.import_module(catalogue.get(example_id).dotted)
    # A package's ``app`` may be its submodule app.py (myservice): not an app.
    if hasattr(module, "app") and not inspect.ismodule(module.app):
        return module.app
    for factory in ("create_app", "make_app"):
        if hasattr(module, factory):
            return getattr(module, factory)()
    raise LookupError(f"{example_id} exposes no app, create_app or make_app")


def _short(text: str, limit: int = 300) -> str:
    text = text.strip()
    if text.lower().startswith(("<!doctype", "<html")):
        text = " ".join(text.split())  # HTML pages on one line
    return text if len(text) <= limit else text[:limit] + " ..."


async def tour(example_id: str, show_headers: tuple[str, ...] = ()) -> None:
    """Serve an example (ASGI, WSGI or aiohttp) on this loop and send it the catalogue's requests.

    Prints each request and what came back; raises AssertionError (after
    printing them all) if an answer is not what the catalogue documents.
    """
    import httpx

    example = catalogue.get(example_id)
    app = app_of(example_id)
    live = await serve(app, name=example_id)
    wrong = []
    try:
        async with httpx.AsyncClient(base_url=live.url) as http:
            for probe in example.probes:
                headers = dict(probe.headers)
                if probe.data is not None and not any(k.lower() == "content-type" for k in headers):
                    # what urllib (workbook.probes, curl -d) sends with a body by default
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                response = await http.request(probe.method, probe.path,
                                              headers=headers, content=probe.data)
                sent = " ".join(f"[{k}: {_short(v, 40)}]" for k, v in probe.headers.items())
                print(f"{probe.method} {probe.path} {sent}".rstrip()
                      + f"  ->  {response.status_code} {response.headers.get('content-type', '')}")
                if probe.data:
                    print(f"    sent: {_short(probe.data.decode('utf-8', 'replace'), 80)}")
                for name in show_headers:
                    if name in response.headers:
                        print(f"    {name}: {_short(response.headers[name], 120)}")
                print("    " + _short(response.text).replace("\n", "\n    "))
                if probe.note:
                    print(f"    ({probe.note})")
                problems = probes.judge(probe, response.status_code,
                                        dict(response.headers), response.content)
                if problems:
                    wrong.append(f"{probe.method} {probe.path}: {'; '.join(problems)}")
    finally:
        await live.aclose()
    assert not wrong, f"{example_id} did not answer as documented: {wrong}"


# -- exercise checks -----------------------------------------------------------------

async def check(name: str, test, hint: str = "") -> None:
    """Run ``test`` (a function, sync or async) and print PASS or NOT YET; never raises.

    ``test`` passes when it returns without raising (and does not return False).
    Returns nothing, so the cell shows only the verdict.
    """
    try:
        result = test()
        if inspect.isawaitable(result):
            result = await result
        ok = result is not False
        why = "" if ok else "the check returned False"
    except Exception as exc:  # the learner's bug, whatever it is, is the message
        ok = False
        why = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if ok:
        print(f"{PASS}: {name}")
    else:
        print(f"{NOT_YET}: {name}\n    {why}" + (f"\n    hint: {hint}" if hint else ""))
