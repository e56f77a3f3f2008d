"""ch01_wsgi_async.worker_pool_lesson run as a learner runs it."""

import dataclasses

import pytest

from workbook import catalogue, serving


def table_rows(stdout):
    """{server name: (wall, req/s, floor, ok)} from the lesson's table."""
    rows = {}
    for line in stdout.splitlines():
        parts = line.rsplit(None, 4)
        if len(parts) == 5 and parts[-1].isdigit():
            rows[parts[0].strip()] = (float(parts[1]), float(parts[2]), float(parts[3]),
                                      int(parts[4]))
    return rows


def run_lesson(*args):
    example = dataclasses.replace(catalogue.get("ch01.worker_pool_lesson"), args=args)
    return serving.run_script(example, timeout=120)


@pytest.mark.slow
def test_lesson_measures_the_pool_against_async_servers():
    # 160: the pool needs at least 2 s, an async server about 0.2 s when the
    # machine is idle; the margin absorbs a busy 2-core machine.
    n = 160
    result = run_lesson("--requests", str(n))
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert set(rows) == {"wsgi pool (8 threads)", "gevent", "twisted", "tornado", "aiohttp",
                         "quart + hypercorn"}, result.stdout
    assert all(ok == n for *_, ok in rows.values()), result.stdout
    pool_wall, _, pool_floor, _ = rows.pop("wsgi pool (8 threads)")
    assert pool_floor == 2.0 and pool_wall >= pool_floor  # 160 / 8 x 0.1 s
    for name, (wall, _, floor, _) in rows.items():
        assert floor == 0.1, name
        assert 0.1 <= wall < pool_floor, f"{name} took {wall} s: no better than the pool"


def test_lesson_measures_given_urls_and_starts_nothing(start_example):
    server = start_example("ch01.time_aiohttp")
    result = run_lesson("-n", "20", f"aiohttp={server.url}")
    assert result.returncode == 0, result.stderr
    assert list(table_rows(result.stdout)) == ["aiohttp"]


@pytest.mark.parametrize("args, message", [
    (("example=http://192.0.2.1:8000",), "only loopback URLs"),
    (("--requests", "5000"), "between 1 and 1000"),
])
def test_lesson_refuses_unbounded_or_remote_load(args, message):
    result = run_lesson(*args)
    assert result.returncode == 2
    assert message in result.stderr
