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
        response = await app.test_client().post("/orders/7", json={"quantity": 2})
    finally:
        order_placed.disconnect(spy, app)
    assert response.status_code == 201
    assert await response.get_json() == {"order_id": 7, "quantity": 2}
    assert received == [(app, {"order_id": 7, "quantity": 2})]
    # the example's own receiver ran too, with the same arguments
    assert {"signal": "order-placed", "order_id": 7, "quantity": 2} in EVENTS
    assert "Order 7 placed: 2 item(s)" in capsys.readouterr().out


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
    await client.post("/orders/3", json={"quantity": 5})
    events = await (await client.get("/events")).get_json()
    assert {"signal": "order-placed", "order_id": 3, "quantity": 5} in events
    assert {"signal": "request-finished", "path": "/orders/3", "status": 201} in events


@pytest.mark.parametrize("kwargs, message", [
    ({"data": "{not json", "headers": {"Content-Type": "application/json"}},
     "the body is not valid JSON: Expecting property name"),
    ({"data": ""}, "the body is not valid JSON: Expecting value"),
    ({"json": [1, 2]}, "send a JSON object"),
    ({"json": {}}, "quantity must be a positive integer"),
    ({"json": {"quantity": 0}}, "quantity must be a positive integer"),
    ({"json": {"quantity": "2"}}, "quantity must be a positive integer"),
    ({"json": {"quantity": True}}, "quantity must be a positive integer"),
])
async def test_bad_bodies_are_400_and_send_no_signal(kwargs, message):
    response = await app.test_client().post("/orders/7", **kwargs)
    assert response.status_code == 400
    assert message in (await response.get_json())["error"]
    assert not any(e["signal"] == "order-placed" for e in EVENTS)


async def test_wrong_method_and_bad_order_id():
    client = app.test_client()
    assert (await client.get("/orders/7")).status_code == 405
    assert (await client.post("/orders/abc", json={"quantity": 1})).status_code == 404
    assert signals.EVENTS.maxlen == 50  # bounded memory for a long-running demo
