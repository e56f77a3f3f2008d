"""Chapter 1's errata, proven: each row's faulty code, reproduced here, gives exactly its error.

The faulty code is written in this file in the fewest lines that show the
fault; each fix check runs the workbook's corrected example. The rows:
workbook/catalogue/errata/ch01.py.
"""

from __future__ import annotations

import dis
import inspect
import io
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from wsgiref.handlers import SimpleHandler
from wsgiref.simple_server import WSGIRequestHandler, make_server

import aiohttp
import aiopg
from werkzeug.test import Client

from workbook.catalogue import ROOT
from workbook.catalogue.errata import (
    Proofs,
    exception_line,
    failure,
    get_event_loop_outside_a_loop_on_3_14,
)
from workbook.pythons import run_newer_python

proofs = Proofs("ch01")



def wsgiref_answer(app) -> tuple[bytes, str]:
    """What wsgiref sends for one GET /, and what it logs: no socket needed."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8001", "SERVER_PROTOCOL": "HTTP/1.0", "wsgi.url_scheme": "http"}
    out, log = io.BytesIO(), io.StringIO()
    handler = SimpleHandler(io.BytesIO(), out, log, environ)
    handler.origin_server = True  # it writes the status line, as wsgiref's server does
    handler.run(app)
    return out.getvalue(), log.getvalue()


def time_wsgi():
    from ch01_wsgi_async import time_wsgi

    return time_wsgi.application


# ---------------------------------------------------------------- WSGI


@proofs.reproduces("wsgi_timetime")
def _():
    def application(environ, start_response):
        start_response("200 OK", [("Content-type", "application/json")])
        return [bytes(json.dumps({"time": timetime()}), "utf8")]  # noqa: F821

    sent, log = wsgiref_answer(application)
    assert sent.startswith(b"HTTP/1.0 500 Internal Server Error")
    return log.strip().splitlines()[-1]


@proofs.fixes("wsgi_timetime")
@proofs.fixes("wsgi_200_ok")
def _():
    sent, _log = wsgiref_answer(time_wsgi())
    assert sent.startswith(b"HTTP/1.0 200 OK\r\n")
    body = json.loads(sent.split(b"\r\n\r\n", 1)[1])
    assert abs(body["time"] - time.time()) < 60


def serve_in_thread(app):
    class Quiet(WSGIRequestHandler):
        def log_request(self, *args):
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def aiohttp_reads_json(app):
    server = serve_in_thread(app)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.server_port}/") as response:
                return await response.json()
    finally:
        server.shutdown()
        server.server_close()


@proofs.reproduces("wsgi_applications_json")
async def _():
    def application(environ, start_response):
        start_response("200 OK", [("Content-type", "applications/json")])
        return [bytes(json.dumps({"time": time.time()}), "utf8")]

    try:
        await aiohttp_reads_json(application)
    except aiohttp.ContentTypeError as exc:
        return exception_line(exc)
    raise AssertionError("it did not fail")


@proofs.fixes("wsgi_applications_json")
async def _():
    body = await aiohttp_reads_json(time_wsgi())
    assert isinstance(body["time"], float)
    response = Client(time_wsgi()).get("/")
    assert response.mimetype == "application/json" and response.json["time"]


@proofs.reproduces("wsgi_200_ok")
def _():
    def application(environ, start_response):
        start_response("200 ok", [("Content-type", "application/json")])
        return [bytes(json.dumps({"time": time.time()}), "utf8")]

    sent, _log = wsgiref_answer(application)
    return sent.split(b"\r\n", 1)[0].decode()


@proofs.reproduces("wsgi_returns_bytes")
def _():
    def application(environ, start_response):
        start_response("200 OK", [("Content-type", "application/json")])
        return bytes(json.dumps({"time": time.time()}), "utf8")

    sent, log = wsgiref_answer(application)
    assert sent.startswith(b"HTTP/1.0 500 Internal Server Error")
    return log.strip().splitlines()[-1]


@proofs.fixes("wsgi_returns_bytes")
def _():
    answer = time_wsgi()({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *a: None)
    assert isinstance(answer, list) and all(isinstance(chunk, bytes) for chunk in answer)


# ---------------------------------------------------------------- aiohttp, aiopg


@proofs.reproduces("aiohttp_application_lowercase")
def _():
    from aiohttp import web

    return failure(lambda: web.application())


@proofs.fixes("aiohttp_application_lowercase")
async def _():
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from ch01_wsgi_async import time_aiohttp

    app = time_aiohttp.make_app()
    assert isinstance(app, web.Application)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/")
        assert isinstance((await response.json())["time"], float)


NOTES_DSN = '''import asyncio
import aiopg

dsn = "dbname=postgres user=postgres password=mysecretpassword
host=127.0.0.1"
'''


@proofs.reproduces("aiopg_dsn_split")
def _():
    return failure(lambda: compile(NOTES_DSN, "aiopg_notes.py", "exec"))


@proofs.fixes("aiopg_dsn_split")
def _():
    from ch01_wsgi_async import aiopg_select

    source = inspect.getsource(aiopg_select)
    assert "DATABASE_URL" in source and "password=" not in source
    compile(NOTES_DSN.replace("password\n", "password ").replace("mysecretpassword\n",
                                                                 "mysecretpassword "),
            "joined.py", "exec")


def unconnected_cursor():
    # a Cursor object without a database: enough to look its methods up
    return aiopg.Cursor.__new__(aiopg.Cursor)


@proofs.reproduces("aiopg_excute")
def _():
    cursor = unconnected_cursor()
    return failure(lambda: cursor.excute)


@proofs.fixes("aiopg_excute")
def _():
    assert inspect.iscoroutinefunction(unconnected_cursor().execute)
    from ch01_wsgi_async import aiopg_select

    assert 'cur.execute("SELECT 1")' in inspect.getsource(aiopg_select)


NO_SERVER = "dbname=postgres host=127.0.0.1 port=9"  # minsize=0: it never connects


@proofs.reproduces("aiopg_pool_clear")
async def _():
    pool = await aiopg.create_pool(NO_SERVER, minsize=0)
    await pool.clear()
    said = f"pool.closed: {pool.closed}"
    pool.close()
    await pool.wait_closed()
    return said


@proofs.fixes("aiopg_pool_clear")
async def _():
    pool = await aiopg.create_pool(NO_SERVER, minsize=0)
    pool.close()
    await pool.wait_closed()
    assert pool.closed
    from ch01_wsgi_async import aiopg_select

    source = inspect.getsource(aiopg_select.go)
    assert "pool.close()" in source and "await pool.wait_closed()" in source


# ---------------------------------------------------------------- asyncio, gevent, dis


@proofs.reproduces("get_event_loop_module_level")
def _():
    # 3.12 and 3.13 only warn (-W error makes the warning the traceback's last line);
    # 3.14 raises without -W: test_get_event_loop_raises_from_python_3_14
    result = run_newer_python("-W", "error::DeprecationWarning", "-c",
                              "import asyncio; loop = asyncio.get_event_loop()",
                              below=(3, 14))
    assert result.returncode == 1
    return result.stderr.strip().splitlines()[-1]


@proofs.fixes("get_event_loop_module_level")
def _():
    result = run_newer_python("-W", "error::DeprecationWarning", "-c",
                              "import asyncio; print(asyncio.run(asyncio.sleep(0, 'ok')))")
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
    from ch01_wsgi_async import aiopg_select

    assert "rows = asyncio.run(go(dsn))" in inspect.getsource(aiopg_select)


def test_get_event_loop_raises_from_python_3_14():
    """The row's other claim: from 3.14 the warning is a RuntimeError, no -W needed."""
    assert "3.14 raises `RuntimeError`" in proofs.rows["get_event_loop_module_level"].broke_in
    assert get_event_loop_outside_a_loop_on_3_14() == (
        1, "RuntimeError: There is no current event loop in thread 'MainThread'.")


def socket_class_after_importing(module_dir: str, module: str) -> str:
    """``socket.socket.__module__`` in a fresh process that imported ``module``."""
    code = f"import {module}, socket; print(socket.socket.__module__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=module_dir,
                            env={"PYTHONPATH": f"{module_dir}:{ROOT}", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@proofs.reproduces("gevent_patch_on_import", slow=True)  # two fresh processes
def _():
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "patched_on_import.py").write_text(
            "from gevent import monkey; monkey.patch_all()\n\n\n"
            "def application(environ, start_response):\n"
            "    start_response('200 OK', [('Content-type', 'application/json')])\n"
            "    return [b'{}']\n")
        return socket_class_after_importing(folder, "patched_on_import")


@proofs.fixes("gevent_patch_on_import")
def _():
    assert socket_class_after_importing(str(ROOT), "ch01_wsgi_async.time_gevent") == "socket"


@proofs.reproduces("dis_listing_python35")
def _():
    def myfunc(data):
        for value in data:
            yield value + 1

    names = {instruction.opname for instruction in dis.get_instructions(myfunc)}
    return f"SETUP_LOOP: {'SETUP_LOOP' in names}, BINARY_ADD: {'BINARY_ADD' in names}"


@proofs.fixes("dis_listing_python35")
def _():
    result = subprocess.run([sys.executable, str(ROOT / "ch01_wsgi_async" / "dis_generator.py")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "FOR_ITER" in result.stdout
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in result.stdout


(test_every_row_is_reproduced_and_its_fix_checked,
 test_reproduction_gives_the_exact_error,
 test_the_fix_works) = proofs.tests()
