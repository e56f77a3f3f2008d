"""The workbook CLI itself: list, check, clear errors, and the README table in sync."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from workbook import catalogue, cli, serving


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook", *args], cwd=catalogue.ROOT,
                          capture_output=True, text=True, timeout=120)


def in_process(capsys, *args: str) -> tuple[int, str, str]:
    """``workbook ARGS`` through the same main(), without starting an interpreter."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_names_every_example(capsys):
    code, out, err = in_process(capsys, "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [e.id for e in catalogue.all_examples()]
    assert {"id", "chapter", "kind", "file", "summary", "port", "run"} <= set(rows[0])


def test_unknown_id_is_a_message_not_a_traceback(capsys):
    # A traceback would be an exception escaping main(): this test would error.
    for args in (["check", "ch01.nope"], ["run", "nope"], ["try", "nope"]):
        code, out, err = in_process(capsys, *args)
        assert code == 2
        assert "unknown example" in err


def test_check_prints_a_table_and_a_closing_count(capsys):
    code, out, err = in_process(capsys, "check", "ch01.time_wsgi")
    assert code == 0, out + err
    assert "ch01.time_wsgi  PASS" in out
    assert "1 passed, 0 failed, 0 skipped" in out


def test_try_shows_requests_and_responses(capsys):
    code, out, err = in_process(capsys, "try", "ch01.time_wsgi")
    assert code == 0, out + err
    assert "$ curl -i http://127.0.0.1:" in out
    assert '{"time": ' in out
    assert "< 404" in out and "< 405" in out


def test_curl_line_carries_method_headers_and_body():
    probe = catalogue.Probe("/x", method="POST", headers={"A": "b"}, data=b'{"k": 1}')
    assert cli.curl_line("http://h:1", probe) == (
        "curl -i -X POST -H 'A: b' --data '{\"k\": 1}' http://h:1/x"
    )


def test_readme_example_table_matches_the_catalogue():
    text = (catalogue.ROOT / "README.md").read_text(encoding="utf-8")
    assert cli.readme_block() in text, "the README's example table is stale: run `workbook readme`"


def test_run_serves_in_this_terminal_and_passes_ctrl_c_on():
    """``workbook run ID --port N``: the example answers on N; a Ctrl-C to the
    command stops the example too (it has its own process group)."""
    with serving.start_process(
        lambda port: [sys.executable, "-m", "workbook", "run", "ch01.time_wsgi",
                      "--port", str(port)], name="workbook run") as command:
        with urllib.request.urlopen(command.url + "/", timeout=10) as response:
            assert isinstance(json.loads(response.read())["time"], float)
        # The example answers a moment before the command has printed its hints.
        deadline = time.monotonic() + 30
        while "Ctrl-C stops it." not in command.output() and time.monotonic() < deadline:
            time.sleep(0.05)  # polling its output, with a deadline
        took = command.stop()
    output = command.output()
    assert took < 3, output
    assert f"URL: {command.url}/" in output and "Try: curl -i" in output
    assert f"Serving on http://127.0.0.1:{command.port}" in output  # the example's own line
    assert serving.port_is_open(command.port) is False, "the example outlived the command"


def test_run_starts_what_a_script_needs_first():
    result = run_cli("run", "ch03.superheroes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(started what it needs: SUPERHEROES_URL=http://127.0.0.1:" in result.stdout
    assert "Madame Uppercut is over 30\nEternal Flame is over 30\n" in result.stdout


def test_curl_line_can_be_pasted_for_any_body():
    # Probes send invalid UTF-8 and JSON nested 5,000 deep (issue 13): still a line to paste.
    assert cli.shell_data(b'{"q": "\xff"}') == ["--data-binary", "$'{\"q\": \"\\xff\"}'"]
    assert cli.shell_data(b"it's") == ["--data-binary", "$'it\\x27s'"]
    deep = cli.shell_data(b"[" * 5000 + b"]" * 5000)
    assert deep == ["--data-binary", "\"$(python3 -c \"import sys; sys.stdout.write('[' * 5000"
                                     " + ']' * 5000)\")\""]
    pasted = subprocess.run(["bash", "-c", f"printf %s {deep[1]}"], capture_output=True)
    assert pasted.stdout == b"[" * 5000 + b"]" * 5000
    escaped = subprocess.run(["bash", "-c", "printf %s " + cli.shell_data(b'{"q": "\xff"}')[1]],
                             capture_output=True)
    assert escaped.stdout == b'{"q": "\xff"}'
