"""ch01_wsgi_async.aiopg_select and ch01_wsgi_async.aiopg_vs_psycopg3 on a real PostgreSQL.

In-process against the session's database (DATABASE_URL or embedded), and
as a learner runs them: once with DATABASE_URL, once starting their own
embedded server in a temporary directory that must be gone afterwards.
"""

import importlib.util
import shutil
import tempfile
from pathlib import Path

import pytest

from ch01_wsgi_async import aiopg_select, aiopg_vs_psycopg3
from workbook import catalogue, serving
from workbook.catalogue.ch01 import no_postgres

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(bool(no_postgres()), reason=str(no_postgres()))]


async def test_aiopg_select_one_through_a_pool(postgres_url):
    assert await aiopg_select.go(postgres_url) == [(1,)]


async def test_psycopg3_select_one(postgres_url):
    assert await aiopg_vs_psycopg3.go(postgres_url) == [(1,)]


async def test_a_bad_query_is_a_clear_database_error(postgres_url):
    import psycopg

    async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn, match="excute"):
            await conn.execute("SELECT excute")


@pytest.mark.parametrize("example_id", ["ch01.aiopg_select", "ch01.aiopg_vs_psycopg3"])
def test_script_with_database_url(example_id, postgres_url):
    result = serving.run_script(catalogue.get(example_id), env={"DATABASE_URL": postgres_url})
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


def test_unreachable_database_is_an_error_not_a_hang():
    result = serving.run_script(
        catalogue.get("ch01.aiopg_vs_psycopg3"),
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=5"},
        timeout=60)
    assert result.returncode == 1
    # one clear line at the end, not a traceback; the pool logged why it failed
    assert result.stderr.strip().splitlines()[-1] == (
        "cannot reach PostgreSQL: couldn't get a connection after 10.00 sec")
    assert "Traceback" not in result.stderr
    assert "connection failed" in result.stderr or "Connection refused" in result.stderr
