"""The scripts of chapter 1, run as a learner runs them, and their parts in-process.

ch01_wsgi_async.greenlet_switch, ch01_wsgi_async.dis_generator,
ch01_wsgi_async.gil_threads_vs_processes, ch01_wsgi_async.gevent_blocking_lesson,
ch01_wsgi_async.callbacks_vs_await. gevent's patching and Twisted's reactor
only ever run in the script's own process.
"""

import dataclasses
import dis
import re
import sys

import pytest
from twisted.internet import task

from ch01_wsgi_async import callbacks_vs_await as callbacks
from ch01_wsgi_async.dis_generator import myfunc
from workbook import catalogue, serving


def run(example_id, *args):
    example = catalogue.get(example_id)
    if args:
        example = dataclasses.replace(example, args=args)
    result = serving.run_script(example, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_greenlet_switch_prints_hello_world_then_42():
    assert run("ch01.greenlet_switch") == "hello world\n42\n"


def test_the_generator_and_its_bytecode():
    assert list(myfunc([1, 2, 3])) == [2, 3, 4]
    opnames = {i.opname for i in dis.get_instructions(myfunc)}
    assert {"FOR_ITER", "YIELD_VALUE"} <= opnames
    assert "SETUP_LOOP" not in opnames  # the book's 3.5 listing: gone since Python 3.8
    out = run("ch01.dis_generator")
    assert f"Python {sys.version.split()[0]}" in out
    count = int(re.search(r"(\d+) instructions", out).group(1))
    assert count == len(list(dis.get_instructions(myfunc)))


def test_gil_threads_do_not_speed_up_cpu_work():
    out = run("ch01.gil_threads_vs_processes", "--work", "3000000")
    rows = {name: (float(speedup), busy) for name, speedup, busy in re.findall(
        r"^(one after another|2 threads|2 processes)\s+[\d.]+\s+([\d.]+)x\s+(\S+)$", out, re.M)}
    assert set(rows) == {"one after another", "2 threads", "2 processes"}, out
    assert rows["one after another"][0] == 1.0
    if "GIL enabled" in out:
        # The GIL, measured in a way a busy machine cannot fake: two CPU-bound
        # threads never keep more than one core busy (wall-clock speed-ups, by
        # contrast, depend on what else the 2 cores are doing, so not asserted).
        assert float(rows["2 threads"][1]) <= 1.1, out


def test_gil_script_refuses_nonsense():
    example = dataclasses.replace(catalogue.get("ch01.gil_threads_vs_processes"),
                                  args=("--work", "lots"))
    result = serving.run_script(example)
    assert result.returncode == 2 and "invalid int value" in result.stderr


def test_gevent_lesson_same_code_much_faster_in_greenlets():
    out = run("ch01.gevent_blocking_lesson")
    sequential = float(re.search(r"sequential: 20 fetches in ([\d.]+) s \(20 ok\)", out).group(1))
    greenlets = float(re.search(r"greenlets:  20 fetches in ([\d.]+) s \(20 ok\)", out).group(1))
    assert sequential >= 20 * 0.1  # one after another: at least 20 x 100 ms
    assert greenlets < sequential / 3, out  # overlapping waits (about 15x when idle)


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


@pytest.mark.parametrize("example_id", ["ch01.greenlet_switch", "ch01.dis_generator"])
def test_scripts_take_no_input(example_id):
    assert run(example_id)  # and exit 0 with stdin closed
