"""The whole booking system as processes over real HTTP, started once.

ch01_wsgi_async.booking.system starts both shapes side by side (12 processes); then
a booking end to end in each, every failure the issue lists (a service stopped by
PID and restarted, one slowed through its control endpoint, the bank down, a
declined card, a double submit), and ch01_wsgi_async.booking_pitfalls's scenarios
with small numbers, each checked for what it teaches. Nothing is left running.

It is one test calling one check after another: pytest-xdist would spread separate
tests over its workers and start the twelve processes in each (its ``xdist_group``
does not work with pytest 9: it sets ``item._nodeid``, which pytest 9 no longer reads).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import time
import uuid
from pathlib import Path

import httpx
import pytest

from ch01_wsgi_async import booking_pitfalls as pitfalls
from ch01_wsgi_async.booking import system

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The scenarios with small numbers; a lag long enough to tell apart from a busy machine.
SETTINGS = pitfalls.Settings(bookings=2, lag=0.8, lag_bookings=1, pdf_timeout=0.1,
                             hop_delay=0.15)


@pytest.fixture
def shapes():
    # Each service forked from a warm interpreter (workbook.warm): a process of its own
    # with its own PID, port and database, started in a tenth of the time.
    services, monolith = system.start_together(["services", "monolith"], warm=True)
    pids = [s.pid for sys_ in (services, monolith) for s in sys_.servers.values()]
    try:
        yield services, monolith
    finally:
        services.stop()
        monolith.stop()
    # Leave nothing behind: every process gone, every data folder removed.
    alive = [pid for pid in pids if _alive(pid)]
    assert alive == [], f"still running: {alive}"
    assert not Path(services.env["BOOKING_DATA"]).exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def a_booking(hotel_id="tpe-1", card="4242424242424242"):
    checkin = dt.date(2031, 1, 1) + dt.timedelta(days=3 * (uuid.uuid4().int % 300))
    body = {"email": f"t-{uuid.uuid4().hex[:8]}@example.com", "name": "Test", "hotel_id": hotel_id,
            "checkin": str(checkin), "checkout": str(checkin + dt.timedelta(days=1)), "card": card}
    return body, {"Idempotency-Key": str(uuid.uuid4())}


async def wait_for_mail(http, mail_url, to, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        got = [m for m in (await http.get(mail_url + "/messages")).json()["messages"]
               if m["to"] == to]
        if got or time.monotonic() > deadline:
            return got
        await asyncio.sleep(0.05)  # polling interval


# -- bookings end to end ------------------------------------------------------------

async def booking_end_to_end(http, sys_):
    body, key = a_booking()
    answer = await http.post(sys_.front.url + "/bookings", json=body, headers=key)
    booking = answer.json()
    assert answer.status_code == 201, booking
    assert booking["status"] == "confirmed" and booking["receipt"] == "sent by e-mail"
    assert booking["amount_cents"] == 7000 and booking["nights"] == 1
    assert booking["hops"] == (["search", "users", "reservations", "payments", "pdf"]
                               if sys_.shape == "services" else ["bank"])
    mails = await wait_for_mail(http, sys_.url("mail"), body["email"])
    assert [m["attachments"] for m in mails] == [["receipt.pdf"]]
    assert f"Receipt for booking {booking['booking_id']}" in mails[0]["body"]
    stays = await http.get(sys_.front.url + "/search", params={
        "city": "Taipei", "checkin": body["checkin"], "checkout": body["checkout"]})
    assert {h["id"]: h["rooms_left"] for h in stays.json()["hotels"]}["tpe-1"] == 1


def each_service_has_its_own_database(services):
    folder = Path(services.env["BOOKING_DATA"])
    tables = {}
    for path in sorted(folder.glob("*.db")):
        with sqlite3.connect(path) as db:
            tables[path.stem] = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(tables) == {"ui", "search", "reservations", "payments", "users"}
    every = [t for names in tables.values() for t in names]
    assert len(every) == len(set(every)), f"a table in two services: {tables}"


# -- failures -----------------------------------------------------------------------

async def declined_card_releases_the_room(http, services):
    body, key = a_booking(hotel_id="par-2", card="4000000000000002")
    answer = await http.post(services.front.url + "/bookings", json=body, headers=key)
    assert answer.status_code == 402
    assert answer.json()["message"] == "card declined; the room was released"
    free = await http.get(services.front.url + "/search", params={
        "city": "Paris", "checkin": body["checkin"], "checkout": body["checkout"]})
    assert {h["id"]: h["rooms_left"] for h in free.json()["hotels"]}["par-2"] == 1


async def bank_down_then_a_retry_with_the_same_key_books_once(http, services):
    services.servers["bank"].stop()  # by PID
    body, key = a_booking()
    try:
        down = await http.post(services.front.url + "/bookings", json=body, headers=key)
    finally:
        services.restart("bank")
    assert down.status_code == 502, down.text  # Payments answered 503: the bank is unreachable
    said = down.json()
    assert said["peer"] == "payments" and "bank is unreachable" in said["message"]
    assert "retry with the same Idempotency-Key" in said["message"]
    again = await http.post(services.front.url + "/bookings", json=body, headers=key)
    assert again.status_code == 201, again.text
    held = (await http.get(f"{services.front.url}/users/{again.json()['user_ref']}")).json()
    assert len(held["reservations"]) == 1 and len(held["payments"]) == 1


async def a_slow_service_is_a_504_within_the_timeout(http, services):
    await http.post(services.url("search") + "/_control", json={"delay": 2.0})
    await http.post(services.front.url + "/_control", json={"peer_timeout": 0.3})
    body, key = a_booking()
    try:
        started = time.perf_counter()
        answer = await http.post(services.front.url + "/bookings", json=body, headers=key)
        took = time.perf_counter() - started
    finally:
        await http.post(services.url("search") + "/_control", json={"delay": 0})
        await http.post(services.front.url + "/_control", json={"peer_timeout": 3.0})
    assert answer.status_code == 504
    assert answer.json() == {"error": 504, "peer": "search",
                             "message": "search did not answer within 0.3 s"}
    assert took < 2.0  # it gave up at its timeout, not when Search finally answered


# -- the pitfalls, scenario by scenario ----------------------------------------------

def check_the_pitfalls(rows):
    n = SETTINGS.bookings
    # network hops: the same booking, 1 call against 6
    mono, svc = rows["network hops", "monolith"], rows["network hops", "services"]
    assert mono.status == svc.status == f"201 x{n}"
    assert "1 HTTP calls (bank)" in mono.got
    assert "6 HTTP calls (search, users, reservations, payments, pdf, bank)" in svc.got
    # a laggy PDF service: waited for without a timeout, not with one; nothing lost
    waited = rows[f"laggy pdf ({SETTINGS.lag:g} s), no timeout", "services"]
    bounded = rows[f"laggy pdf ({SETTINGS.lag:g} s), {SETTINGS.pdf_timeout:g} s timeout",
                   "services"]
    assert waited.p50_ms >= SETTINGS.lag * 1000 and "sent by e-mail" in waited.got
    assert "'will follow by e-mail'" in bounded.got
    assert f"pdf did not answer within {SETTINGS.pdf_timeout:g} s" in bounded.got
    assert bounded.p50_ms < waited.p50_ms
    assert f"later {n}/{n} receipts e-mailed (pending 0)" in bounded.got
    # a network split: bookings go on while it is down, every receipt once it is back
    for shape, victim in (("services", "pdf"), ("monolith", "mail")):
        split = rows[f"network split ({victim} down)", shape]
        assert split.status == f"201 x{n}"
        assert f"'will follow by e-mail' ({n} queued)" in split.got
        assert f"{victim} back, {n}/{n} delivered" in split.got and "(pending 0)" in split.got
    # the fan-out: side by side beats one after the other
    one_by_one = rows["fan-out sequential", "services"]
    side_by_side = rows["fan-out concurrent", "services"]
    hop = SETTINGS.hop_delay * 1000
    assert one_by_one.p50_ms >= 2 * hop and side_by_side.p50_ms >= hop
    assert side_by_side.p50_ms < one_by_one.p50_ms
    assert rows["fan-out (one SQL query)", "monolith"].status == f"200 x{n}"
    for shape in ("services", "monolith"):
        # a double submit books once: one booked, the other replayed it
        double = rows["double submit (same key)", shape]
        assert double.status == "200, 201"
        assert double.got == "1 booking, 1 payment, 1 reservation"
        # deleting a user: gone; stays and payments kept, unlinked
        gone = rows["delete a user", shape]
        assert gone.status == "200"
        assert gone.got == ("user gone; stays cancelled 1, kept unlinked 1; "
                            "payments kept unlinked 1")
    # compatibility: broken in place, working when versioned
    broken = rows["search changed /v1 in place", "services"]
    assert broken.status == "502"
    assert "v1 price should be a number of euros" in broken.got
    for version in ("v1", "v2"):
        versioned = rows[f"search serves /v1 and /v2, UI on /{version}", "services"]
        assert versioned.status == "201" and versioned.got.startswith("confirmed")
    text = pitfalls.table(list(rows.values()))
    assert text.splitlines()[0].split()[:4] == ["scenario", "shape", "status", "p50"]
    assert len(text.splitlines()) == len(rows) + 2


async def test_both_shapes_as_processes(shapes):
    services, monolith = shapes
    async with httpx.AsyncClient(timeout=15) as http:
        await booking_end_to_end(http, services)
        await booking_end_to_end(http, monolith)
        each_service_has_its_own_database(services)
        await declined_card_releases_the_room(http, services)
        await bank_down_then_a_retry_with_the_same_key_books_once(http, services)
        await a_slow_service_is_a_504_within_the_timeout(http, services)
    rows = await pitfalls.run(services, monolith, SETTINGS)
    print(pitfalls.table(rows))
    check_the_pitfalls({(r.scenario, r.shape): r for r in rows})
