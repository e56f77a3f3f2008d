"""Other Python interpreters on this machine, for lessons whose behaviour depends on the version.

Some errata only show on a newer Python (``asyncio.get_event_loop()`` warns
from 3.12). ``newer_python()`` finds one: this interpreter when it is new
enough, else ``python3.13``/``python3.12`` on PATH or under pyenv. Tests that
need one skip, saying so, when there is none.
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


@functools.cache
def newer_python(at_least: tuple[int, int] = (3, 12)) -> str | None:
    """The path of a Python >= ``at_least`` (stdlib only is assumed), or None."""
    if sys.version_info[:2] >= at_least:
        return sys.executable
    home = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    # real interpreters first: pyenv's shims on PATH may only say "not installed"
    candidates = sorted(glob.glob(os.path.join(home, "versions", "3.1[2-9]*", "bin", "python3")),
                        reverse=True)
    candidates += [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    for candidate in filter(None, candidates):
        version = _version(candidate)
        if version and version >= at_least:
            return candidate
    return None


def run_newer_python(*args: str, at_least: tuple[int, int] = (3, 12)):
    """Run ``python ARGS`` on a newer Python; pytest-skip when this machine has none."""
    executable = newer_python(at_least)
    if executable is None:
        import pytest

        pytest.skip(f"needs Python {at_least[0]}.{at_least[1]}+ and none was found")
    return subprocess.run([executable, "-I", *args], capture_output=True, text=True, timeout=60)
