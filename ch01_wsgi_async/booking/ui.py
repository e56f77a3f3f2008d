"""Booking UI: the front door; it talks to all the other services over HTTP.

``POST /bookings`` (with an ``Idempotency-Key`` header) walks the book's steps:
the hotel from Search, the guest from Users, a room from Reservations, the
charge through Payments, then the receipt from PDF reports, e-mailed. The
receipt waits at most ``pdf_timeout`` seconds; past that, the booking still
succeeds ("receipt will follow by e-mail") and an outbox table retries it.

Run it:   python -m ch01_wsgi_async.booking.ui   (PORT=8050; peers' URLs from SEARCH_URL,
          USERS_URL, ...): or the whole system with  python -m ch01_wsgi_async.booking
Ask it:   curl 'http://127.0.0.1:8050/search?city=Paris&checkin=2026-06-01&checkout=2026-06-03'
Expect:   {"hotels": [{"id": "par-1", ..., "rooms_left": 3}], "fanout": "concurrent"}
          POST /bookings: 201 with "receipt" and "degraded"; the same key again: the same booking;
          a client mistake: 400/404/409 JSON; a peer down or slow: 502/503/504 JSON.
"""

import asyncio
import contextvars
import hashlib
import json
import os

from quart import abort, request

from ch01_wsgi_async.booking import domain, kit

SCHEMA = "CREATE TABLE IF NOT EXISTS bookings (key TEXT PRIMARY KEY, body TEXT NOT NULL);"
PAGE = """<!doctype html><title>Booking</title><h1>Booking UI</h1>
<p>Search: <a href="/search?city=Paris&checkin=2026-06-01&checkout=2026-06-03">hotels in Paris</a>
(JSON). Book with <code>POST /bookings</code> and an <code>Idempotency-Key</code> header.</p>"""

app = kit.service(
    "ui", choices={"search_version": ("v1", "v2")}, page=PAGE,
    pdf_timeout=json.loads(os.environ.get("PDF_TIMEOUT", "1.0")),  # seconds; null: wait forever
    search_version=os.environ.get("SEARCH_VERSION", "v1"),  # which Search API this UI reads
    peer_timeout=kit.TIMEOUT,  # seconds any other peer gets (PEER_TIMEOUT)
)
peers = kit.Peers("ui")
hops: contextvars.ContextVar[list] = contextvars.ContextVar("hops")


class ContractError(kit.PeerError):
    def __init__(self, problem: str):
        super().__init__(502, "search", f"search answered in a shape this UI cannot read: {problem}")


def read_hotel(item: dict, version: str) -> dict:
    """The consumer's side of the Search contract: what this UI needs from each hotel."""
    price = item.get("price")
    if version == "v1" and not isinstance(price, int | float):
        raise ContractError(f"v1 price should be a number of euros, got {price!r}")
    if version == "v2" and not (isinstance(price, dict) and isinstance(price.get("amount_cents"), int)):
        raise ContractError(f"v2 price should be {{'amount_cents': int}}, got {price!r}")
    if not all(isinstance(item.get(k), t) for k, t in (("id", str), ("name", str), ("rooms", int))):
        raise ContractError(f"a hotel needs id, name and rooms: {item!r}")
    cents = round(price * 100) if version == "v1" else price["amount_cents"]
    return {"id": item["id"], "name": item["name"], "rooms": item["rooms"], "rate_cents": cents}


def body_of(answer, peer: str) -> dict:
    """A peer's JSON when it said yes; a refusal this UI did not expect is the peer's fault."""
    if answer.status_code >= 400:
        raise kit.PeerError(502, peer, f"{peer} answered {answer.status_code}: "
                                       f"{answer.json().get('message', answer.text)}")
    return answer.json()


async def call(method, peer, path, **kwargs):
    hops.get([]).append(peer)  # counted for the lesson: each one is a network round trip
    kwargs.setdefault("timeout", app.config["CONTROL"]["peer_timeout"])
    return await peers.call(method, peer, path, **kwargs)


@app.before_serving
async def start():
    app.db = kit.database("ui", SCHEMA)
    app.outbox = kit.Outbox(app.db, deliver_receipt)
    await peers.start()
    app.retrying = asyncio.create_task(app.outbox.run(float(os.environ.get("OUTBOX_RETRY", "1"))))


@app.after_serving
async def stop():
    app.retrying.cancel()
    await peers.close()


@app.get("/search")
async def search():
    city, fanout = request.args.get("city", ""), request.args.get("fanout", "concurrent")
    if not city or fanout not in ("concurrent", "sequential"):
        abort(400, "give ?city=...&checkin=...&checkout=... and fanout=concurrent|sequential")
    stay = domain.Stay.parse(request.args.get("checkin"), request.args.get("checkout"))
    version = app.config["CONTROL"]["search_version"]
    found = call("GET", "search", f"/{version}/hotels", params={"city": city})
    booked = call("GET", "reservations", "/availability",
                  params={"checkin": str(stay.checkin), "checkout": str(stay.checkout)})
    if fanout == "sequential":
        found, booked = await found, await booked  # one after the other: the times add up
    else:
        found, booked = await asyncio.gather(found, booked)  # side by side: the slowest counts
    taken = body_of(booked, "reservations")["taken"]
    hotels = [read_hotel(h, version) for h in body_of(found, "search")["hotels"]]
    return {"city": city, "fanout": fanout, "hotels": [
        {**h, "rooms_left": h["rooms"] - taken.get(h["id"], 0)} for h in hotels]}


@app.post("/bookings")
async def book():
    key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(key) <= 100:
        abort(400, "send an Idempotency-Key header (say a UUID) so a double submit books once")
    data = await kit.json_body("email", "name", "hotel_id", "checkin", "checkout", "card")
    stay = domain.Stay.parse(data["checkin"], data["checkout"])
    if (done := app.db.execute("SELECT body FROM bookings WHERE key = ?", (key,)).fetchone()):
        return {**json.loads(done["body"]), "replayed": True}, 200
    hops.set([])
    version = app.config["CONTROL"]["search_version"]
    found = await call("GET", "search", f"/{version}/hotels/{data['hotel_id']}")
    if found.status_code == 404:
        abort(404, f"unknown hotel {data['hotel_id']!r}")
    hotel = read_hotel(body_of(found, "search"), version)
    user = await call("POST", "users", "/users", json={"email": data["email"], "name": data["name"]})
    if user.status_code >= 400:
        raise kit.Refusal(user.status_code, user.json()["message"])
    user_ref = user.json()["user_ref"]
    held = await call("POST", "reservations", "/reservations", json={
        "key": key, "user_ref": user_ref, "hotel_id": hotel["id"],
        "checkin": str(stay.checkin), "checkout": str(stay.checkout)})
    if held.status_code >= 400:
        raise kit.Refusal(held.status_code, held.json()["message"])
    reservation = held.json()
    try:
        paid = await call("POST", "payments", "/payments", json={
            "key": key, "user_ref": user_ref, "card": data["card"],
            "amount_cents": domain.total_cents(hotel["rate_cents"], stay)})
    except kit.PeerError as exc:  # the room stays held: a retry with the same key finishes
        exc.message += "; retry with the same Idempotency-Key (the bank charges a key once)"
        raise
    if paid.status_code >= 400:
        # Compensate: release the room we held (there is no transaction across services).
        await call("DELETE", "reservations", f"/reservations/{reservation['reservation_id']}")
        raise kit.Refusal(paid.status_code, paid.json()["message"] + "; the room was released")
    booking = {
        "booking_id": "b-" + hashlib.sha256(key.encode()).hexdigest()[:10],
        "status": "confirmed", "user_ref": user_ref, "name": data["name"], "email": data["email"],
        "hotel_id": hotel["id"], "hotel_name": hotel["name"], "checkin": str(stay.checkin),
        "checkout": str(stay.checkout), "nights": stay.nights,
        "amount_cents": paid.json()["amount_cents"], "bank_ref": paid.json()["bank_ref"],
        "reservation_id": reservation["reservation_id"], "payment_id": paid.json()["payment_id"],
    }
    stored = app.db.execute("INSERT OR IGNORE INTO bookings VALUES (?, ?)", (key, json.dumps(booking)))
    if not stored.rowcount:  # a double submit that raced us here: the first one wins
        body = app.db.execute("SELECT body FROM bookings WHERE key = ?", (key,)).fetchone()["body"]
        return {**json.loads(body), "replayed": True}, 200
    job = app.outbox.add(booking)
    hops.get().append("pdf")
    problem = await app.outbox.try_one(job)
    degraded = [] if problem is None else [problem]
    return {**booking, "receipt": "sent by e-mail" if problem is None else "will follow by e-mail",
            "degraded": degraded, "hops": hops.get()}, 201


async def deliver_receipt(booking: dict) -> None:
    """The outbox's job: the PDF from its service, then the recap e-mail with it attached."""
    pdf = await peers.call("POST", "pdf", "/receipts", json=booking,
                           timeout=app.config["CONTROL"]["pdf_timeout"])
    if pdf.status_code != 200:
        raise kit.PeerError(502, "pdf", f"pdf answered {pdf.status_code}")
    await kit.send_mail(booking["email"], f"Your booking {booking['booking_id']}",
                        "\n".join(domain.receipt_lines(booking)), pdf.content)


@app.get("/outbox")
async def outbox():
    return app.outbox.counts()


@app.post("/outbox/flush")
async def flush():
    return await app.outbox.flush()  # retry now instead of waiting for the next round


@app.get("/users/<user_ref>")
async def where_is(user_ref):
    """What each service still holds about a user (the data-sharing lesson)."""
    user, stays, paid = await asyncio.gather(
        call("GET", "users", f"/users/{user_ref}"),
        call("GET", "reservations", f"/guests/{user_ref}"),
        call("GET", "payments", f"/customers/{user_ref}"))
    return {"users": None if user.status_code == 404 else body_of(user, "users"),
            "reservations": body_of(stays, "reservations")["reservations"],
            "payments": body_of(paid, "payments")["payments"]}


@app.delete("/users/<user_ref>")
async def forget(user_ref):
    answer = await call("DELETE", "users", f"/users/{user_ref}")
    return answer.json(), answer.status_code


if __name__ == "__main__":
    kit.serve(app, "ui")
