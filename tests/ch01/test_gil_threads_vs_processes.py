"""ch01_wsgi_async.gil_threads_vs_processes, run as a learner runs it."""

import dataclasses
import re

from workbook import catalogue, serving
from workbook.testing import run_script_ok as run


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
