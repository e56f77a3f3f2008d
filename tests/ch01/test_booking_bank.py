"""ch01_wsgi_async.booking.bank: the bank stand-in charges a key once."""

from ch01_wsgi_async.booking import bank


async def test_a_charge_is_made_once_per_key(booking_client):
    bank.charges.clear()
    charge = {"amount_cents": 24000, "card": "4242424242424242", "idempotency_key": "k-once"}
    async with booking_client(bank.app) as c:
        first = await c.post("/charges", json=charge)
        again = await c.post("/charges", json=charge)
        assert first.status_code == 201 and again.status_code == 200
        assert await first.get_json() == await again.get_json()
        assert (await first.get_json())["status"] == "approved" and len(bank.charges) == 1
        declined = await c.post("/charges", json={**charge, "idempotency_key": "k2",
                                                  "card": "4000000000000002"})
        assert declined.status_code == 402
        assert (await declined.get_json())["message"] == "card declined"
        bad = await c.post("/charges", json={**charge, "idempotency_key": "k3", "amount_cents": -5})
        assert bad.status_code == 400 and "positive integer" in (await bad.get_json())["message"]
