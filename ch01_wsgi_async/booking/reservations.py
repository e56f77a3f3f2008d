"""Reservations: rooms held for stays, in the service's own database.

It knows guests only by the opaque ``user_ref`` the Users service hands out,
mapped to its own guest ids: no table is shared with Users or Payments.
A reservation with the same idempotency key is made once.

Run it:   python -m ch01_wsgi_async.booking.reservations      (PORT=8053 by default)
Ask it:   curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
               -d '{"key": "k1", "user_ref": "u-...", "hotel_id": "par-1",
                    "checkin": "2026-06-01", "checkout": "2026-06-03"}' http://127.0.0.1:8053/reservations
Expect:   201 {"reservation_id": 1, ...}; the same key: 200, the same reservation;
          no room left: 409; bad dates or unknown hotel: 400.
          GET /availability?checkin=..&checkout=.. counts rooms taken per hotel;
          DELETE /guests/<user_ref> forgets a guest (future stays cancelled).
"""

import datetime as dt

from quart import abort, request

from ch01_wsgi_async.booking import domain, kit

SCHEMA = """
CREATE TABLE IF NOT EXISTS guests (id INTEGER PRIMARY KEY, user_ref TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS reservations (
    id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, guest_id INTEGER REFERENCES guests(id),
    hotel_id TEXT NOT NULL, checkin TEXT NOT NULL, checkout TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'confirmed');
"""

app = kit.service("reservations")


@app.before_serving
async def open_db():
    app.db = kit.database("reservations", SCHEMA)


def as_json(row) -> dict:
    return {"reservation_id": row["id"], "hotel_id": row["hotel_id"], "checkin": row["checkin"],
            "checkout": row["checkout"], "status": row["status"]}


def taken(hotel_id: str, stay: domain.Stay) -> int:
    rows = app.db.execute("SELECT checkin, checkout FROM reservations WHERE hotel_id = ? AND "
                          "status = 'confirmed'", (hotel_id,)).fetchall()
    return sum(stay.overlaps(domain.Stay.parse(r["checkin"], r["checkout"])) for r in rows)


@app.post("/reservations")
@kit.require_token
async def reserve():
    data = await kit.json_body("key", "user_ref", "hotel_id", "checkin", "checkout")
    known = app.db.execute("SELECT * FROM reservations WHERE key = ?", (data["key"],)).fetchone()
    if known:
        return as_json(known), 200  # a retry or a double submit: the same reservation
    hotel, stay = domain.hotel(data["hotel_id"]), domain.Stay.parse(data["checkin"], data["checkout"])
    if taken(hotel["id"], stay) >= hotel["rooms"]:
        abort(409, f"no room left at {hotel['name']} for these dates")
    app.db.execute("INSERT OR IGNORE INTO guests (user_ref) VALUES (?)", (data["user_ref"],))
    cur = app.db.execute(
        "INSERT INTO reservations (key, guest_id, hotel_id, checkin, checkout) "
        "SELECT ?, id, ?, ?, ? FROM guests WHERE user_ref = ?",
        (data["key"], hotel["id"], str(stay.checkin), str(stay.checkout), data["user_ref"]))
    row = app.db.execute("SELECT * FROM reservations WHERE id = ?", (cur.lastrowid,)).fetchone()
    return as_json(row), 201


@app.delete("/reservations/<int:reservation_id>")
@kit.require_token
async def cancel(reservation_id):
    # The compensation when the payment fails after the room was held.
    cur = app.db.execute("UPDATE reservations SET status = 'cancelled' WHERE id = ?",
                         (reservation_id,))
    if not cur.rowcount:
        abort(404, f"no reservation {reservation_id}")
    return {"reservation_id": reservation_id, "status": "cancelled"}


@app.get("/availability")
@kit.require_token
async def availability():
    stay = domain.Stay.parse(request.args.get("checkin"), request.args.get("checkout"))
    return {"taken": {h["id"]: taken(h["id"], stay) for h in domain.HOTELS}}


@app.get("/guests/<user_ref>")
@kit.require_token
async def guest(user_ref):
    rows = app.db.execute("SELECT r.* FROM reservations r JOIN guests g ON g.id = r.guest_id "
                          "WHERE g.user_ref = ?", (user_ref,)).fetchall()
    return {"user_ref": user_ref, "reservations": [as_json(r) for r in rows]}


@app.delete("/guests/<user_ref>")
@kit.require_token
async def forget(user_ref):
    """Data removal: cancel future stays; past ones stay (for the hotel), unlinked from the guest."""
    row = app.db.execute("SELECT id FROM guests WHERE user_ref = ?", (user_ref,)).fetchone()
    if row is None:
        return {"user_ref": user_ref, "cancelled": 0, "kept_anonymous": 0}
    today = str(dt.date.today())
    cancelled = app.db.execute("UPDATE reservations SET status = 'cancelled' WHERE guest_id = ? "
                               "AND checkin >= ? AND status = 'confirmed'", (row["id"], today)).rowcount
    kept = app.db.execute("UPDATE reservations SET guest_id = NULL WHERE guest_id = ?",
                          (row["id"],)).rowcount
    app.db.execute("DELETE FROM guests WHERE id = ?", (row["id"],))
    return {"user_ref": user_ref, "cancelled": cancelled, "kept_anonymous": kept}


if __name__ == "__main__":
    kit.serve(app, "reservations")
