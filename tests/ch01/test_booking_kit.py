"""ch01_wsgi_async.booking.kit: the plumbing every service shares."""

import asyncio
import time

import pytest

from ch01_wsgi_async.booking import kit


def test_a_token_is_signed_and_expires(monkeypatch):
    monkeypatch.setenv("BOOKING_TOKEN_KEY", "a-test-key")
    token = kit.sign_token({"sub": "ui", "exp": time.time() + 60})
    assert kit.read_token(token)["sub"] == "ui"
    body, _, sig = token.partition(".")
    with pytest.raises(ValueError, match="invalid token"):
        kit.read_token(body + "." + "0" * len(sig))  # forged
    with pytest.raises(ValueError, match="expired token"):
        kit.read_token(kit.sign_token({"sub": "ui", "exp": time.time() - 1}))
    monkeypatch.setenv("BOOKING_TOKEN_KEY", "another-key")
    with pytest.raises(ValueError, match="invalid token"):
        kit.read_token(token)  # signed with a key this service does not have


async def test_control_knobs_are_checked_and_delay_is_real(booking_client):
    app = kit.service("t", choices={"shape": ("a", "b")}, shape="a", patience=1.0)

    @app.get("/work")
    async def work():
        return {"done": True}

    async with booking_client(app) as c:
        for bad, says in (({"nope": 1}, "unknown control"), ({"delay": -1}, "delay is a number"),
                          ({"delay": None}, "delay is a number"), ({"shape": "c"}, "shape is one of")):
            answer = await c.post("/_control", json=bad)
            assert answer.status_code == 400 and says in (await answer.get_json())["message"]
        assert (await (await c.post("/_control", json={"patience": None})).get_json())["patience"] is None
        await c.post("/_control", json={"delay": 0.05})
        started = time.perf_counter()
        assert (await (await c.get("/work")).get_json()) == {"done": True}
        assert time.perf_counter() - started >= 0.05  # slowed by its own control endpoint
        health = await (await c.get("/")).get_json()  # never slowed: readiness checks stay fast
        assert health["service"] == "t" and health["control"]["delay"] == 0.05
        missing = await c.get("/nope")
        assert missing.status_code == 404 and (await missing.get_json())["error"] == 404


async def test_the_outbox_keeps_a_failed_job_until_it_is_delivered():
    db = kit.database("outbox-test", "")
    attempts = []

    async def deliver(payload):
        attempts.append(payload)
        if len(attempts) < 3:
            raise kit.PeerError(503, "pdf", "pdf is unreachable")

    outbox = kit.Outbox(db, deliver)
    job = outbox.add({"booking_id": "b-1"})
    assert await outbox.try_one(job) == "pdf is unreachable"
    assert outbox.counts() == {"pending": 1, "done": 0, "last_error": "pdf is unreachable"}
    assert (await outbox.flush())["pending"] == 1
    assert await outbox.flush() == {"pending": 0, "done": 1, "last_error": None}
    assert await outbox.try_one(job) is None and len(attempts) == 3  # done: never sent again


async def test_a_job_is_never_tried_twice_at_the_same_time():
    gate = asyncio.Event()
    calls = []

    async def deliver(payload):
        calls.append(payload)
        await gate.wait()

    outbox = kit.Outbox(kit.database("outbox-race", ""), deliver)
    job = outbox.add({"n": 1})
    first = asyncio.create_task(outbox.try_one(job))
    await asyncio.sleep(0)  # let the first attempt start
    assert await outbox.try_one(job) == "being retried"
    gate.set()
    assert await first is None and len(calls) == 1


def test_a_service_whose_starter_is_gone_stops_by_itself():
    """A service started by the one command (or a test) watches the starter's PID, which
    need not be its parent: when the starter dies without stopping it, it stops too."""
    import subprocess
    import sys

    from workbook import serving

    starter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        env = serving.child_env({"BOOKING_PARENT_PID": str(starter.pid)})
        with serving.start_process([sys.executable, "-m", "ch01_wsgi_async.booking.search"],
                                   name="search", env=env, ready_path="/") as search:
            assert search.is_running  # its parent is this test, its starter is alive
            starter.kill()
            starter.wait()
            search.process.wait(timeout=10)  # it noticed within its 0.5 s watch, then stopped
            assert search.process.returncode == 0
            assert "Traceback" not in search.output()
    finally:
        starter.kill()
        starter.wait()
