"""ch01_wsgi_async.greenlet_switch, run as a learner runs it."""

from workbook.testing import run_script_ok as run


def test_greenlet_switch_prints_hello_world_then_42():
    assert run("ch01.greenlet_switch") == "hello world\n42\n"


def test_script_takes_no_input():
    assert run("ch01.greenlet_switch")  # and exit 0 with stdin closed
