"""Pytest fixtures shared by every chapter's tests (loaded from the root conftest.py).

- ``start_example``: start a catalogue example as a process on a free port,
  wait until it answers, and stop it (by PID) at the end of the test.
- ``postgres_url``: one real PostgreSQL per test session and worker.
- ``run_script_ok``: run a script example as a learner does; its standard output.
"""

from __future__ import annotations

import dataclasses

import pytest

from workbook import catalogue, pg, serving


@pytest.fixture
def start_example():
    started: list[serving.Served] = []

    def start(example_id: str, **kwargs) -> serving.Served:
        server = serving.start_example(catalogue.get(example_id), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url():
    with pg.postgres_url() as url:
        yield url


def run_script_ok(example_id: str, *args: str, timeout: float = 120) -> str:
    """Run a script example (with ``args`` instead of the catalogue's, if given) as a
    learner runs it; it must exit 0 without a traceback. Its standard output."""
    example = catalogue.get(example_id)
    if args:
        example = dataclasses.replace(example, args=args)
    result = serving.run_script(example, timeout=timeout)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout
