"""A stand-in for the bank's web service (an external partner, not one of the seven).

It speaks HTTP and JSON like a real payment API: a charge with an idempotency
key is made once, however often it is sent. A card ending in 0002 is declined.

Run it:   python -m ch01_wsgi_async.booking.bank      (PORT=8057 by default)
Ask it:   curl -H 'Content-Type: application/json' \
               -d '{"amount_cents": 24000, "card": "4242424242424242", "idempotency_key": "k1"}' \
               http://127.0.0.1:8057/charges
Expect:   201 {"id": "ch_1", "status": "approved", "amount_cents": 24000}
          the same key again: the same charge (200); declined card: 402; bad amount: 400.
"""

from quart import abort

from ch01_wsgi_async.booking import kit

app = kit.service("bank")
charges: dict[str, dict] = {}  # by idempotency key; a stand-in may forget on restart


@app.post("/charges")
async def charge():
    data = await kit.json_body("amount_cents", "card", "idempotency_key")
    if data["idempotency_key"] in charges:
        return charges[data["idempotency_key"]], 200
    if not isinstance(data["amount_cents"], int) or data["amount_cents"] <= 0:
        abort(400, "amount_cents is a positive integer")
    if str(data["card"]).endswith("0002"):
        raise kit.Refusal(402, "card declined")
    made = {"id": f"ch_{len(charges) + 1}", "status": "approved",
            "amount_cents": data["amount_cents"]}
    charges[data["idempotency_key"]] = made
    return made, 201


if __name__ == "__main__":
    kit.serve(app, "bank")
