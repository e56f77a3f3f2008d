"""Payments: charges the card through the bank's web service and keeps the billing records.

A payment with the same idempotency key is made once, here and at the bank.
Payment records are kept for legal reasons even when the user is deleted:
``DELETE /customers/<user_ref>`` only unlinks them from the person.

Run it:   BANK_URL=http://127.0.0.1:8057 python -m ch01_wsgi_async.booking.payments   (PORT=8054)
Ask it:   curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
               -d '{"key": "k1", "user_ref": "u-...", "amount_cents": 24000,
                    "card": "4242424242424242"}' http://127.0.0.1:8054/payments
Expect:   201 {"payment_id": 1, "bank_ref": "ch_1", "amount_cents": 24000}; same key: 200, same one.
          declined card: 402; bank down: 503; bank too slow: 504 (all JSON).
"""


from ch01_wsgi_async.booking import kit

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, user_ref TEXT UNIQUE NOT NULL,
                                      card_last4 TEXT);
CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, customer_id INTEGER REFERENCES customers(id),
    amount_cents INTEGER NOT NULL, bank_ref TEXT NOT NULL);
"""

app = kit.service("payments")
peers = kit.Peers("payments")


@app.before_serving
async def start():
    app.db = kit.database("payments", SCHEMA)
    await peers.start()


@app.after_serving
async def stop():
    await peers.close()


def as_json(row) -> dict:
    return {"payment_id": row["id"], "bank_ref": row["bank_ref"], "amount_cents": row["amount_cents"]}


@app.post("/payments")
@kit.require_token
async def pay():
    data = await kit.json_body("key", "user_ref", "amount_cents", "card")
    known = app.db.execute("SELECT * FROM payments WHERE key = ?", (data["key"],)).fetchone()
    if known:
        return as_json(known), 200
    bank = await peers.call("POST", "bank", "/charges", auth=False, json={
        "amount_cents": data["amount_cents"], "card": data["card"],
        "idempotency_key": data["key"]})  # the bank makes the charge once, even if we retry
    if bank.status_code >= 400:
        raise kit.Refusal(bank.status_code, bank.json().get("message", "the bank refused"))
    charge = bank.json()
    app.db.execute("INSERT OR IGNORE INTO customers (user_ref, card_last4) VALUES (?, ?)",
                   (data["user_ref"], str(data["card"])[-4:]))
    cur = app.db.execute(
        "INSERT OR IGNORE INTO payments (key, customer_id, amount_cents, bank_ref) "
        "SELECT ?, id, ?, ? FROM customers WHERE user_ref = ?",
        (data["key"], charge["amount_cents"], charge["id"], data["user_ref"]))
    row = app.db.execute("SELECT * FROM payments WHERE key = ?", (data["key"],)).fetchone()
    return as_json(row), 201 if cur.rowcount else 200


@app.get("/customers/<user_ref>")
@kit.require_token
async def customer(user_ref):
    rows = app.db.execute("SELECT p.* FROM payments p JOIN customers c ON c.id = p.customer_id "
                          "WHERE c.user_ref = ?", (user_ref,)).fetchall()
    return {"user_ref": user_ref, "payments": [as_json(r) for r in rows]}


@app.delete("/customers/<user_ref>")
@kit.require_token
async def forget(user_ref):
    row = app.db.execute("SELECT id FROM customers WHERE user_ref = ?", (user_ref,)).fetchone()
    if row is None:
        return {"user_ref": user_ref, "kept_anonymous": 0}
    kept = app.db.execute("UPDATE payments SET customer_id = NULL WHERE customer_id = ?",
                          (row["id"],)).rowcount
    app.db.execute("DELETE FROM customers WHERE id = ?", (row["id"],))
    return {"user_ref": user_ref, "kept_anonymous": kept}


if __name__ == "__main__":
    kit.serve(app, "payments")
