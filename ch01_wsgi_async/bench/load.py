"""The load generators: wrk when installed, else a built-in asyncio client.

- ``builtin_throughput``: keep-alive connections sending GET after GET for a
  while (asyncio, with uvloop when installed): requests/s, p50/p99, errors;
- ``wrk_throughput``: the same measurement by ``wrk`` (C), parsed by ``parse_wrk``;
- ``simultaneous``: N new connections at once, one GET each: the wall time
  until the last answer (the worker-pool and backlog lessons).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

HOST = "127.0.0.1"


# --------------------------------------------------------------------------
# Responses, parsed just enough to count them
# --------------------------------------------------------------------------


def parse_response(buf: bytes | bytearray) -> tuple[int, int, bool] | None:
    """(status, bytes used, server closes after it) for the response at buf's start.

    None while incomplete; bytes used is -1 when the body runs until the
    server closes the connection (no length given).
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    connection = headers.get("connection", "")
    close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    start = end + 4
    if "content-length" in headers:
        total = start + int(headers["content-length"])
        return (int(status), total, close) if len(buf) >= total else None
    if headers.get("transfer-encoding") == "chunked":
        pos = start
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
            pos = eol + 2 + size + 2
            if len(buf) < pos:
                return None
            if size == 0:
                return int(status), pos, close
    return int(status), -1, True


def request_bytes(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: workbook-bench\r\n\r\n".encode()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]



# --------------------------------------------------------------------------
# The built-in client (asyncio, with uvloop when installed)
# --------------------------------------------------------------------------


def _runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def builtin_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "built-in client (Python asyncio)"
    return "built-in client (Python asyncio + uvloop)"


class _KeepAlive(asyncio.Protocol):
    """One keep-alive connection sending GET after GET until the deadline."""

    def __init__(self, request: bytes, deadline: float, stats: dict):
        self.request, self.deadline, self.stats = request, deadline, stats
        self.buf = bytearray()
        self.sent_at = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._send()

    def _send(self):
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def _done(self, status: int, now: float):
        self.stats["latencies"].append(now - self.sent_at)
        self.stats["requests"] += 1
        if not 200 <= status < 400:
            self.stats["non2xx"] += 1
        self.sent_at = None

    def data_received(self, data):
        self.buf += data
        while (parsed := parse_response(self.buf)) is not None:
            status, used, close = parsed
            if used < 0:
                return  # the body ends when the server closes
            now = time.perf_counter()
            self._done(status, now)
            del self.buf[:used]
            if close or now >= self.deadline:
                self.transport.close()
                return
            self._send()

    def eof_received(self):
        parsed = parse_response(self.buf)
        if self.sent_at is not None and parsed is not None and parsed[1] < 0:
            self._done(parsed[0], time.perf_counter())
        return False

    def connection_lost(self, exc):
        if self.sent_at is not None:  # the server hung up on a request in flight
            self.stats["errors"] += 1
        if not self.closed.done():
            self.closed.set_result(None)


async def _keepalive_load(port: int, path: str, connections: int, duration: float) -> dict:
    loop = asyncio.get_running_loop()
    request = request_bytes(port, path)
    stats = {"latencies": [], "requests": 0, "non2xx": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + duration
    protocols = []

    async def slot():
        while time.perf_counter() < deadline:
            try:
                _, proto = await loop.create_connection(
                    lambda: _KeepAlive(request, deadline, stats), HOST, port)
            except OSError:
                stats["errors"] += 1
                await asyncio.sleep(0.01)  # back off before reconnecting
                continue
            protocols.append(proto)
            await proto.closed

    try:
        await asyncio.wait_for(asyncio.gather(*(slot() for _ in range(connections))),
                               duration + 5)
    except TimeoutError:  # a server that stopped answering: count what hangs as errors
        for proto in protocols:
            if not proto.closed.done():
                proto.transport.abort()
    elapsed = time.perf_counter() - started
    return stats | {"elapsed": elapsed}


def builtin_throughput(port: int, path: str, connections: int, duration: float) -> dict:
    with _runner() as runner:
        stats = runner.run(_keepalive_load(port, path, connections, duration))
    lat = stats["latencies"]
    return {
        "rps": stats["requests"] / stats["elapsed"],
        "requests": stats["requests"],
        "p50_ms": _ms(percentile(lat, 50)),
        "p99_ms": _ms(percentile(lat, 99)),
        "errors": stats["errors"] + stats["non2xx"],
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


async def _one_request(port: int, path: str, timeout: float) -> tuple[bool, str]:
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request_bytes(port, path))
            buf = bytearray()
            while True:
                data = await reader.read(65536)
                parsed = parse_response(buf + data if data else buf)
                if not data:
                    if parsed is not None:
                        return parsed[0] == 200, f"status {parsed[0]}"
                    return False, "connection closed early"
                buf += data
                if parsed is not None and parsed[1] >= 0:
                    return parsed[0] == 200, f"status {parsed[0]}"
    except TimeoutError:
        return False, f"no answer within {timeout:.0f} s"
    except OSError as exc:
        return False, type(exc).__name__
    finally:
        if writer is not None:
            writer.close()


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because an accept queue was full.

    Machine-wide (per network namespace), so another program's overflows show
    up too; a difference across one measurement is still telling.
    """
    with contextlib.suppress(OSError, ValueError, StopIteration):
        lines = Path("/proc/net/netstat").read_text().splitlines()
        header, values = (line.split() for line in lines if line.startswith("TcpExt:"))
        return int(values[header.index("ListenOverflows")])
    return None


async def _simultaneous(port: int, path: str, n: int, timeout: float) -> dict:
    overflows = listen_overflows()
    started = time.perf_counter()
    finished = []

    async def one():
        result = await _one_request(port, path, timeout)
        finished.append(time.perf_counter() - started)
        return result

    results = await asyncio.gather(*(one() for _ in range(n)))
    failures = [detail for ok, detail in results if not ok]
    after = listen_overflows()
    return {"wall_s": max(finished), "errors": len(failures),
            "error_detail": sorted(set(failures))[:3],
            "overflows": after - overflows if overflows is not None and after is not None
            else None}


def simultaneous(port: int, path: str, n: int, timeout: float) -> dict:
    """n new connections at once, one GET each: wall time until the last answer."""
    with _runner() as runner:
        return runner.run(_simultaneous(port, path, n, timeout))



# --------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
    first = (out.stdout + out.stderr).strip().splitlines()
    return first[0] if first else "wrk"


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50/p99 (ms), requests and errors from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      output):
        errors += sum(int(g) for g in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(m.group(1))
    return {"rps": rps, "requests": requests, "errors": errors,
            "p50_ms": _wrk_ms(p50.group(1)) if p50 else None,
            "p99_ms": _wrk_ms(p99.group(1)) if p99 else None}


def wrk_throughput(port: int, path: str, connections: int, duration: float) -> dict:
    seconds = max(1, round(duration))  # wrk takes whole seconds
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         f"http://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 30,
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr.strip() or out.stdout.strip()}")
    return parse_wrk(out.stdout)
