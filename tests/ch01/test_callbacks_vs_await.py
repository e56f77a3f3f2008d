"""ch01_wsgi_async.callbacks_vs_await: both versions in-process, and the script as a learner runs it.

Twisted's reactor only ever runs in the script's own process; in-process the
callbacks run on a ``task.Clock`` that moves when the test says so.
"""

from twisted.internet import task

from ch01_wsgi_async import callbacks_vs_await as callbacks
from workbook.testing import run_script_ok as run


def test_callbacks_and_await_give_the_same_lines_in_process():
    clock = task.Clock()  # no reactor: time moves when the test says so
    fired = []
    callbacks.run_with_callbacks(clock).addCallback(fired.append)
    assert fired == []  # nothing happens until 50 ms have passed
    for _ in range(4):  # user 1: two lookups; user 7: one
        clock.advance(callbacks.DELAY)
    expected = ["user 1: Ada", "Ada has 3 orders, total 60.00", "user 7: error: no user 7"]
    assert fired == [expected]


async def test_await_version_in_process():
    assert await callbacks.run_with_await() == [
        "user 1: Ada", "Ada has 3 orders, total 60.00", "user 7: error: no user 7"]


def test_an_unexpected_error_is_not_swallowed_by_the_errback():
    # failure.trap(NoSuchUser) handles only that error; a bug (here a TypeError
    # from an unhashable id) travels on down the chain, like an uncaught exception.
    clock = task.Clock()
    failures = []
    d = callbacks.report_with_callbacks(clock, ["unhashable"], [])
    d.addErrback(failures.append)
    clock.advance(callbacks.DELAY)
    assert len(failures) == 1 and failures[0].check(TypeError)  # trap() re-raised it


def test_callbacks_script_prints_the_same_output_twice():
    out = run("ch01.callbacks_vs_await")
    twisted_part, await_part = out.split("== async/await\n")
    assert twisted_part.split("\n", 1)[1] == await_part.split("same output")[0]
    assert out.endswith("same output: True\n")
