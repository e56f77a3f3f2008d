"""Shared by the benchmark's tests: run the command, and prove no server outlived it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbook.catalogue import ROOT


def _bench(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """``workbook bench ARGS`` as a learner types it (a process: it execs the chapter's module)."""
    return subprocess.run([sys.executable, "-m", "workbook", "bench", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _assert_gone(pids: list[int], label: str = "") -> None:
    """Every PID is gone (or was reused by something that is not one of our servers)."""
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists():
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            assert "bench" not in text and "ch01_wsgi_async" not in text \
                and "nginx" not in text, f"{label} server {pid} still alive: {text}"


def _check_summary(s: dict, rounds: int) -> None:
    assert len(s["values"]) == rounds
    assert s["min"] <= s["median"] <= s["max"]


@pytest.fixture
def bench_cli():
    return _bench


@pytest.fixture
def assert_gone():
    return _assert_gone


@pytest.fixture
def check_summary():
    return _check_summary
