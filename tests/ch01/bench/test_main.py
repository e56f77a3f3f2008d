"""ch01_wsgi_async.bench.__main__: bad arguments are messages, not tracebacks; ``--json``
is one document and nothing else on stdout; progress only for a person at a terminal."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ch01_wsgi_async.bench import __main__ as command
from workbook.catalogue import ROOT
from workbook.serving import child_env


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


# ---------------------------------------------------------------- how the command talks

TINY = ["--quick", "--rounds", "1", "--duration", "0.1", "--concurrency", "5"]


@pytest.mark.slow
def test_json_is_the_whole_of_stdout(tmp_path, bench_cli, assert_gone, capsys):
    result = bench_cli(*TINY, "--only", "raw_asyncio,time_aiohttp", "--out", str(tmp_path),
                       "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # fails on anything printed beside the document
    assert result.stderr == ""  # quiet: no step lines, no progress
    assert_gone(document["pids"])
    assert [s["status"] for s in document["subjects"]] == ["ok", "ok"]
    assert {r["key"] for r in document["throughput"]} == {"raw_asyncio", "time_aiohttp"}
    assert [r["key"] for r in document["concurrency"]] == ["time_aiohttp"]
    assert document["throughput"][0]["rps"]["median"] > 0
    saved = json.loads(Path(document["files"]["json"]).read_text(encoding="utf-8"))
    assert saved == {k: v for k, v in document.items() if k != "files"}  # the run, as saved
    assert Path(document["files"]["markdown"]).is_file()

    # --compare/--against with --json: the ratios as data (a run against itself: all 1.0)
    saved_path = document["files"]["json"]
    assert command.main(["--compare", saved_path, "--against", saved_path, "--json"]) == 0
    compared = json.loads(capsys.readouterr().out)
    assert compared["old"] == compared["new"] == document["started"]
    rps = {r["key"]: r for r in compared["comparison"] if r["metric"] == "rps"}
    assert set(rps) == {"raw_asyncio", "time_aiohttp"}
    assert rps["time_aiohttp"]["new_over_old"] == pytest.approx(1.0)
    row = next(r for r in document["throughput"] if r["key"] == "time_aiohttp")
    assert rps["time_aiohttp"]["old"] == rps["time_aiohttp"]["new"] == row["rps"]["median"]


@pytest.mark.slow
def test_progress_only_on_a_terminal(tmp_path):
    # stderr is a pseudo-terminal, as in a learner's shell; stdout stays a pipe
    master, slave = pty.openpty()
    seen = bytearray()

    def drain():  # read as it comes: a full pty buffer would block the bench
        with contextlib.suppress(OSError):  # EIO once the bench has closed its end
            while chunk := os.read(master, 4096):
                seen.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "workbook", "bench", *TINY, "--only", "time_aiohttp",
             "--out", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave,
            text=True, timeout=90, env=child_env())
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    progress = seen.decode()
    assert process.returncode == 0, progress
    assert progress.startswith("\r[1/2] starting time_aiohttp ...")
    assert "\r[2/2] main round 1/1: time_aiohttp ..." in progress
    last = "[2/2] main round 1/1: time_aiohttp ..."
    assert progress.endswith("\r" + " " * len(last) + "\r")  # erased when done
    assert "bench: time_aiohttp: started" not in progress  # the log lines are for pipes
    assert "\033[" not in progress  # no colour at all (so nothing for NO_COLOR to turn off)
    assert process.stdout.startswith("# workbook bench")  # the tables, unchanged
