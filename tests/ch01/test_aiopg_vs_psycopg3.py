"""ch01_wsgi_async.aiopg_vs_psycopg3 on a real PostgreSQL.

In-process against the session's database (DATABASE_URL or embedded), and
as a learner runs it with DATABASE_URL, reachable or not.
"""

import pytest

from ch01_wsgi_async import aiopg_vs_psycopg3
from workbook import catalogue, serving
from workbook.catalogue.ch01 import no_postgres

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(bool(no_postgres()), reason=str(no_postgres()))]


async def test_psycopg3_select_one(postgres_url):
    assert await aiopg_vs_psycopg3.go(postgres_url) == [(1,)]


async def test_a_bad_query_is_a_clear_database_error(postgres_url):
    import psycopg

    async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn, match="excute"):
            await conn.execute("SELECT excute")


def test_script_with_database_url(postgres_url):
    result = serving.run_script(catalogue.get("ch01.aiopg_vs_psycopg3"), env={"DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL (DATABASE_URL) ready in" in result.stdout
    assert result.stdout.rstrip().endswith("rows: [(1,)]")


def test_unreachable_database_is_an_error_not_a_hang():
    result = serving.run_script(
        catalogue.get("ch01.aiopg_vs_psycopg3"),
        # port 1: nothing listens, every attempt is refused at once; the pool gives up
        # after POOL_TIMEOUT (10 s unless told), the error a learner sees
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=5",
             "POOL_TIMEOUT": "1"},
        timeout=60)
    assert result.returncode == 1
    # one clear line at the end, not a traceback; the pool logged why it failed
    assert result.stderr.strip().splitlines()[-1] == (
        "cannot reach PostgreSQL: couldn't get a connection after 1.00 sec")
    assert "Traceback" not in result.stderr
    assert "connection failed" in result.stderr or "Connection refused" in result.stderr
