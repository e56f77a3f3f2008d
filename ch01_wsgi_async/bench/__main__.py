"""``workbook bench`` (or ``python -m ch01_wsgi_async.bench``): run, report, compare.

On a terminal the run shows one progress line on stderr; in a pipe a line per
step; with ``--json`` nothing but one JSON document on stdout (the run as saved
in results/, plus the files written and any comparison).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import ch01_wsgi_async.bench as package
from ch01_wsgi_async.bench.report import compare, comparison, markdown, write_results
from ch01_wsgi_async.bench.run import Settings, quick_settings, run_bench
from ch01_wsgi_async.bench.subjects import SUBJECTS
from workbook.catalogue import ROOT


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
        if args.json:
            print(json.dumps({"old": old.get("started"), "new": new.get("started"),
                              "comparison": comparison(old, new)}, indent=2))
        else:
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
    # the way `workbook check` talks: progress only for a person watching stderr
    settings.talk = "quiet" if args.json else "terminal" if sys.stderr.isatty() else "log"
    try:
        result = run_bench(settings)
    except KeyboardInterrupt:
        print("workbook bench: interrupted; every server it started has been stopped",
              file=sys.stderr)
        return 130
    paths = write_results(result, Path(args.out))
    if args.json:
        document = result | {"files": {kind: str(path) for kind, path in paths.items()}}
        if old is not None:
            document["comparison"] = comparison(old, result)
        print(json.dumps(document, indent=2))
        return 0
    print(markdown(result))
    if old is not None:
        print(compare(old, result))
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbook bench", description=package.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
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
    p.add_argument("--json", action="store_true",
                   help="one JSON document on stdout (the run, the files written, any "
                        "comparison), no tables, no progress")
    return p


def main(argv: list[str] | None = None) -> int:
    return cmd_bench(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
