"""The report: Markdown tables, a plot, and a comparison of two runs.

Written for a reader of chapter 1: each section is one of its lessons
(throughput, the worker pool, the listen backlog, naive versus tuned), and
the last one says which of the chapter's claims this run bears out.
"""

from __future__ import annotations

import json
from pathlib import Path

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
    if result.get("claims"):
        lines += ["", "## Chapter 1's claims, checked on this run", ""]
        for c in result["claims"]:
            mark = {True: "holds", False: "does NOT hold here",
                    None: "cannot be checked by this run"}[c["holds"]]
            lines.append(f"- {c['claim']}: **{mark}** ({c['detail']})")
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


COMPARED = {("throughput", "rps"): 0, ("throughput", "p99_ms"): 2,  # digits shown
            ("concurrency", "wall_s"): 2, ("burst", "wall_s"): 2}


def comparison(old: dict, new: dict) -> list[dict]:
    """new/old ratios per server for the headline numbers of two runs (medians; None: absent)."""
    rows = []
    for section, metric in COMPARED:
        olds = {r["key"]: r for r in old.get(section, [])}
        for r in new.get(section, []):
            a = (olds.get(r["key"]) or {}).get(metric) or {}
            b = r.get(metric) or {}
            ratio = b["median"] / a["median"] if a and b and a["median"] else None
            rows.append({"section": section, "key": r["key"], "metric": metric,
                         "old": a.get("median"), "new": b.get("median"), "new_over_old": ratio})
    return rows


def compare(old: dict, new: dict) -> str:
    """The comparison as a Markdown table."""
    lines = [f"Comparing {new.get('started')} (new) with {old.get('started')} (old)", "",
             "| section | server | metric | old | new | new/old |", "|---|---|---|---|---|---|"]
    for row in comparison(old, new):
        digits = COMPARED[row["section"], row["metric"]]
        shown = ["absent" if row[side] is None else _fmt(row[side], digits)
                 for side in ("old", "new")]
        lines.append(f"| {row['section']} | {row['key']} | {row['metric']} | {shown[0]} | "
                     f"{shown[1]} | {_fmt(row['new_over_old'], 2)} |")
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
