"""Pytest fixtures shared by every chapter's tests (loaded from the root conftest.py).

- ``start_example``: start a catalogue example as a process on a free port,
  wait until it answers, and stop it (by PID) at the end of the test. Like
  ``run_script_ok``, it forks the process from a warm interpreter where that is
  safe (``workbook.warm``; ``warm=False`` for a literal ``python file.py``).
- ``postgres_url``: one real PostgreSQL per test run, shared by every xdist
  worker (each test makes its own database in it when it needs a clean one).
- ``run_script_ok``: run a script example as a learner does; its standard output.

It also runs the tests marked ``slow`` first.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from workbook import catalogue, pg, serving

# jsonschema (imported by nbformat and nbclient) imports rfc3987_syntax eagerly, which
# builds about 35 Earley parsers on import: 2 s of CPU in every pytest process, on
# every run (python-jsonschema/jsonschema#1428). No notebook schema uses the "iri"
# formats it checks, so the test processes go without it; jsonschema then simply
# does not check those two formats. (A None entry makes the import fail at once.)
sys.modules.setdefault("rfc3987_syntax", None)


@pytest.fixture
def start_example():
    started: list[serving.Served] = []

    def start(example_id: str, **kwargs) -> serving.Served:
        kwargs.setdefault("warm", True)
        server = serving.start_example(catalogue.get(example_id), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# The folder of the run's one embedded PostgreSQL: chosen by the process pytest
# started (before any xdist worker exists, so every worker inherits it), created
# by the first test that asks, stopped when the run ends.
SHARED_PGDATA = "WORKBOOK_SHARED_PGDATA"


def pytest_configure(config):
    if hasattr(config, "workerinput") or os.environ.get(SHARED_PGDATA):
        return  # an xdist worker (or a nested run): use the folder already chosen
    folder = Path(tempfile.mkdtemp(prefix="wb-pg-"))  # short: the socket lives inside
    config._workbook_pg_folder = folder
    os.environ[SHARED_PGDATA] = str(folder / "data")


def pytest_unconfigure(config):
    folder = getattr(config, "_workbook_pg_folder", None)
    if folder is not None:
        pg.stop_shared(folder / "data")
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SHARED_PGDATA, None)


def pytest_collection_finish(session):
    """Everything imported and collected so far lives until the run ends: frozen, it is
    out of the garbage collector's sight, whose passes would otherwise walk every
    library and test item again and again (about 8 % of a test process's CPU)."""
    gc.freeze()


def pytest_collection_modifyitems(items):
    """Tests marked ``slow`` first (the order is otherwise kept), so with ``-n auto``
    the slow ones start early and the quick ones fill the gaps, instead of one slow
    test starting last and keeping the run waiting on a single core; ``--dist
    worksteal`` (pyproject.toml) evens out whatever is left at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def postgres_url():
    if os.environ.get("DATABASE_URL"):
        with pg.postgres_url() as url:
            yield url
        return
    url = pg.shared_postgres_url(Path(os.environ[SHARED_PGDATA]))
    pg.tune_for_tests(url)
    yield url


def run_script_ok(example_id: str, *args: str, timeout: float = 120) -> str:
    """Run a script example (with ``args`` instead of the catalogue's, if given) as a
    learner runs it; it must exit 0 without a traceback. Its standard output."""
    example = catalogue.get(example_id)
    if args:
        example = dataclasses.replace(example, args=args)
    result = serving.run_script(example, timeout=timeout, warm=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout
