"""ch01_wsgi_async.bench.__main__: the command's bad arguments are messages, not tracebacks."""

from __future__ import annotations

import pytest

from ch01_wsgi_async.bench import __main__ as command


@pytest.mark.parametrize(("args", "message"), [
    (["--compare", "absent.json"], "workbook bench: cannot read absent.json"),
    (["--only", "nope"], "workbook bench: unknown subject(s) nope; known: nginx,"),
])
def test_bad_arguments_exit_with_a_message(args, message, tmp_path, monkeypatch):
    # SystemExit carrying a message: Python prints it, without a traceback, and exits 1.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        command.main([*args, "--out", str(tmp_path)])
    assert str(exc.value).startswith(message)
    assert not list(tmp_path.glob("bench-*"))


def test_against_needs_compare(tmp_path, capsys):
    assert command.main(["--against", str(tmp_path / "new.json")]) == 2
    assert "--against needs --compare OLD.json" in capsys.readouterr().err


def test_rounds_must_be_positive(capsys):
    assert command.main(["--rounds", "0"]) == 2
    assert "--rounds must be at least 1" in capsys.readouterr().err
