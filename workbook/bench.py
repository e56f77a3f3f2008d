"""``workbook bench``: the chapter-1 services measured side by side, honestly.

    workbook bench                 # about 2 minutes: every service, the ceilings, the pairs
    workbook bench --quick         # under 30 s: the services and the ceilings, short runs
    workbook bench --only time_wsgi,time_aiohttp --quick
    workbook bench --compare results/bench-OLD.json     # run, then print new/old ratios
    workbook bench --compare OLD.json --against NEW.json  # only compare two files

What is measured, one server under load at a time (every server is started
once, pinned to its own CPU, and stopped at the end; idle servers wait):

- throughput: GET / on a fixed number of keep-alive connections, with ``wrk``
  when installed (else the built-in asyncio client): requests/s, p50/p99,
  errors; plus start-up time and RSS (from /proc) after the load. Every row is
  also a ratio to the generator's ceiling: the fastest of nginx (when
  installed) and a raw ``asyncio.Protocol`` responder, measured the same way.
- concurrency: N simultaneous GET /slow (100 ms each) against the theoretical
  limit: 0.1 s for an async server (or a thread per connection), N / workers
  x 0.1 s for a pool, N x 0.1 s for a one-at-a-time server.
- burst: N new connections at once on GET / (the listen-backlog lesson).
- naive-versus-tuned pairs, each measured in the same run.

Each measurement runs ``--rounds`` times (3 by default) in a rotated order and
is reported as median (min-max). Results go to ``results/`` as JSON, Markdown
and a PNG plot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbook import catalogue, serving
from workbook.catalogue import ROOT, Example

SLOW_SECONDS = 0.1  # what every chapter-1 service's GET /slow waits
HOST = "127.0.0.1"
BENCH_DIR = "workbook/benchservers"


# --------------------------------------------------------------------------
# What is measured
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One server the benchmark starts, loads, and stops."""

    key: str
    label: str
    group: str  # "ceiling", "service" or "variant"
    file: str | None  # a Python server file; None for nginx
    model: str  # "async", "threads" (one per connection), "pool", "serial", "static"
    workers: int = 1
    env: dict = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # chapter-1 files it imports
    measures: tuple[str, ...] = ("throughput", "concurrency", "burst")
    note: str = ""

    def limit(self, n: int) -> float:
        """Theoretical wall time for n simultaneous 100 ms requests."""
        if self.model == "serial":
            return n * SLOW_SECONDS
        if self.model == "pool":
            return math.ceil(n / self.workers) * SLOW_SECONDS
        return SLOW_SECONDS


CH01 = "ch01_wsgi_async"
SUBJECTS = [
    Subject("nginx", "nginx (static answer)", "ceiling", None, "static",
            measures=("throughput",), note="C, event-driven; the machine's ceiling"),
    Subject("raw_asyncio", "raw asyncio.Protocol", "ceiling", f"{BENCH_DIR}/raw_responder.py",
            "async", measures=("throughput",), note="Python with nothing added"),
    Subject("time_wsgi", "WSGI on wsgiref (1 thread)", "service", f"{CH01}/time_wsgi.py",
            "serial"),
    Subject("time_gevent", "gevent pywsgi (patched)", "service", f"{CH01}/time_gevent.py",
            "async", needs=(f"{CH01}/time_wsgi.py",)),
    Subject("time_twisted", "Twisted", "service", f"{CH01}/time_twisted.py", "async"),
    Subject("time_tornado", "Tornado", "service", f"{CH01}/time_tornado.py", "async"),
    Subject("time_aiohttp", "aiohttp", "service", f"{CH01}/time_aiohttp.py", "async"),
    Subject("time_quart", "Quart on Hypercorn", "service", f"{CH01}/time_quart.py", "async"),
    Subject("worker_pool_wsgi", "WSGI on an 8-thread pool", "service",
            f"{CH01}/worker_pool_wsgi.py", "pool", workers=8),
    # Variants: the same chapter-1 apps served differently, for the pairs.
    Subject("wsgi_threaded", "WSGI on wsgiref, threaded, backlog 1024", "variant",
            f"{BENCH_DIR}/wsgi_threaded.py", "threads", needs=(f"{CH01}/time_wsgi.py",)),
    # The naive side of each pair is explicit too, so a later change to a
    # chapter file (say, TCP_NODELAY in time_gevent.py) cannot blur the lesson.
    Subject("gevent_nagle", "gevent pywsgi, Nagle on (no TCP_NODELAY)", "variant",
            f"{BENCH_DIR}/gevent_server.py", "async", env={"NODELAY": "0"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("throughput",)),
    Subject("gevent_nodelay", "gevent pywsgi + TCP_NODELAY", "variant",
            f"{BENCH_DIR}/gevent_server.py", "async", env={"NODELAY": "1"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("throughput",)),
    Subject("gevent_unpatched", "gevent pywsgi, not monkey-patched", "variant",
            f"{BENCH_DIR}/gevent_server.py", "serial", env={"PATCH": "0"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("concurrency",)),
    Subject("twisted_backlog50", "Twisted, listen backlog 50", "variant",
            f"{BENCH_DIR}/twisted_backlog.py", "async", env={"BACKLOG": "50"},
            needs=(f"{CH01}/time_twisted.py",), measures=("concurrency",)),
    Subject("twisted_backlog", "Twisted, listen backlog 1024", "variant",
            f"{BENCH_DIR}/twisted_backlog.py", "async", env={"BACKLOG": "1024"},
            needs=(f"{CH01}/time_twisted.py",), measures=("concurrency",)),
    Subject("quart_uvicorn", "Quart on Uvicorn (asyncio, h11)", "variant",
            f"{BENCH_DIR}/quart_servers.py", "async", env={"SERVER": "uvicorn"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
    Subject("quart_uvicorn_fast", "Quart on Uvicorn (uvloop, httptools)", "variant",
            f"{BENCH_DIR}/quart_servers.py", "async", env={"SERVER": "uvicorn-fast"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
    Subject("quart_dev", "Quart app.run() (development server)", "variant",
            f"{BENCH_DIR}/quart_servers.py", "async", env={"SERVER": "dev"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
]
QUICK_KEYS = ("nginx", "raw_asyncio", "time_wsgi", "time_gevent", "time_twisted",
              "time_tornado", "time_aiohttp", "time_quart", "worker_pool_wsgi")


@dataclass(frozen=True)
class Pair:
    lesson: str
    naive: str
    tuned: str
    section: str  # which measurement compares them
    metric: str  # "rps" (higher is better), "slow_rps" (higher), "wall_s" (lower)
    why: str


PAIRS = [
    Pair("wsgiref: backlog 5, one thread vs threaded, backlog 1024", "time_wsgi",
         "wsgi_threaded", "burst", "wall_s",
         "a burst overflows the 5-slot accept queue; dropped clients retry after 1 s, 3 s..."),
    Pair("gevent keep-alive: without vs with TCP_NODELAY", "gevent_nagle", "gevent_nodelay",
         "throughput", "rps",
         "pywsgi writes headers and body separately; Nagle holds the body for the client's "
         "delayed ACK (~40 ms)"),
    Pair("Twisted: listen backlog 50 (its default) vs 1024", "twisted_backlog50",
         "twisted_backlog",
         "concurrency", "slow_rps",
         "200 connects overflow a 50-slot accept queue; the dropped handshakes retry after 1 s"),
    Pair("gevent: not monkey-patched vs patched", "gevent_unpatched", "time_gevent",
         "concurrency", "slow_rps", "unpatched, time.sleep blocks the only thread"),
    Pair("Quart: Hypercorn vs Uvicorn (asyncio, h11)", "time_quart", "quart_uvicorn",
         "throughput", "rps", "two pure-Python ASGI servers"),
    Pair("Quart on Uvicorn: pure Python vs uvloop + httptools", "quart_uvicorn",
         "quart_uvicorn_fast", "throughput", "rps", "C event loop and HTTP parser"),
    Pair("Quart: development server vs production server (Hypercorn)", "quart_dev",
         "time_quart", "throughput", "rps",
         "app.run() is Hypercorn too (plus a reloader, and an access logger whose "
         "records are built, then dropped): about the same speed; it is not for users"),
]


@dataclass
class Settings:
    duration: float = 1.0  # seconds per throughput round
    connections: int = 16
    rounds: int = 3
    concurrency: int = 200  # N for async servers and pools
    concurrency_serial: int = 10  # N for one-at-a-time servers (N x 0.1 s each round)
    burst: int = 200
    generator: str = "auto"  # "auto", "wrk" or "builtin"
    timeout: float = 30.0  # per /slow request
    # A burst client still waiting after this long counts as an error; without a
    # cap, wsgiref's dropped handshakes back off for 1, 3, 7, 15 s...
    burst_timeout: float = 3.0
    quick: bool = False
    only: tuple[str, ...] = ()


def quick_settings(s: Settings) -> Settings:
    s.quick = True
    s.duration = 0.3
    s.concurrency = 50
    s.concurrency_serial = 5
    s.burst = 0  # the burst lesson needs seconds of back-off: full runs only
    return s


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


def choose_generator(settings: Settings) -> str:
    if settings.generator != "auto":
        return settings.generator
    # wrk only takes whole seconds; quick runs use the built-in client.
    return "wrk" if shutil.which("wrk") and settings.duration >= 1 else "builtin"


def throughput(generator: str, port: int, settings: Settings, path: str = "/") -> dict:
    if generator == "wrk":
        return wrk_throughput(port, path, settings.connections, settings.duration)
    return builtin_throughput(port, path, settings.connections, settings.duration)


# --------------------------------------------------------------------------
# Servers: pinned, started, measured, stopped
# --------------------------------------------------------------------------


def cpu_plan() -> tuple[set[int], set[int]] | None:
    """(server CPUs, client CPUs), or None on a one-CPU machine."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    return {cpus[0]}, set(cpus[1:])


@contextlib.contextmanager
def pinned(cpus: set[int] | None):
    """Run the body on ``cpus``; processes started inside inherit the affinity."""
    if not cpus:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a server and everything in its session (it leads one)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            session = int(stat.rsplit(")", 1)[1].split()[3])
            if int(entry.name) != pid and session != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024 if total else None


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen {host}:{port};
        location / {{
            default_type application/json;
            return 200 '{{"time": 0.0}}';
        }}
    }}
}}
"""


@dataclass
class Running:
    """A started server: where it listens, how to stop it, what it cost to start."""

    subject: Subject
    port: int
    pid: int
    startup_s: float
    stop: object  # callable
    cpus: list[int] | None = None


def _start_nginx() -> Running:
    tmp = Path(tempfile.mkdtemp(prefix="bench-nginx-"))

    def command(port: int) -> list[str]:
        # nginx reads its port from its configuration, written for each attempt.
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, host=HOST, port=port))
        return ["nginx", "-e", "stderr", "-p", str(tmp), "-c", str(tmp / "nginx.conf")]

    try:
        # SIGINT (what stop() sends first) is nginx's fast shutdown; its group takes the worker.
        server = serving.start_process(command, name="nginx", timeout=20, max_interval=0.02)
    except serving.ServerFailed:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    def stop(server=server):
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    subject = next(s for s in SUBJECTS if s.key == "nginx")
    return Running(subject, server.port, server.pid, server.startup_seconds, stop)


def _example_for(subject: Subject) -> Example:
    """The catalogue's entry for a chapter file, or an ad hoc one for bench servers."""
    for ex in catalogue.all_examples():
        if ex.file == subject.file and not subject.env:
            return ex
    return Example(id=f"bench.{subject.key}", file=subject.file, summary=subject.label,
                   env=dict(subject.env))


def missing_reason(subject: Subject) -> str | None:
    if subject.file is None:
        return None if shutil.which("nginx") else "nginx is not installed"
    for path in (subject.file, *subject.needs):
        if not (ROOT / path).exists():
            return f"{path} is not there (yet)"
    return None


def start(subject: Subject, server_cpus: set[int] | None) -> Running:
    with pinned(server_cpus):
        if subject.file is None:
            running = _start_nginx()
        else:
            server = serving.start_example(_example_for(subject), timeout=30, max_interval=0.02)

            def stop(server=server):
                server.stop()
                if server.log_path:
                    server.log_path.unlink(missing_ok=True)

            running = Running(subject, server.port, server.pid, server.startup_seconds, stop)
    with contextlib.suppress(OSError):
        running.cpus = sorted(os.sched_getaffinity(running.pid))
    return running


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def summary(values: list[float | None]) -> dict | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "values": vals}


def machine_info() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {"hostname": platform.node(), "platform": platform.platform(),
            "cpu": model, "cpus": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)),
            "memory_gb": mem, "loadavg_start": list(os.getloadavg())}


LIBRARIES = ("gevent", "greenlet", "twisted", "tornado", "aiohttp", "quart", "hypercorn",
             "uvicorn", "uvloop", "httptools", "werkzeug", "matplotlib")


def versions() -> dict:
    out = {"python": platform.python_version(),
           "python_implementation": platform.python_implementation()}
    for lib in LIBRARIES:
        try:
            out[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            out[lib] = None
    out["wrk"] = wrk_version()
    if shutil.which("nginx"):
        res = subprocess.run(["nginx", "-v"], capture_output=True, text=True, timeout=10)
        out["nginx"] = (res.stderr or res.stdout).strip().removeprefix("nginx version: ")
    else:
        out["nginx"] = None
    return out


def selected_subjects(settings: Settings) -> list[Subject]:
    keys = set(settings.only) if settings.only else None
    if keys:
        unknown = keys - {s.key for s in SUBJECTS}
        if unknown:
            raise SystemExit(f"workbook bench: unknown subject(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(s.key for s in SUBJECTS)}")
        return [s for s in SUBJECTS if s.key in keys]
    if settings.quick:
        return [s for s in SUBJECTS if s.key in QUICK_KEYS]
    return list(SUBJECTS)


def concurrency_n(subject: Subject, settings: Settings) -> int:
    return settings.concurrency_serial if subject.model == "serial" else settings.concurrency


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_bench(settings: Settings) -> dict:
    """Start every selected server, measure in rotated rounds, stop everything."""
    started_at = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    generator = choose_generator(settings)
    if generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("workbook bench: --generator wrk, but wrk is not installed")
    plan = cpu_plan()
    server_cpus, client_cpus = plan if plan else (None, None)
    subjects = selected_subjects(settings)
    result = {
        "schema": 1,
        "started": started_at.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": versions(),
        "settings": {
            "generator": generator,
            "generator_name": (wrk_version() if generator == "wrk" else builtin_name()),
            "duration_s": max(1, round(settings.duration)) if generator == "wrk"
            else settings.duration,
            "connections": settings.connections, "rounds": settings.rounds,
            "concurrency": settings.concurrency,
            "concurrency_serial": settings.concurrency_serial, "burst": settings.burst,
            "burst_timeout_s": settings.burst_timeout,
            "quick": settings.quick,
            "server_cpus": sorted(server_cpus) if server_cpus else None,
            "client_cpus": sorted(client_cpus) if client_cpus else None,
        },
        "subjects": [], "pids": [],
    }
    running: dict[str, Running] = {}
    raw: dict[tuple[str, str], list[dict]] = {}
    startup: dict[str, float] = {}
    rss: dict[str, float | None] = {}
    # Measure the built-in client against nginx too, when wrk is the generator:
    # that is how far the Python client falls short of the C one.
    check_builtin = generator == "wrk" and any(s.key == "nginx" for s in subjects)

    _interrupted.clear()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with pinned(client_cpus):
            for subject in subjects:
                entry = {"key": subject.key, "label": subject.label, "group": subject.group,
                         "file": subject.file, "model": subject.model,
                         "workers": subject.workers if subject.model == "pool" else None}
                reason = missing_reason(subject)
                if reason:
                    entry |= {"status": "missing", "reason": reason}
                    log(f"bench: {subject.key}: missing: {reason}")
                else:
                    try:
                        run = start(subject, server_cpus)
                    except serving.ServerFailed as exc:
                        lines = str(exc).strip().splitlines()
                        entry |= {"status": "failed", "reason": " | ".join(lines[:1] + lines[-2:])}
                        log(f"bench: {subject.key}: failed to start: {lines[0]}")
                    else:
                        running[subject.key] = run
                        startup[subject.key] = run.startup_s
                        result["pids"].append(run.pid)
                        entry |= {"status": "ok", "pid": run.pid, "port": run.port,
                                  "server_cpus": run.cpus, "startup_s": run.startup_s}
                        log(f"bench: {subject.key}: started in {run.startup_s:.2f} s "
                            f"(pid {run.pid})")
                result["subjects"].append(entry)

            # Bursts come last, in their own rounds: an overflowed backlog keeps
            # the kernel retrying half-open connections for a while afterwards.
            phases = [("main", s) for s in subjects if s.key in running]
            bursts = [s for s in subjects if s.key in running and "burst" in s.measures]
            for phase, order in (("main", [s for _, s in phases]),
                                 ("burst", bursts if settings.burst else [])):
                for rnd in range(settings.rounds if order else 0):
                    shift = rnd % len(order)
                    rotated = order[shift:] + order[:shift]
                    log(f"bench: {phase} round {rnd + 1}/{settings.rounds}: "
                        f"{' '.join(s.key for s in rotated)}")
                    for subject in rotated:
                        port = running[subject.key].port
                        _measure(subject, port, generator, settings, raw, phase)
                        if _interrupted:
                            raise KeyboardInterrupt
                        if check_builtin and subject.key == "nginx" and phase == "main":
                            _record(raw, ("builtin", subject.key),
                                    lambda port=port: builtin_throughput(
                                        port, "/", settings.connections, settings.duration))
            for key, run in running.items():
                rss[key] = rss_mb(run.pid)
    finally:
        for run in running.values():
            run.stop()
        signal.signal(signal.SIGTERM, previous)

    result["throughput"] = _throughput_rows(subjects, running, raw, startup, rss)
    result["concurrency"] = _simultaneous_rows(subjects, running, raw, "concurrency", settings)
    result["burst"] = _simultaneous_rows(subjects, running, raw, "burst", settings)
    result["ceiling"] = _ceiling(result["throughput"])
    for row in result["throughput"]:
        ceiling = result["ceiling"]["rps"] if result["ceiling"] else None
        row["ratio_to_ceiling"] = (row["rps"]["median"] / ceiling
                                   if ceiling and row.get("rps") else None)
    result["generators"] = _generator_rows(raw, generator, result["settings"]["generator_name"])
    result["pairs"] = _pair_rows(result)
    result["targets"] = _targets(result, settings)
    result["machine"]["loadavg_end"] = list(os.getloadavg())
    result["seconds"] = time.monotonic() - clock
    return result


_interrupted: list[int] = []


def _raise_interrupt(signum, frame):
    # Remembered too: an event loop may swallow the exception raised here, so the
    # run also checks between measurements. Either way, the finally clause stops
    # every server.
    _interrupted.append(signum)
    raise KeyboardInterrupt


def _record(raw: dict, key: tuple[str, str], measure) -> None:
    try:
        value = measure()
    except Exception as exc:  # a server that died mid-run is a result, not a crash
        value = {"failure": f"{type(exc).__name__}: {exc}"}
    raw.setdefault(key, []).append(value)


def _measure(subject: Subject, port: int, generator: str, settings: Settings, raw: dict,
             phase: str):
    if phase == "burst":
        if "burst" in subject.measures and settings.burst:
            _record(raw, ("burst", subject.key),
                    lambda: simultaneous(port, "/", settings.burst, settings.burst_timeout)
                    | {"n": settings.burst})
        return
    if "throughput" in subject.measures:
        _record(raw, ("throughput", subject.key),
                lambda: throughput(generator, port, settings))
    if "concurrency" in subject.measures:
        n = concurrency_n(subject, settings)
        timeout = max(settings.timeout, 3 * subject.limit(n))
        _record(raw, ("concurrency", subject.key),
                lambda: simultaneous(port, "/slow", n, timeout) | {"n": n})


def _failures(rounds: list[dict]) -> list[str]:
    return sorted({r["failure"] for r in rounds if "failure" in r})


def _throughput_rows(subjects, running, raw, startup, rss) -> list[dict]:
    rows = []
    for s in subjects:
        if "throughput" not in s.measures:
            continue
        row = {"key": s.key, "label": s.label, "group": s.group}
        if s.key not in running:
            rows.append(row | {"status": "not run"})
            continue
        rounds = raw.get(("throughput", s.key), [])
        good = [r for r in rounds if "failure" not in r]
        row |= {
            "status": "ok" if good else "failed",
            "failures": _failures(rounds),
            "rps": summary([r["rps"] for r in good]),
            "p50_ms": summary([r["p50_ms"] for r in good]),
            "p99_ms": summary([r["p99_ms"] for r in good]),
            "errors": sum(r["errors"] for r in good),
            "requests": sum(r["requests"] for r in good),
            "startup_s": startup.get(s.key),
            "rss_mb": rss.get(s.key),
        }
        rows.append(row)
    return rows


def _simultaneous_rows(subjects, running, raw, section, settings) -> list[dict]:
    rows = []
    for s in subjects:
        if section not in s.measures or (section == "burst" and not settings.burst):
            continue
        n = concurrency_n(s, settings) if section == "concurrency" else settings.burst
        limit = s.limit(n) if section == "concurrency" else None
        row = {"key": s.key, "label": s.label, "group": s.group, "model": s.model,
               "workers": s.workers if s.model == "pool" else None, "n": n, "limit_s": limit}
        if s.key not in running:
            rows.append(row | {"status": "not run"})
            continue
        rounds = raw.get((section, s.key), [])
        good = [r for r in rounds if "failure" not in r]
        wall = summary([r["wall_s"] for r in good])
        details = sorted({d for r in good for d in r["error_detail"]})
        overflows = [r["overflows"] for r in good if r.get("overflows") is not None]
        # A dropped handshake is retried after 1 s: a round that ends 0.9 s or
        # more past its limit almost certainly lost one. Medians hide how often.
        late = sum(1 for r in good if r["wall_s"] >= (limit or 0) + 0.9)
        row |= {"status": "ok" if good else "failed", "failures": _failures(rounds),
                "wall_s": wall, "errors": sum(r["errors"] for r in good),
                "listen_overflows": sum(overflows) if overflows else None,
                "rounds_late": late, "rounds": len(good),
                "error_detail": details[:3],
                "ratio_to_limit": wall["median"] / limit if wall and limit else None,
                "slow_rps": n / wall["median"] if wall else None}
        rows.append(row)
    return rows


def _ceiling(rows: list[dict]) -> dict | None:
    best = None
    for row in rows:
        if row["group"] == "ceiling" and row.get("rps"):
            if best is None or row["rps"]["median"] > best["rps"]:
                best = {"key": row["key"], "label": row["label"], "rps": row["rps"]["median"]}
    return best


def _generator_rows(raw, generator, generator_name) -> list[dict]:
    rows = []
    main = raw.get(("throughput", "nginx"))
    other = raw.get(("builtin", "nginx"))
    if main:
        rows.append({"generator": generator_name, "server": "nginx",
                     "rps": summary([r.get("rps") for r in main])})
    if other:
        rows.append({"generator": builtin_name(), "server": "nginx",
                     "rps": summary([r.get("rps") for r in other])})
    return rows


def _find(rows: list[dict], key: str) -> dict | None:
    return next((r for r in rows if r["key"] == key and r.get("status") == "ok"), None)


def _pair_rows(result: dict) -> list[dict]:
    rows = []
    for pair in PAIRS:
        section = result.get(pair.section, [])
        naive, tuned = _find(section, pair.naive), _find(section, pair.tuned)
        row = {"lesson": pair.lesson, "naive": pair.naive, "tuned": pair.tuned,
               "section": pair.section, "metric": pair.metric, "why": pair.why}
        if naive is None or tuned is None:
            missing = [k for k, r in ((pair.naive, naive), (pair.tuned, tuned)) if r is None]
            rows.append(row | {"status": f"not measured ({', '.join(missing)})"})
            continue
        if pair.metric == "slow_rps":
            a, b = naive["slow_rps"], tuned["slow_rps"]
        else:
            a, b = naive[pair.metric]["median"], tuned[pair.metric]["median"]
        gain = (a / b if pair.metric == "wall_s" else b / a) if a and b else None
        # Clients that gave up make the naive side look better than it was.
        at_least = bool(naive.get("errors")) and pair.section != "throughput"
        rows.append(row | {"status": "ok", "naive_value": a, "tuned_value": b, "gain": gain,
                           "gain_is_lower_bound": at_least,
                           "naive_errors": naive.get("errors"),
                           "tuned_errors": tuned.get("errors")})
    return rows


def _targets(result: dict, settings: Settings) -> list[dict]:
    targets = []
    conc = [r for r in result["concurrency"] if r["group"] == "service"]
    async_rows = [r for r in conc if r["model"] == "async"]
    if async_rows:
        ok_rows = [r for r in async_rows if r.get("ratio_to_limit") is not None]
        met = (len(ok_rows) == len(async_rows)
               and all(r["ratio_to_limit"] <= 3 and r["errors"] == 0 for r in ok_rows))
        detail = ", ".join(f"{r['key']} {r['ratio_to_limit']:.2f}x" if r.get("ratio_to_limit")
                           else f"{r['key']} not run" for r in async_rows)
        n = settings.concurrency
        targets.append({"target": f"async services: {n} slow requests within 3x of 0.1 s"
                        + ("" if n == 200 else " (the issue's target is N=200)"),
                        "met": met, "detail": detail})
    pool = next((r for r in conc if r["model"] == "pool"), None)
    if pool:
        ratio = pool.get("ratio_to_limit")
        targets.append({"target": f"worker pool within 10 % of {pool['limit_s']:.1f} s "
                        f"(N={pool['n']})", "met": bool(ratio and ratio <= 1.10
                                                        and pool["errors"] == 0),
                        "detail": f"{ratio:.2f}x" if ratio else pool.get("status")})
    gevent = next((p for p in result["pairs"]
                   if p["tuned"] == "gevent_nodelay" and p["status"] == "ok"), None)
    if gevent:
        gain = gevent.get("gain")
        targets.append({"target": "tuned gevent >= 3x the naive one's requests/s",
                        "met": bool(gain and gain >= 3),
                        "detail": f"{gain:.1f}x" if gain else gevent["status"]})
    gens = result["generators"]
    if len(gens) == 2 and gens[0]["rps"] and gens[1]["rps"]:
        share = gens[1]["rps"]["median"] / gens[0]["rps"]["median"]
        targets.append({"target": "built-in client >= 40 % of the nginx ceiling (wrk's)",
                        "met": share >= 0.4,
                        "detail": f"{share:.0%}" + ("" if share >= 0.4 else
                                                    ": the built-in client is the bottleneck")})
    elif result["settings"]["generator"] == "builtin" and result["ceiling"]:
        flagged = [r["key"] for r in result["throughput"] if r["group"] != "ceiling"
                   and (r.get("ratio_to_ceiling") or 0) >= 0.8]
        targets.append({
            "target": "built-in client >= 40 % of the nginx ceiling (wrk's)", "met": None,
            "detail": "no wrk run to compare with; the built-in client reached "
                      f"{_fmt(result['ceiling']['rps'])} req/s against {result['ceiling']['label']}"
                      + (f"; it may be the bottleneck for {', '.join(flagged)}" if flagged
                         else "; every server row is below 0.8 of that, so the servers are "
                              "the bottleneck, not the client")})
    return targets


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _range(s: dict | None, digits: int = 0) -> str:
    if not s:
        return "-"
    return f"{_fmt(s['median'], digits)} ({_fmt(s['min'], digits)}-{_fmt(s['max'], digits)})"


def _late(row: dict) -> str:
    return f"{row['rounds_late']}/{row['rounds']}" if row.get("rounds") else "-"


def _status_note(row: dict, subjects: dict) -> str:
    entry = subjects.get(row["key"], {})
    if entry.get("status") in ("missing", "failed"):
        return f"{entry['status']}: {entry['reason']}"
    if row.get("failures"):
        return "; ".join(row["failures"])[:120]
    return row.get("status", "")


def markdown(result: dict) -> str:
    st, m, v = result["settings"], result["machine"], result["versions"]
    subjects = {s["key"]: s for s in result["subjects"]}
    pin = (f"servers on CPU {st['server_cpus']}, client on CPU {st['client_cpus']}"
           if st["server_cpus"] else "not pinned (one CPU)")
    lines = [
        f"# workbook bench, {result['started']}",
        "",
        f"Machine: {m['hostname']}, {m['cpu'] or 'unknown CPU'}, {m['usable_cpus']} CPUs, "
        f"{m['memory_gb']} GB, {m['platform']}; load average {m['loadavg_start'][0]:.2f} at the "
        f"start, {m['loadavg_end'][0]:.2f} at the end. Python {v['python']}.",
        f"Load generator: {st['generator_name']}; {st['connections']} keep-alive connections, "
        f"{st['duration_s']} s per round; {st['rounds']} rounds in rotated order, median "
        f"(min-max); {pin}. Run took {result['seconds']:.0f} s"
        + (" (--quick)." if st["quick"] else "."),
        "",
    ]
    c = result["ceiling"]
    lines += ["## Throughput: GET /", "",
              f"Ceiling: {c['label']} at {_fmt(c['rps'])} req/s." if c else
              "Ceiling: none measured.", "",
              "| server | req/s | x ceiling | p50 ms | p99 ms | errors | start-up s | RSS MB | note |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in result["throughput"]:
        ratio = r.get("ratio_to_ceiling")
        flag = " (generator-bound?)" if ratio and ratio >= 0.8 and r["group"] != "ceiling" else ""
        lines.append(
            f"| {r['label']} | {_range(r.get('rps'))} | {_fmt(ratio, 2)}{flag} | "
            f"{_range(r.get('p50_ms'), 2)} | {_range(r.get('p99_ms'), 1)} | "
            f"{r.get('errors', '-')} | {_fmt(r.get('startup_s'), 2)} | {_fmt(r.get('rss_mb'), 0)} "
            f"| {_status_note(r, subjects) if r.get('status') != 'ok' or r.get('failures') else ''} |")
    lines += ["", "## Concurrency: N simultaneous GET /slow (100 ms each)", "",
              "| server | model | N | limit s | wall s | x limit | errors | rounds +1 s** "
              "| listen overflows* | note |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["concurrency"]:
        model = f"pool of {r['workers']}" if r["model"] == "pool" else r["model"]
        note = (_status_note(r, subjects) if r.get("status") != "ok" or r.get("failures")
                else ", ".join(r.get("error_detail") or []))
        lines.append(f"| {r['label']} | {model} | {r['n']} | {_fmt(r['limit_s'], 1)} | "
                     f"{_range(r.get('wall_s'), 2)} | {_fmt(r.get('ratio_to_limit'), 2)} | "
                     f"{r.get('errors', '-')} | {_late(r)} | {_fmt(r.get('listen_overflows'))} "
                     f"| {note} |")
    lines += ["", "*machine-wide kernel count (TcpExtListenOverflows) during the measurement: "
              "handshakes dropped because an accept queue was full; other programs count too.",
              "",
              "**rounds that ended 0.9 s or more past the limit: almost always a handshake "
              "dropped and retried after TCP's 1-second SYN timeout."]
    if result["burst"]:
        lines += ["", "## Burst: N new connections at once, GET /", "",
                  f"A client still waiting after {st.get('burst_timeout_s', '?')} s counts as "
                  "an error.", "",
                  "| server | N | wall s | errors | rounds +1 s** | listen overflows* | note |",
                  "|---|---|---|---|---|---|---|"]
        for r in result["burst"]:
            note = (_status_note(r, subjects) if r.get("status") != "ok" or r.get("failures")
                    else ", ".join(r.get("error_detail") or []))
            lines.append(f"| {r['label']} | {r['n']} | {_range(r.get('wall_s'), 2)} | "
                         f"{r.get('errors', '-')} | {_late(r)} | {_fmt(r.get('listen_overflows'))} "
                         f"| {note} |")
    if any(p["status"] == "ok" for p in result["pairs"]) or not st["quick"]:
        lines += ["", "## Naive versus tuned", "",
                  "| lesson | measured as | naive | tuned | gain | why |",
                  "|---|---|---|---|---|---|"]
        units = {"rps": "req/s (GET /)", "slow_rps": "slow req/s", "wall_s": "burst wall s"}
        for p in result["pairs"]:
            if p["status"] != "ok":
                lines.append(f"| {p['lesson']} | {units[p['metric']]} | {p['status']} | | | |")
                continue
            d = 2 if p["metric"] == "wall_s" else 0
            ge = ">= " if p.get("gain_is_lower_bound") else ""
            lines.append(f"| {p['lesson']} | {units[p['metric']]} | {_fmt(p['naive_value'], d)} | "
                         f"{_fmt(p['tuned_value'], d)} | {ge}{_fmt(p['gain'], 1)}x | {p['why']} |")
    if result["generators"]:
        lines += ["", "## The load generators against nginx", "",
                  "| generator | req/s |", "|---|---|"]
        lines += [f"| {g['generator']} | {_range(g['rps'])} |" for g in result["generators"]]
    if result["targets"]:
        lines += ["", "## The issue's targets", ""]
        for t in result["targets"]:
            mark = {True: "met", False: "NOT met", None: "not measurable here"}[t["met"]]
            lines.append(f"- {t['target']}: **{mark}** ({t['detail']})")
    missing = [s for s in result["subjects"] if s["status"] != "ok"]
    if missing:
        lines += ["", "## Not measured", ""]
        lines += [f"- {s['key']} ({s['file'] or 'nginx'}): {s['status']}: {s['reason']}"
                  for s in missing]
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tput = [r for r in result["throughput"] if r.get("rps")]
    conc = [r for r in result["concurrency"] if r.get("ratio_to_limit")]
    if not tput and not conc:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(13, max(3.5, 0.38 * max(len(tput), len(conc)) + 1.5)))
    ax = axes[0]
    if tput:
        med = [r["rps"]["median"] for r in tput]
        err = [[m - r["rps"]["min"] for m, r in zip(med, tput, strict=True)],
               [r["rps"]["max"] - m for m, r in zip(med, tput, strict=True)]]
        colours = ["#888" if r["group"] == "ceiling" else
                   ("#4c72b0" if r["group"] == "service" else "#dd8452") for r in tput]
        ax.barh([r["label"] for r in tput], med, xerr=err, color=colours, capsize=3)
        ax.set_xscale("log")  # the ceilings are ten times the frameworks
        ax.invert_yaxis()
        ax.set_xlabel("requests/s, GET /, log scale (median, min-max)")
        ax.set_title(f"Throughput ({result['settings']['generator']})")
    ax = axes[1]
    if conc:
        ratios = [r["ratio_to_limit"] for r in conc]
        ax.barh([f"{r['label']} (N={r['n']})" for r in conc], ratios, color="#55a868")
        ax.axvline(1, color="black", linewidth=1)
        ax.axvline(3, color="red", linewidth=1, linestyle="--")
        ax.invert_yaxis()
        ax.set_xlabel("wall time / limit (1 = ideal, dashed = 3x)")
        ax.set_title("Concurrency: simultaneous GET /slow")
    fig.suptitle(f"workbook bench {result['started']} on {result['machine']['hostname']}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def compare(old: dict, new: dict) -> str:
    """new/old ratios per server for the headline numbers of two runs."""
    lines = [f"Comparing {new.get('started')} (new) with {old.get('started')} (old)", "",
             "| section | server | metric | old | new | new/old |", "|---|---|---|---|---|---|"]
    specs = [("throughput", "rps", 0), ("throughput", "p99_ms", 2),
             ("concurrency", "wall_s", 2), ("burst", "wall_s", 2)]
    for section, metric, digits in specs:
        olds = {r["key"]: r for r in old.get(section, [])}
        for r in new.get(section, []):
            o = olds.get(r["key"])
            a = (o or {}).get(metric) or {}
            b = r.get(metric) or {}
            if not a or not b:
                if o is None or not a or not b:
                    lines.append(f"| {section} | {r['key']} | {metric} | "
                                 f"{_fmt(a.get('median'), digits) if a else 'absent'} | "
                                 f"{_fmt(b.get('median'), digits) if b else 'absent'} | - |")
                continue
            ratio = b["median"] / a["median"] if a["median"] else None
            lines.append(f"| {section} | {r['key']} | {metric} | {_fmt(a['median'], digits)} | "
                         f"{_fmt(b['median'], digits)} | {_fmt(ratio, 2)} |")
    return "\n".join(lines) + "\n"


def write_results(result: dict, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = result["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
    base = out / f"bench-{stamp}{'-quick' if result['settings']['quick'] else ''}"
    paths = {"json": base.with_suffix(".json"), "markdown": base.with_suffix(".md")}
    paths["json"].write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(result), encoding="utf-8")
    png = plot(result, base.with_suffix(".png"))
    if png:
        paths["png"] = png
    return paths


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def _load(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"workbook bench: cannot read {path}: {exc}") from None


def cmd_bench(args) -> int:
    if args.against:
        if not args.compare:
            print("workbook bench: --against needs --compare OLD.json", file=sys.stderr)
            return 2
        old, new = _load(args.compare), _load(args.against)
        print(compare(old, new))
        return 0
    old = _load(args.compare) if args.compare else None  # read first: fail before a 2-min run
    settings = Settings()
    if args.quick:
        quick_settings(settings)
    for name in ("duration", "connections", "rounds", "concurrency", "burst", "generator"):
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))
    if settings.rounds < 1:
        print("workbook bench: --rounds must be at least 1", file=sys.stderr)
        return 2
    settings.only = tuple(k.strip() for k in (args.only or "").split(",") if k.strip())
    try:
        result = run_bench(settings)
    except KeyboardInterrupt:
        print("workbook bench: interrupted; every server it started has been stopped",
              file=sys.stderr)
        return 130
    paths = write_results(result, Path(args.out))
    print(markdown(result))
    if old is not None:
        print(compare(old, result))
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="measure the chapter-1 services side by side (about 2 minutes)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="services and ceilings only, short rounds (under 30 s)")
    p.add_argument("--only", metavar="KEYS",
                   help="comma-separated servers: " + ",".join(s.key for s in SUBJECTS))
    p.add_argument("--rounds", type=int, help="rounds per measurement (default 3)")
    p.add_argument("--duration", type=float, help="seconds per throughput round")
    p.add_argument("--connections", type=int, help="keep-alive connections (default 16)")
    p.add_argument("--concurrency", type=int, help="simultaneous /slow requests (default 200)")
    p.add_argument("--burst", type=int, help="simultaneous new connections on / (default 200)")
    p.add_argument("--generator", choices=("auto", "wrk", "builtin"),
                   help="load generator (default: wrk when installed)")
    p.add_argument("--out", default=str(ROOT / "results"), help="results folder")
    p.add_argument("--compare", metavar="OLD.json", help="print new/old ratios against a run")
    p.add_argument("--against", metavar="NEW.json",
                   help="with --compare: compare two saved runs, run nothing")
    p.set_defaults(func=cmd_bench)
