"""`workbook check` talks to people and to programs: progress and colour on a
terminal, nothing but one JSON document with ``--json``, no colour with NO_COLOR."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from workbook import catalogue, cli
from workbook.catalogue import ROOT
from workbook.serving import child_env


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "workbook", *args], cwd=ROOT, text=True,
                          capture_output=True, env=child_env(env), timeout=120)


def test_check_json_is_one_document_with_every_result():
    # Three at once (--jobs 3); the report keeps the catalogue's order all the same.
    ids = ["ch01.time_wsgi", "ch01.dis_generator", "ch01.time_asgi"]
    result = run_cli("check", "--json", "--jobs", "3", *ids)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    assert [row["id"] for row in report["examples"]] == [e.id for e in catalogue.select(ids)]
    assert {row["result"] for row in report["examples"]} == {"PASS"}
    assert (report["passed"], report["failed"], report["skipped"]) == (3, 0, 0)
    assert result.stderr == ""  # no progress line when nobody watches


def test_check_in_a_pipe_has_no_colour_and_no_progress():
    result = run_cli("check", "ch01.time_wsgi")
    assert "\033[" not in result.stdout + result.stderr
    assert "ch01.time_wsgi  PASS" in result.stdout and "[1/1]" not in result.stderr


def test_colour_only_at_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli.use_color(Terminal()) and not cli.use_color(io.StringIO())
    assert cli.painted("PASS", 6, True) == "\033[32mPASS  \033[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.use_color(Terminal())
    assert cli.painted("FAIL", 6, False) == "FAIL  "


def test_progress_writes_one_line_and_erases_it(monkeypatch):
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    progress = cli.Progress(2, enabled=True)
    progress.show(1, "ch01.time_wsgi")
    assert err.getvalue() == "\r[1/2] ch01.time_wsgi ..."
    progress.clear()
    assert err.getvalue().endswith("\r" + " " * len("[1/2] ch01.time_wsgi ...") + "\r")
    quiet = cli.Progress(2, enabled=False)
    quiet.show(1, "x")
    assert err.getvalue().count("[") == 1
