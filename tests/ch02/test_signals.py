"""ch02_quart.signals: the receivers run, with the sender and the arguments."""

import pytest

from ch02_quart import signals
from ch02_quart.signals import EVENTS, app, order_placed


@pytest.fixture(autouse=True)
def fresh_events():
    EVENTS.clear()
    yield
    EVENTS.clear()


async def test_custom_signal_reaches_receivers_with_arguments(capsys):
    received = []

    async def spy(sender, **kwargs):  # a second, test-only receiver
        received.append((sender, kwargs))

    order_placed.connect(spy, app)
    try:
        response = await app.test_client().post("/orders/7")
    finally:
        order_placed.disconnect(spy, app)
    assert response.status_code == 201
    assert await response.get_json() == {"order_id": 7}
    assert received == [(app, {"order_id": 7})]
    # the example's own receiver ran too, with the same arguments
    assert {"signal": "order-placed", "order_id": 7} in EVENTS
    assert "Order 7 placed" in capsys.readouterr().out


async def test_a_plain_def_receiver_works_too():
    received = []

    def plain(sender, **kwargs):  # like the book's receivers: not async
        received.append(kwargs)

    order_placed.connect(plain, app)
    try:
        assert (await app.test_client().post("/orders/8")).status_code == 201
    finally:
        order_placed.disconnect(plain, app)
    assert received == [{"order_id": 8}]


async def test_request_finished_runs_after_every_request(capsys):
    client = app.test_client()
    await client.get("/api")
    await client.get("/nope")
    assert list(EVENTS) == [
        {"signal": "request-finished", "path": "/api", "status": 200},
        {"signal": "request-finished", "path": "/nope", "status": 404},
    ]
    assert "About to send a Response: 200 for /api" in capsys.readouterr().out


async def test_receiver_connected_for_one_sender_only():
    from quart import Quart
    other = Quart("other")

    @other.route("/")
    async def index():
        return "other"

    await other.test_client().get("/")
    assert list(EVENTS) == []  # connected with sender=app: another app's requests are not ours


async def test_events_endpoint_shows_what_the_receivers_saw():
    client = app.test_client()
    await client.post("/orders/3")
    events = await (await client.get("/events")).get_json()
    assert {"signal": "order-placed", "order_id": 3} in events
    assert {"signal": "request-finished", "path": "/orders/3", "status": 201} in events


async def test_wrong_method_and_bad_order_id():
    client = app.test_client()
    assert (await client.get("/orders/7")).status_code == 405
    assert (await client.post("/orders/abc")).status_code == 404
    assert (await client.post("/orders/-1")).status_code == 404
    assert not any(e["signal"] == "order-placed" for e in EVENTS)  # no signal for bad input
    assert signals.EVENTS.maxlen == 50  # bounded memory for a long-running demo
