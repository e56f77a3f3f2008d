"""Fixtures for chapter 1's booking services, tested in-process with Quart's test client."""

from __future__ import annotations

import contextlib
import time

import pytest

from ch01_wsgi_async.booking import kit
from workbook.serving import free_port


@pytest.fixture
def booking_token() -> dict:
    """A valid token, as the Authentication service would sign it."""
    return {"Authorization": "Bearer " + kit.sign_token({"sub": "test", "exp": time.time() + 60})}


@pytest.fixture
def booking_client():
    """``async with client(app) as c:`` runs before/after_serving; the app's knobs are reset."""
    @contextlib.asynccontextmanager
    async def serve(app):
        knobs = dict(app.config["CONTROL"])
        try:
            async with app.test_app() as test_app:
                yield test_app.test_client()
        finally:
            app.config["CONTROL"].clear()
            app.config["CONTROL"].update(knobs)
    return serve


@pytest.fixture
def peer_down(monkeypatch):
    """Point peers' URLs at ports where nothing listens: a peer that is down, for real."""
    def down(*names):
        for name in names:
            monkeypatch.setenv(f"{name.upper()}_URL", f"http://127.0.0.1:{free_port()}")
    return down
