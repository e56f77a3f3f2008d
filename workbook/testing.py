"""Pytest fixtures shared by every chapter's tests (loaded from tests/conftest.py).

- ``start_example``: start a catalogue example as a process on a free port,
  wait until it answers, and stop it (by PID) at the end of the test.
- ``postgres_url``: one real PostgreSQL per test session and worker.
"""

from __future__ import annotations

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
