"""``workbook bench``: the machinery, run for real on tiny durations.

Numbers are never asserted (the machine is shared and noisy); what is checked
is that every row is there, every ratio is computed from its own numbers, the
reports are written, a missing chapter file is reported instead of crashing,
and no server outlives the run (also when the run is interrupted).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook import bench
from workbook.catalogue import ROOT

pytestmark = pytest.mark.slow

QUICK = ["--quick", "--rounds", "3", "--duration", "0.2", "--concurrency", "20"]


def run_bench(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook", "bench", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def assert_gone(pids: list[int], label: str = "") -> None:
    """Every PID is gone (or was reused by something that is not one of our servers)."""
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists():
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            assert "benchservers" not in text and "ch01_wsgi_async" not in text \
                and "nginx" not in text, f"{label} server {pid} still alive: {text}"


def check_summary(s: dict, rounds: int) -> None:
    assert len(s["values"]) == rounds
    assert s["min"] <= s["median"] <= s["max"]


def test_quick_run_end_to_end(tmp_path):
    # One run, several checks: each run costs seconds, so the checks share it.
    out = tmp_path / "results"
    result = run_bench(*QUICK, "--only", "raw_asyncio,time_wsgi,time_aiohttp", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    [json_path] = out.glob("bench-*.json")
    data = json.loads(json_path.read_text())
    check_json_complete_and_ratios_computed(data)
    check_markdown_plot_and_printed_table(result, data, out)
    assert len(data["pids"]) == 3
    assert_gone(data["pids"])  # no server outlives the run
    check_compare(json_path, tmp_path)


def check_json_complete_and_ratios_computed(data):
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

    targets = {t["target"].split(":")[0] for t in data["targets"]}
    assert "async services" in targets


def check_markdown_plot_and_printed_table(result, data, out):
    [md] = out.glob("bench-*.md")
    [png] = out.glob("bench-*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = md.read_text()
    assert "## Throughput: GET /" in text and "## Concurrency" in text
    for row in data["throughput"]:
        line = next(line for line in text.splitlines() if line.startswith(f"| {row['label']} |"))
        assert f"{row['ratio_to_ceiling']:.2f}" in line
    assert text in result.stdout  # the same tables, printed
    assert f"json: {out}" in result.stdout


def check_compare(json_path, tmp_path):
    slower = json.loads(json_path.read_text())
    for row in slower["throughput"]:
        row["rps"]["median"] /= 2
    old = tmp_path / "old.json"
    old.write_text(json.dumps(slower))
    result = run_bench("--compare", str(old), "--against", str(json_path))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "| throughput |" in line
             and "| rps |" in line]
    assert len(lines) == 3
    assert all(line.rstrip().endswith("| 2.00 |") for line in lines)  # new = 2 x old


def test_bad_arguments_are_messages_not_tracebacks(tmp_path):
    for args in (["--compare", str(tmp_path / "absent.json")], ["--only", "nope"]):
        result = run_bench(*args)
        assert result.returncode != 0
        assert "workbook bench:" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_chapter_file_is_reported_not_a_crash(monkeypatch):
    ghost = bench.Subject("ghost", "a service not written yet", "service",
                          "ch01_wsgi_async/ghost_service.py", "async")
    monkeypatch.setattr(bench, "SUBJECTS", [*bench.SUBJECTS, ghost])
    settings = bench.quick_settings(bench.Settings())
    settings.duration, settings.concurrency = 0.1, 5
    settings.only = ("raw_asyncio", "ghost")
    data = bench.run_bench(settings)
    ghost_entry = next(s for s in data["subjects"] if s["key"] == "ghost")
    assert ghost_entry["status"] == "missing"
    assert "ghost_service.py is not there" in ghost_entry["reason"]
    assert next(r for r in data["throughput"] if r["key"] == "ghost")["status"] == "not run"
    text = bench.markdown(data)
    assert "## Not measured" in text and "ghost_service.py is not there" in text
    assert_gone(data["pids"])


def test_an_interrupted_run_stops_its_servers(tmp_path):
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
            if "round 2/" in line:  # "main round 2/50"
                break
        assert len(pids) == 2, "".join(seen)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "every server it started has been stopped" in process.stderr.read()
    assert_gone(pids, "after SIGTERM:")
    assert not list(tmp_path.glob("bench-*.json"))  # an interrupted run writes no results


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_wrk_generator_rows(tmp_path):
    started = time.monotonic()
    result = run_bench("--generator", "wrk", "--duration", "1", "--rounds", "3",
                       "--only", "raw_asyncio", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    [json_path] = tmp_path.glob("bench-*.json")
    data = json.loads(json_path.read_text())
    assert data["settings"]["generator"] == "wrk" and "wrk" in data["settings"]["generator_name"]
    row = data["throughput"][0]
    check_summary(row["rps"], 3)
    assert row["requests"] > 0 and row["p99_ms"]["median"] >= row["p50_ms"]["median"]
    assert time.monotonic() - started < 60


WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:40000/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   620.00us    1.20ms  40.31ms   97.00%
  Latency Distribution
     50%  512.00us
     75%    0.90ms
     90%    1.10ms
     99%    1.50s
  20040 requests in 1.00s, 3.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:  20018.97
Transfer/sec:      3.00MB
"""


def test_parse_wrk_reads_rate_percentiles_and_errors():
    parsed = bench.parse_wrk(WRK_OUTPUT)
    assert parsed == {"rps": 20018.97, "requests": 20040, "errors": 10,
                      "p50_ms": pytest.approx(0.512), "p99_ms": pytest.approx(1500.0)}


@pytest.mark.parametrize(("raw", "expected"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", (200, 40, False)),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", None),  # body not all there yet
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
     (200, 59, False)),
    (b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", (404, 45, True)),
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}", (200, -1, True)),  # ends at EOF
    (b"HTTP/1.1 200 OK\r\nContent-Le", None),
])
def test_parse_response(raw, expected):
    assert bench.parse_response(raw) == expected


def test_theoretical_limits():
    pool = bench.Subject("p", "p", "service", "x.py", "pool", workers=8)
    assert pool.limit(200) == pytest.approx(2.5)  # 200 / 8 x 0.1 s
    assert bench.Subject("s", "s", "service", "x.py", "serial").limit(10) == pytest.approx(1.0)
    assert bench.Subject("a", "a", "service", "x.py", "async").limit(200) == 0.1
