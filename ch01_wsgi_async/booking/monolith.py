"""The hotel-booking monolith: one Quart app, one database, one process.

Everything the seven services do, as function calls on one SQLite file:
hotels, users, reservations, payments and the outbox share tables and
transactions. Only the bank (HTTP) and the mail server (SMTP) are remote.

Run it:   BANK_URL=http://127.0.0.1:8057 SMTP_PORT=8025 python -m ch01_wsgi_async.booking.monolith
          (PORT=8059 by default; or with its stand-ins:  python -m ch01_wsgi_async.booking --monolith)
Ask it:   curl 'http://127.0.0.1:8059/search?city=Paris&checkin=2026-06-01&checkout=2026-06-03'
          curl -H 'Idempotency-Key: 7c1e...' -H 'Content-Type: application/json' -d '{"email": ...}' \
               http://127.0.0.1:8059/bookings
Expect:   the same JSON as the Booking UI; with no bank running a booking is 503 JSON
          ("bank is unreachable"); bad dates 400; unknown hotel 404.
"""

import asyncio
import hashlib
import json
import os
import weakref

from quart import abort, request

from ch01_wsgi_async.booking import domain, kit

SCHEMA = """
CREATE TABLE IF NOT EXISTS hotels (id TEXT PRIMARY KEY, name TEXT, city TEXT, rooms INTEGER,
                                   rate_cents INTEGER);
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, name TEXT);
CREATE TABLE IF NOT EXISTS reservations (
    id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), hotel_id TEXT REFERENCES hotels(id),
    checkin TEXT NOT NULL, checkout TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id),
                                     amount_cents INTEGER NOT NULL, bank_ref TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookings (key TEXT PRIMARY KEY, body TEXT NOT NULL);
"""

app = kit.service("monolith")
bank = kit.Peers("monolith")  # the only HTTP client: for the bank, an external partner
in_flight: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # a lock per booking key


@app.before_serving
async def start():
    app.db = kit.database("monolith", SCHEMA)
    app.db.executemany("INSERT OR REPLACE INTO hotels VALUES (:id, :name, :city, :rooms, :rate_cents)",
                       domain.HOTELS)
    app.outbox = kit.Outbox(app.db, deliver_receipt)
    await bank.start()
    app.retrying = asyncio.create_task(app.outbox.run(float(os.environ.get("OUTBOX_RETRY", "1"))))


@app.after_serving
async def stop():
    app.retrying.cancel()
    await bank.close()


def taken(hotel_id: str, stay: domain.Stay) -> int:
    rows = app.db.execute("SELECT checkin, checkout FROM reservations WHERE hotel_id = ? "
                          "AND status != 'cancelled'", (hotel_id,)).fetchall()
    return sum(stay.overlaps(domain.Stay.parse(r["checkin"], r["checkout"])) for r in rows)


@app.get("/search")
async def search():
    city = request.args.get("city", "")
    if not city:
        abort(400, "give ?city=...&checkin=...&checkout=...")
    stay = domain.Stay.parse(request.args.get("checkin"), request.args.get("checkout"))
    rows = app.db.execute("SELECT * FROM hotels WHERE lower(city) = lower(?) ORDER BY id", (city,))
    return {"city": city, "hotels": [
        {"id": r["id"], "name": r["name"], "rooms": r["rooms"], "rate_cents": r["rate_cents"],
         "rooms_left": r["rooms"] - taken(r["id"], stay)} for r in rows.fetchall()]}


@app.post("/bookings")
async def book():
    key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(key) <= 100:
        abort(400, "send an Idempotency-Key header (say a UUID) so a double submit books once")
    data = await kit.json_body("email", "name", "hotel_id", "checkin", "checkout", "card")
    stay = domain.Stay.parse(data["checkin"], data["checkout"])
    # One process: a lock per key makes a double submit wait for the first, then replay it.
    # (Two copies of the monolith would need the database to do this, as the services do.)
    lock = in_flight.setdefault(key, asyncio.Lock())
    async with lock:
        return await book_once(key, data, stay)


async def book_once(key: str, data: dict, stay: domain.Stay):
    if (done := app.db.execute("SELECT body FROM bookings WHERE key = ?", (key,)).fetchone()):
        return {**json.loads(done["body"]), "replayed": True}, 200
    hotel = app.db.execute("SELECT * FROM hotels WHERE id = ?", (data["hotel_id"],)).fetchone()
    if hotel is None:
        abort(404, f"unknown hotel {data['hotel_id']!r}")
    if "@" not in str(data["email"]):
        abort(400, "email must look like name@example.com")
    if taken(hotel["id"], stay) >= hotel["rooms"]:
        abort(409, f"no room left at {hotel['name']} for these dates")
    app.db.execute("INSERT OR IGNORE INTO users (email, name) VALUES (?, ?)",
                   (data["email"], data["name"]))
    user_id = app.db.execute("SELECT id FROM users WHERE email = ?", (data["email"],)).fetchone()[0]
    held = app.db.execute("INSERT INTO reservations (user_id, hotel_id, checkin, checkout, status) "
                          "VALUES (?, ?, ?, ?, 'held')",
                          (user_id, hotel["id"], str(stay.checkin), str(stay.checkout))).lastrowid
    amount = domain.total_cents(hotel["rate_cents"], stay)
    try:
        charge = await bank.call("POST", "bank", "/charges", auth=False, json={
            "amount_cents": amount, "card": data["card"], "idempotency_key": key})
    except kit.PeerError:
        app.db.execute("DELETE FROM reservations WHERE id = ?", (held,))
        raise
    if charge.status_code >= 400:
        app.db.execute("DELETE FROM reservations WHERE id = ?", (held,))
        raise kit.Refusal(charge.status_code,
                          charge.json()["message"] + "; the room was released")
    booking = {
        "booking_id": "b-" + hashlib.sha256(key.encode()).hexdigest()[:10], "status": "confirmed",
        "user_ref": user_id, "name": data["name"], "email": data["email"],
        "hotel_id": hotel["id"], "hotel_name": hotel["name"], "checkin": str(stay.checkin),
        "checkout": str(stay.checkout), "nights": stay.nights, "amount_cents": amount,
        "bank_ref": charge.json()["id"], "reservation_id": held,
    }
    with app.db:  # one local transaction for everything that must agree
        app.db.execute("BEGIN")
        app.db.execute("UPDATE reservations SET status = 'confirmed' WHERE id = ?", (held,))
        booking["payment_id"] = app.db.execute(
            "INSERT INTO payments (user_id, amount_cents, bank_ref) VALUES (?, ?, ?)",
            (user_id, amount, booking["bank_ref"])).lastrowid
        app.db.execute("INSERT INTO bookings VALUES (?, ?)", (key, json.dumps(booking)))
        job = app.outbox.add(booking)
    problem = await app.outbox.try_one(job)
    return {**booking, "receipt": "sent by e-mail" if problem is None else "will follow by e-mail",
            "degraded": [] if problem is None else [problem], "hops": ["bank"]}, 201


async def deliver_receipt(booking: dict) -> None:
    pdf = domain.receipt_pdf(domain.receipt_lines(booking))  # a function call, not a service
    await kit.send_mail(booking["email"], f"Your booking {booking['booking_id']}",
                        "\n".join(domain.receipt_lines(booking)), pdf)


@app.get("/outbox")
async def outbox():
    return app.outbox.counts()


@app.post("/outbox/flush")
async def flush():
    return await app.outbox.flush()


@app.get("/users/<int:user_id>")
async def where_is(user_id):
    user = app.db.execute("SELECT email, name FROM users WHERE id = ?", (user_id,)).fetchone()
    stays = app.db.execute("SELECT id, hotel_id, status FROM reservations WHERE user_id = ?",
                           (user_id,)).fetchall()
    paid = app.db.execute("SELECT id, amount_cents FROM payments WHERE user_id = ?", (user_id,))
    return {"users": dict(user) if user else None, "reservations": [dict(r) for r in stays],
            "payments": [dict(r) for r in paid.fetchall()]}


@app.delete("/users/<int:user_id>")
async def forget(user_id):
    """One transaction: future stays cancelled, payments kept for the law but unlinked."""
    if app.db.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is None:
        abort(404, f"unknown user {user_id}")
    with app.db:
        app.db.execute("BEGIN")
        cancelled = app.db.execute("UPDATE reservations SET status = 'cancelled' WHERE user_id = ? "
                                   "AND checkin >= date('now') AND status = 'confirmed'",
                                   (user_id,)).rowcount
        stays = app.db.execute("UPDATE reservations SET user_id = NULL WHERE user_id = ?",
                               (user_id,)).rowcount
        paid = app.db.execute("UPDATE payments SET user_id = NULL WHERE user_id = ?",
                              (user_id,)).rowcount
        app.db.execute("DELETE FROM users WHERE id = ?", (user_id,))
    return {"user_ref": user_id, "users": "deleted",
            "reservations": {"cancelled": cancelled, "kept_anonymous": stays},
            "payments": {"kept_anonymous": paid}}


if __name__ == "__main__":
    kit.serve(app, "monolith")
