"""Other Python interpreters on this machine, for lessons whose behaviour depends on the version.

Some errata only show on a newer Python (``asyncio.get_event_loop()`` warns
on 3.12 and 3.13, and raises from 3.14). ``newer_python()`` finds one inside a
version window: this interpreter when it fits, else ``python3.15`` …
``python3.12`` on PATH or under pyenv. Tests that need one skip, saying so,
when there is none.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys


def _version(executable: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([executable, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.split()
    return int(major), int(minor)


def _fits(version, at_least, below) -> bool:
    return version >= at_least and (below is None or version < below)


@functools.cache
def newer_python(at_least: tuple[int, int] = (3, 12),
                 below: tuple[int, int] | None = None) -> str | None:
    """The path of a Python >= ``at_least`` (and < ``below``), stdlib only assumed, or None."""
    if _fits(sys.version_info[:2], at_least, below):
        return sys.executable
    home = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    # real interpreters first: pyenv's shims on PATH may only say "not installed"
    candidates = sorted(glob.glob(os.path.join(home, "versions", "3.1[2-9]*", "bin", "python3")),
                        reverse=True)
    candidates += [shutil.which(f"python3.{minor}") for minor in (15, 14, 13, 12)]
    for candidate in filter(None, candidates):
        version = _version(candidate)
        if version and _fits(version, at_least, below):
            return candidate
    return None


def run_newer_python(*args: str, at_least: tuple[int, int] = (3, 12),
                     below: tuple[int, int] | None = None):
    """Run ``python ARGS`` on a Python in the window; pytest-skip when this machine has none."""
    executable = newer_python(at_least, below)
    if executable is None:
        import pytest

        wanted = f"{at_least[0]}.{at_least[1]}+"
        if below:
            wanted = f"{at_least[0]}.{at_least[1]} to {below[0]}.{below[1] - 1}"
        pytest.skip(f"needs Python {wanted} and none was found")
    return subprocess.run([executable, "-I", *args], capture_output=True, text=True, timeout=60)
