"""Today's way to run the same query: psycopg 3's own asyncio API and pool.

What it shows: psycopg 3 (the successor of psycopg2) is async-native, so no
wrapper library is needed. The book's aiopg code maps one to one:
``aiopg.create_pool(dsn)`` becomes ``AsyncConnectionPool(dsn)`` (from the
``psycopg_pool`` package, installed as ``psycopg[pool]``), ``pool.acquire()``
becomes ``pool.connection()``, and ``async for`` still walks the rows. It is
maintained and supports Python 3.13; aiopg's last release was in 2022.

The database: ``DATABASE_URL`` if set, otherwise an embedded PostgreSQL in a
temporary directory, removed afterwards (the same helper as aiopg_select.py).
An unreachable database is an error after ``POOL_TIMEOUT`` seconds (10 by default).

Run it:   python ch01_wsgi_async/aiopg_vs_psycopg3.py
Expect:   how long the database took to start, then  rows: [(1,)]
"""

import asyncio
import os
import time

from psycopg_pool import AsyncConnectionPool, PoolTimeout

from ch01_wsgi_async.aiopg_select import database


async def go(dsn, timeout=10.0):
    # open=False + "async with": the pool opens inside the running loop, and closes
    # (waiting for its connections) when the block ends: the book's pool.clear() fixed.
    async with AsyncConnectionPool(dsn, min_size=1, max_size=2, timeout=timeout, open=False) as pool:
        async with pool.connection() as conn:
            async with conn.cursor() as cur:
                await cur.execute("SELECT 1")
                ret = [row async for row in cur]
                assert ret == [(1,)]
    return ret


if __name__ == "__main__":
    started = time.perf_counter()
    with database() as dsn:
        where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
        print(f"PostgreSQL ({where}) ready in {time.perf_counter() - started:.2f} s")
        timeout = float(os.environ.get("POOL_TIMEOUT", 10))
        try:
            print(f"rows: {asyncio.run(go(dsn, timeout))}")
        except PoolTimeout as exc:  # the pool retried all that time and never got a connection
            raise SystemExit(f"cannot reach PostgreSQL: {exc}") from None
