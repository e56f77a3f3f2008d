"""Per-request profiling (ch03_testing.profiled): off by default, on by configuration."""

import urllib.request
from pathlib import Path

import pytest

from ch03_testing import profiled


@pytest.fixture
def profile_dir(tmp_path, monkeypatch):
    monkeypatch.setitem(profiled.app.config, "PROFILE_DIR", str(tmp_path))
    return tmp_path


async def test_no_profile_unless_configured(tmp_path, monkeypatch):
    monkeypatch.setitem(profiled.app.config, "PROFILE_DIR", None)
    response = await profiled.app.test_client().get("/fib/15")
    assert await response.get_json() == {"n": 15, "fib": 610}
    assert "X-Profile" not in response.headers
    assert list(tmp_path.iterdir()) == []


async def test_a_profile_per_request_naming_the_view(profile_dir):
    client = profiled.app.test_client()
    first = await client.get("/fib/22")
    second = await client.get("/fib/5")
    assert await first.get_json() == {"n": 22, "fib": 17711}
    files = sorted(profile_dir.glob("*.txt"))
    assert len(files) == 2
    assert [Path(first.headers["X-Profile"]), Path(second.headers["X-Profile"])] == files
    assert all(f.name.endswith("-GET-fibonacci_view.txt") for f in files)
    text = files[0].read_text(encoding="utf-8")
    # the profile's call tree shows the view and the slow function under it
    assert "fibonacci_view" in text
    assert "fibonacci  " in text and "profiled.py" in text


@pytest.mark.parametrize(("path", "status", "error"), [
    ("/fib/31", 400, "n must be between 0 and 30"),
    ("/fib/-1", 404, "not found: try /fib/<n>"),
    ("/fib/abc", 404, "not found: try /fib/<n>"),
])
async def test_bad_input_is_a_json_error(profile_dir, path, status, error):
    response = await profiled.app.test_client().get(path)
    assert response.status_code == status
    assert await response.get_json() == {"error": error}


def test_the_running_service_writes_profiles_when_told(start_example, tmp_path):
    server = start_example("ch03.profiled", env={"PROFILE_DIR": str(tmp_path)})
    before = set(tmp_path.glob("*fibonacci_view.txt"))  # the readiness probe may have made one
    with urllib.request.urlopen(server.url + "/fib/24", timeout=10) as response:
        written = Path(response.headers["X-Profile"])
    assert written.parent == tmp_path and written not in before
    assert "fibonacci_view" in written.read_text(encoding="utf-8")
