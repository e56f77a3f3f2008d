"""ch01_wsgi_async.booking.payments: client mistakes, and the bank down is a 503, not a hang."""

from ch01_wsgi_async.booking import payments

PAY = {"key": "k1", "user_ref": "u-ada", "amount_cents": 24000, "card": "4242424242424242"}


async def test_bank_down_is_a_503_json(booking_client, booking_token, peer_down):
    peer_down("bank")
    async with booking_client(payments.app) as c:
        answer = await c.post("/payments", json=PAY, headers=booking_token)
        body = await answer.get_json()
    assert answer.status_code == 503
    assert body["peer"] == "bank" and body["message"].startswith("bank is unreachable")
    assert payments.app.db.execute("SELECT COUNT(*) FROM payments").fetchone()[0] == 0


async def test_client_mistakes(booking_client, booking_token):
    async with booking_client(payments.app) as c:
        missing = await c.post("/payments", json={"key": "k1"}, headers=booking_token)
        assert missing.status_code == 400
        assert "user_ref, amount_cents, card" in (await missing.get_json())["message"]
        assert (await c.post("/payments", json=PAY)).status_code == 401
        nobody = await (await c.get("/customers/u-nobody", headers=booking_token)).get_json()
        assert nobody == {"user_ref": "u-nobody", "payments": []}
        gone = await (await c.delete("/customers/u-nobody", headers=booking_token)).get_json()
        assert gone == {"user_ref": "u-nobody", "kept_anonymous": 0}
