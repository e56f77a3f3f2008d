"""ch01_wsgi_async.dis_generator: the generator in-process, and the script as a learner runs it."""

import dis
import re
import sys

from ch01_wsgi_async.dis_generator import myfunc
from workbook.testing import run_script_ok as run


def test_the_generator_and_its_bytecode():
    assert list(myfunc([1, 2, 3])) == [2, 3, 4]
    opnames = {i.opname for i in dis.get_instructions(myfunc)}
    assert {"FOR_ITER", "YIELD_VALUE"} <= opnames
    assert "SETUP_LOOP" not in opnames  # the book's 3.5 listing: gone since Python 3.8
    out = run("ch01.dis_generator")
    assert f"Python {sys.version.split()[0]}" in out
    count = int(re.search(r"(\d+) instructions", out).group(1))
    assert count == len(list(dis.get_instructions(myfunc)))


def test_script_takes_no_input():
    assert run("ch01.dis_generator")  # and exit 0 with stdin closed
