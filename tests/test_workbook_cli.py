"""The workbook CLI itself: list, check, clear errors, and the README table in sync."""

from __future__ import annotations

import json
import subprocess
import sys

from workbook import catalogue, cli


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook", *args], cwd=catalogue.ROOT,
                          capture_output=True, text=True, timeout=120)


def test_list_json_names_every_example():
    result = run_cli("list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [e.id for e in catalogue.all_examples()]
    assert {"id", "chapter", "kind", "file", "summary", "port", "run"} <= set(rows[0])


def test_unknown_id_is_a_message_not_a_traceback():
    for args in (["check", "ch01.nope"], ["run", "nope"], ["try", "nope"]):
        result = run_cli(*args)
        assert result.returncode == 2
        assert "unknown example" in result.stderr
        assert "Traceback" not in result.stderr


def test_check_prints_a_table_and_a_closing_count():
    result = run_cli("check", "ch01.time_wsgi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ch01.time_wsgi  PASS" in result.stdout
    assert "1 passed, 0 failed, 0 skipped" in result.stdout


def test_try_shows_requests_and_responses():
    result = run_cli("try", "ch01.time_wsgi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "$ curl -i http://127.0.0.1:" in result.stdout
    assert '{"time": ' in result.stdout
    assert "< 404" in result.stdout and "< 405" in result.stdout


def test_curl_line_carries_method_headers_and_body():
    probe = catalogue.Probe("/x", method="POST", headers={"A": "b"}, data=b'{"k": 1}')
    assert cli.curl_line("http://h:1", probe) == (
        "curl -i -X POST -H 'A: b' --data '{\"k\": 1}' http://h:1/x"
    )


def test_readme_example_table_matches_the_catalogue():
    text = (catalogue.ROOT / "README.md").read_text(encoding="utf-8")
    assert cli.readme_block() in text, "the README's example table is stale: run `workbook readme`"
