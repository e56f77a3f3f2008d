"""ch01_wsgi_async.bench.report: Markdown, plot and comparison of a real (tiny) run.

The run is in-process, with one server and one subject whose file is not
there: the report must say what was not measured instead of crashing.
"""

from __future__ import annotations

import json

import pytest

from ch01_wsgi_async.bench import __main__ as command
from ch01_wsgi_async.bench import report, run, subjects


def test_a_tiny_run_reported_and_compared(tmp_path, capsys, assert_gone):
    """One in-process run (it costs seconds), every check of the report on it."""
    ghost = subjects.Subject("ghost", "a service not written yet", "service",
                             "ch01_wsgi_async/ghost_service.py", "async")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "SUBJECTS", [*subjects.SUBJECTS, ghost])
        settings = run.quick_settings(run.Settings())
        settings.duration, settings.concurrency, settings.rounds = 0.1, 5, 2
        settings.only = ("raw_asyncio", "ghost")
        result = run.run_bench(settings)
    assert_gone(result["pids"])
    text = report.markdown(result)
    check_a_missing_chapter_file_is_reported_not_a_crash(result, text)
    check_markdown_rows_carry_the_runs_own_numbers(result, text)
    check_compare(result, tmp_path, capsys)


def check_a_missing_chapter_file_is_reported_not_a_crash(result, text):
    ghost_entry = next(s for s in result["subjects"] if s["key"] == "ghost")
    assert ghost_entry["status"] == "missing"
    assert "ghost_service.py is not there" in ghost_entry["reason"]
    assert next(r for r in result["throughput"] if r["key"] == "ghost")["status"] == "not run"
    assert next(r for r in result["concurrency"] if r["key"] == "ghost")["status"] == "not run"
    assert "## Not measured" in text and "ghost_service.py is not there" in text


def check_markdown_rows_carry_the_runs_own_numbers(result, text):
    [row] = [r for r in result["throughput"] if r["key"] == "raw_asyncio"]
    line = next(line for line in text.splitlines() if line.startswith(f"| {row['label']} |"))
    rps = row["rps"]
    assert f"{rps['median']:,.0f} ({rps['min']:,.0f}-{rps['max']:,.0f})" in line
    assert "| 1.00 |" in line  # it is the ceiling of this run
    assert f"Ceiling: {row['label']} at {rps['median']:,.0f} req/s." in text


def check_compare(result, tmp_path, capsys):
    # (write_results and the plot are checked on the command's own run, in test_run.py)
    new = tmp_path / "new.json"
    new.write_text(json.dumps(result))
    slower = json.loads(new.read_text())
    for row in slower["throughput"]:
        if row.get("rps"):
            row["rps"]["median"] /= 2
    old = tmp_path / "old.json"
    old.write_text(json.dumps(slower))
    # The command's own path: --compare OLD --against NEW runs nothing.
    assert command.main(["--compare", str(old), "--against", str(new)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if "| throughput | raw_asyncio | rps |" in line]
    assert len(lines) == 1 and lines[0].rstrip().endswith("| 2.00 |")  # new = 2 x old
