"""ch01_wsgi_async.aiopg_select on a real PostgreSQL.

In-process against the session's database (DATABASE_URL or embedded), and
as a learner runs it: once with DATABASE_URL, once starting its own
embedded server in a temporary directory that must be gone afterwards.
"""

import importlib.util
import shutil
import tempfile
from pathlib import Path

import pytest

from ch01_wsgi_async import aiopg_select
from workbook import catalogue, serving
from workbook.catalogue.ch01 import no_postgres

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(bool(no_postgres()), reason=str(no_postgres()))]


async def test_aiopg_select_one_through_a_pool(postgres_url):
    assert await aiopg_select.go(postgres_url) == [(1,)]


def test_script_with_database_url(postgres_url):
    result = serving.run_script(catalogue.get("ch01.aiopg_select"), env={"DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL (DATABASE_URL) ready in" in result.stdout
    assert result.stdout.rstrip().endswith("rows: [(1,)]")


@pytest.mark.slow
def test_script_starts_and_removes_its_own_database():
    if not importlib.util.find_spec("pgserver"):
        pytest.skip("pgserver is not installed for this Python")
    # A short TMPDIR of our own: PostgreSQL's Unix socket lives in the data directory,
    # and pytest's tmp_path can exceed the 107-byte limit of a socket path.
    tmp = Path(tempfile.mkdtemp(prefix="ch01-"))
    try:
        env = {"TMPDIR": str(tmp), "DATABASE_URL": ""}
        result = serving.run_script(catalogue.get("ch01.aiopg_select"), env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "PostgreSQL (embedded PostgreSQL) ready in" in result.stdout
        assert "rows: [(1,)]" in result.stdout
        # The data directory is gone (pgserver may leave its runtime-0 lock dir).
        assert list(tmp.glob("aiopg-select-*")) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
