"""The run: start every selected server (pinned to its CPU), measure in rotated rounds, stop.

``run_bench(settings)`` returns one dict (saved as JSON by the report): the
machine, the versions, every round's numbers, the rows per section, the
pairs, and chapter 1's claims checked against this run's numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ch01_wsgi_async.bench.load import (
    HOST,
    builtin_name,
    builtin_throughput,
    simultaneous,
    wrk_throughput,
    wrk_version,
)
from ch01_wsgi_async.bench.subjects import (
    NGINX_CONF,
    PAIRS,
    QUICK_KEYS,
    SUBJECTS,
    Subject,
    missing_reason,
)
from workbook import catalogue, serving
from workbook.catalogue import Example
from workbook.cli import Progress


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
    # What the run says on stderr while it works: "log" a line per step (pipes, CI),
    # "terminal" one progress line rewritten in place, "quiet" nothing (--json).
    talk: str = "log"


def quick_settings(s: Settings) -> Settings:
    s.quick = True
    s.duration = 0.3
    s.concurrency = 50
    s.concurrency_serial = 5
    s.burst = 0  # the burst lesson needs seconds of back-off: full runs only
    return s



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



def start(subject: Subject, server_cpus: set[int] | None, scratch: Path) -> serving.Served:
    """Start one subject on the server CPUs and wait until it answers.

    Chapter files start as their catalogue entry (as a learner runs them);
    bench servers as an ad hoc entry with their switches in the environment;
    nginx with a configuration written in ``scratch`` for the port it gets.
    """
    with pinned(server_cpus):
        if subject.file is None:
            prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=scratch))

            def nginx(port: int) -> list[str]:
                conf = prefix / "nginx.conf"
                conf.write_text(NGINX_CONF.format(tmp=prefix, host=HOST, port=port))
                return ["nginx", "-e", "stderr", "-p", str(prefix), "-c", str(conf)]

            # SIGINT (what stop() sends first) is nginx's fast shutdown; the group
            # signal takes its worker too.
            return serving.start_process(nginx, name="nginx", timeout=20, max_interval=0.02)
        # A fine polling interval: start-up time is one of the measurements.
        return serving.start_example(_example_for(subject), timeout=30, max_interval=0.02)


def _example_for(subject: Subject) -> Example:
    """The catalogue's entry for a chapter file, or an ad hoc one for bench servers."""
    for ex in catalogue.all_examples():
        if ex.file == subject.file and not subject.env:
            return ex
    return Example(id=f"bench.{subject.key}", file=subject.file, summary=subject.label,
                   env=dict(subject.env))


def server_cpus_of(pid: int) -> list[int] | None:
    with contextlib.suppress(OSError):
        return sorted(os.sched_getaffinity(pid))
    return None


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


def log(settings: Settings, message: str, warning: bool = False,
        progress: Progress | None = None) -> None:
    """A step, in a log only; a warning also on a terminal (above the progress line)."""
    if settings.talk == "log" or (warning and settings.talk == "terminal"):
        if progress:
            progress.clear()
        print(message, file=sys.stderr, flush=True)


def steps(subjects: list[Subject], settings: Settings) -> int:
    """How many servers to start and measurements to make (the progress line's total)."""
    bursts = [s for s in subjects if "burst" in s.measures] if settings.burst else []
    return len(subjects) + settings.rounds * (len(subjects) + len(bursts))


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
    running: dict[str, serving.Served] = {}
    raw: dict[tuple[str, str], list[dict]] = {}
    startup: dict[str, float] = {}
    rss: dict[str, float | None] = {}
    # Measure the built-in client against nginx too, when wrk is the generator:
    # that is how far the Python client falls short of the C one.
    check_builtin = generator == "wrk" and any(s.key == "nginx" for s in subjects)

    _interrupted.clear()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))  # nginx's configuration and logs
    progress = Progress(steps(subjects, settings), enabled=settings.talk == "terminal")
    step = 0
    try:
        with pinned(client_cpus):
            for subject in subjects:
                step += 1
                progress.show(step, f"starting {subject.key}")
                entry = {"key": subject.key, "label": subject.label, "group": subject.group,
                         "file": subject.file, "model": subject.model,
                         "workers": subject.workers if subject.model == "pool" else None}
                reason = missing_reason(subject)
                if reason:
                    entry |= {"status": "missing", "reason": reason}
                    log(settings, f"bench: {subject.key}: missing: {reason}",
                        warning=True, progress=progress)
                else:
                    try:
                        run = start(subject, server_cpus, scratch)
                    except serving.ServerFailed as exc:
                        lines = str(exc).strip().splitlines()
                        entry |= {"status": "failed", "reason": " | ".join(lines[:1] + lines[-2:])}
                        log(settings, f"bench: {subject.key}: failed to start: {lines[0]}",
                            warning=True, progress=progress)
                    else:
                        running[subject.key] = run
                        startup[subject.key] = run.startup_seconds
                        result["pids"].append(run.pid)
                        entry |= {"status": "ok", "pid": run.pid, "port": run.port,
                                  "server_cpus": server_cpus_of(run.pid),
                                  "startup_s": run.startup_seconds}
                        log(settings, f"bench: {subject.key}: started in "
                            f"{run.startup_seconds:.2f} s (pid {run.pid})")
                result["subjects"].append(entry)

            # Bursts come last, in their own rounds: an overflowed backlog keeps
            # the kernel retrying half-open connections for a while afterwards.
            phases = [("main", s) for s in subjects if s.key in running]
            bursts = [s for s in subjects if s.key in running and "burst" in s.measures]
            progress.total = step + steps([s for _, s in phases], settings) - len(phases)
            for phase, order in (("main", [s for _, s in phases]),
                                 ("burst", bursts if settings.burst else [])):
                for rnd in range(settings.rounds if order else 0):
                    shift = rnd % len(order)
                    rotated = order[shift:] + order[:shift]
                    log(settings, f"bench: {phase} round {rnd + 1}/{settings.rounds}: "
                        f"{' '.join(s.key for s in rotated)}")
                    for subject in rotated:
                        step += 1
                        progress.show(step, f"{phase} round {rnd + 1}/{settings.rounds}: "
                                            f"{subject.key}")
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
        progress.clear()
        for run in running.values():
            run.stop()
        shutil.rmtree(scratch, ignore_errors=True)
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
    result["claims"] = claims(result, settings)
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


FULL_N = Settings().concurrency  # the N of a full run (the worker-pool lesson's default)


def claims(result: dict, settings: Settings) -> list[dict]:
    """Chapter 1's claims, each checked against this run's own numbers.

    ``holds`` is True, False, or None when this run cannot tell.
    """
    found = []
    conc = [r for r in result["concurrency"] if r["group"] == "service"]
    async_rows = [r for r in conc if r["model"] == "async"]
    if async_rows:
        ok_rows = [r for r in async_rows if r.get("ratio_to_limit") is not None]
        holds = (len(ok_rows) == len(async_rows)
                 and all(r["ratio_to_limit"] <= 3 and r["errors"] == 0 for r in ok_rows))
        detail = ", ".join(f"{r['key']} {r['ratio_to_limit']:.2f}x" if r.get("ratio_to_limit")
                           else f"{r['key']} not run" for r in async_rows)
        n = settings.concurrency
        found.append({
            "claim": f"An asynchronous server waits for all its requests at once: {n} "
                     "simultaneous slow requests (100 ms each) take about 0.1 s (within 3x)"
                     + ("" if n == FULL_N else f"; a full run sends {FULL_N}"),
            "holds": holds, "detail": detail})
    pool = next((r for r in conc if r["model"] == "pool"), None)
    if pool:
        ratio = pool.get("ratio_to_limit")
        found.append({
            "claim": f"A pool of {pool['workers']} workers serves {pool['n']} slow requests in "
                     f"N / {pool['workers']} x 0.1 = {pool['limit_s']:.1f} s (within 10 %)",
            "holds": bool(ratio and ratio <= 1.10 and pool["errors"] == 0),
            "detail": f"{ratio:.2f}x" if ratio else pool.get("status")})
    gevent = next((p for p in result["pairs"]
                   if p["tuned"] == "gevent_nodelay" and p["status"] == "ok"), None)
    if gevent:
        gain = gevent.get("gain")
        found.append({
            "claim": "Gevent's slow keep-alive answers are Nagle's delay, not gevent: "
                     "with TCP_NODELAY it serves at least 3x the requests/s",
            "holds": bool(gain and gain >= 3),
            "detail": f"{gain:.1f}x" if gain else gevent["status"]})
    generator_claim = ("The numbers measure the servers, not the load generator: the "
                       "built-in client reaches at least 40 % of wrk's rate against nginx")
    gens = result["generators"]
    if len(gens) == 2 and gens[0]["rps"] and gens[1]["rps"]:
        share = gens[1]["rps"]["median"] / gens[0]["rps"]["median"]
        found.append({"claim": generator_claim, "holds": share >= 0.4,
                      "detail": f"{share:.0%}" + ("" if share >= 0.4 else
                                                  ": the built-in client is the bottleneck")})
    elif result["settings"]["generator"] == "builtin" and result["ceiling"]:
        flagged = [r["key"] for r in result["throughput"] if r["group"] != "ceiling"
                   and (r.get("ratio_to_ceiling") or 0) >= 0.8]
        found.append({
            "claim": generator_claim, "holds": None,
            "detail": "no wrk run to compare with; the built-in client reached "
                      f"{result['ceiling']['rps']:,.0f} req/s against "
                      f"{result['ceiling']['label']}"
                      + (f"; it may be the bottleneck for {', '.join(flagged)}" if flagged
                         else "; every server row is below 0.8 of that, so the servers are "
                              "the bottleneck, not the client")})
    return found
