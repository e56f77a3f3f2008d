"""ch01_wsgi_async.bench.run, through ``workbook bench`` as a learner types it.

Numbers are never asserted (the machine is shared and noisy); what is checked
is that every row is there, every ratio is computed from its own numbers, the
reports are written and printed, the claims are checked, and no server
outlives the run (also when the run is interrupted).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from workbook.catalogue import ROOT

pytestmark = pytest.mark.slow

QUICK = ["--quick", "--rounds", "3", "--duration", "0.2", "--concurrency", "20"]


def test_quick_run_end_to_end(tmp_path, bench_cli, assert_gone, check_summary):
    # One run, several checks: each run costs seconds, so the checks share it.
    out = tmp_path / "results"
    result = bench_cli(*QUICK, "--only", "raw_asyncio,time_wsgi,time_aiohttp", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    # in a pipe (a CI log): a plain line per step, no progress line rewritten in place
    assert "bench: raw_asyncio: started in" in result.stderr and "bench: main round 3/3" \
        in result.stderr
    assert "\r" not in result.stderr and "[1/" not in result.stderr
    [json_path] = out.glob("bench-*.json")
    data = json.loads(json_path.read_text())
    check_json_complete_and_ratios_computed(data, check_summary)
    check_markdown_plot_and_printed_table(result, data, out)
    assert len(data["pids"]) == 3
    assert_gone(data["pids"])  # no server outlives the run


def check_json_complete_and_ratios_computed(data, check_summary):
    assert data["settings"]["rounds"] == 3 and data["settings"]["quick"] is True
    assert data["settings"]["generator"] == "builtin"  # wrk takes whole seconds
    assert "built-in client" in data["settings"]["generator_name"]
    assert data["versions"]["python"] and data["versions"]["aiohttp"]
    assert data["machine"]["usable_cpus"] >= 1
    if data["machine"]["usable_cpus"] >= 2:
        server_cpus = data["settings"]["server_cpus"]
        assert server_cpus and not set(server_cpus) & set(data["settings"]["client_cpus"])
        for subject in data["subjects"]:
            assert subject["server_cpus"] == server_cpus, subject
    assert [s["status"] for s in data["subjects"]] == ["ok", "ok", "ok"]

    rows = {r["key"]: r for r in data["throughput"]}
    assert set(rows) == {"raw_asyncio", "time_wsgi", "time_aiohttp"}
    ceiling = data["ceiling"]
    assert ceiling["key"] == "raw_asyncio"  # the only ceiling selected
    for row in rows.values():
        for metric in ("rps", "p50_ms", "p99_ms"):
            check_summary(row[metric], 3)
        assert row["rps"]["median"] > 0 and row["requests"] > 0
        assert row["errors"] >= 0 and row["startup_s"] > 0 and row["rss_mb"] > 0
        assert row["ratio_to_ceiling"] == pytest.approx(row["rps"]["median"] / ceiling["rps"])
    assert rows["raw_asyncio"]["ratio_to_ceiling"] == pytest.approx(1.0)

    conc = {r["key"]: r for r in data["concurrency"]}
    assert set(conc) == {"time_wsgi", "time_aiohttp"}  # the ceiling has no /slow
    assert conc["time_wsgi"]["model"] == "serial" and conc["time_wsgi"]["n"] == 5
    assert conc["time_wsgi"]["limit_s"] == pytest.approx(0.5)  # 5 x 0.1 s, one at a time
    assert conc["time_aiohttp"]["n"] == 20 and conc["time_aiohttp"]["limit_s"] == 0.1
    for row in conc.values():
        check_summary(row["wall_s"], 3)
        assert row["ratio_to_limit"] == pytest.approx(row["wall_s"]["median"] / row["limit_s"])
        assert row["slow_rps"] == pytest.approx(row["n"] / row["wall_s"]["median"])
        late = [w for w in row["wall_s"]["values"] if w >= row["limit_s"] + 0.9]
        assert row["rounds"] == 3 and row["rounds_late"] == len(late)
    assert data["burst"] == []  # quick runs skip the burst lesson

    # The async claim, judged on this run's own row, says which N it used.
    [claim] = [c for c in data["claims"] if c["claim"].startswith("An asynchronous server")]
    assert "20 simultaneous slow requests" in claim["claim"] and "a full run sends 200" in claim["claim"]
    aio = conc["time_aiohttp"]
    assert claim["holds"] == (aio["ratio_to_limit"] <= 3 and aio["errors"] == 0)
    assert f"time_aiohttp {aio['ratio_to_limit']:.2f}x" == claim["detail"]


def check_markdown_plot_and_printed_table(result, data, out):
    [md] = out.glob("bench-*.md")
    [png] = out.glob("bench-*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = md.read_text()
    assert "## Throughput: GET /" in text and "## Concurrency" in text
    assert "## Chapter 1's claims, checked on this run" in text
    assert "issue" not in text.lower() and "target" not in text.lower()  # words for the reader
    for row in data["throughput"]:
        line = next(line for line in text.splitlines() if line.startswith(f"| {row['label']} |"))
        assert f"{row['ratio_to_ceiling']:.2f}" in line
    assert text in result.stdout  # the same tables, printed
    assert f"json: {out}" in result.stdout


def test_an_interrupted_run_stops_its_servers(tmp_path, assert_gone):
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "bench", *QUICK, "--rounds", "50",
         "--only", "raw_asyncio,time_aiohttp", "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    pids, seen = [], []
    try:
        for line in process.stderr:  # pytest's timeout bounds this loop
            seen.append(line)
            if m := re.search(r"\(pid (\d+)\)", line):
                pids.append(int(m.group(1)))
            if "round 1/" in line:  # both started; the first round is being measured
                break
        assert len(pids) == 2, "".join(seen)
        process.send_signal(signal.SIGTERM)  # to `workbook bench` itself: it became the bench
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "every server it started has been stopped" in process.stderr.read()
    assert_gone(pids, "after SIGTERM:")
    assert not list(tmp_path.glob("bench-*.json"))  # an interrupted run writes no results
