"""ch01_wsgi_async.gevent_blocking_lesson, run as a learner runs it.

gevent's patching only ever runs in the script's own process.
"""

import re

from workbook.testing import run_script_ok as run


def test_gevent_lesson_same_code_much_faster_in_greenlets():
    out = run("ch01.gevent_blocking_lesson")
    sequential = float(re.search(r"sequential: 20 fetches in ([\d.]+) s \(20 ok\)", out).group(1))
    greenlets = float(re.search(r"greenlets:  20 fetches in ([\d.]+) s \(20 ok\)", out).group(1))
    assert sequential >= 20 * 0.1  # one after another: at least 20 x 100 ms
    assert greenlets < sequential / 3, out  # overlapping waits (about 15x when idle)
