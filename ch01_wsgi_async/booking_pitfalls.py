"""The pitfalls of microservices, measured: the same bookings in the monolith and in seven services.

Starts both shapes as processes, runs each scenario of the book's chapter 1 with real faults
(a service slowed through its ``/_control`` endpoint, a service stopped by PID and restarted),
prints one table, and stops everything.

Run it:   python -m ch01_wsgi_async.booking_pitfalls            (about 30-60 s on 2 cores)
          python -m ch01_wsgi_async.booking_pitfalls --quick    (small numbers, a few seconds)
Expect:   scenario | shape | status | p50 ms | p95 ms | what the user got, for: network hops,
          a laggy PDF service with and without a timeout, a network split (a service down,
          then back: every receipt delivered), sequential vs concurrent fan-out, a double
          submit, deleting a user, and a backward-incompatible change to Search's JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import statistics
import time
import uuid
from dataclasses import dataclass

import httpx

from ch01_wsgi_async.booking import system


@dataclass(frozen=True)
class Settings:
    bookings: int = 10  # per latency measurement
    lag: float = 2.0  # seconds the PDF service waits when made laggy
    lag_bookings: int = 3  # each one waits `lag` without a timeout: keep it small
    pdf_timeout: float = 0.5  # the UI's patience with the PDF service
    hop_delay: float = 0.1  # seconds Search and Reservations each wait in the fan-out


QUICK = Settings(bookings=3, lag=0.3, lag_bookings=1, pdf_timeout=0.1, hop_delay=0.05)


@dataclass
class Row:
    scenario: str
    shape: str
    status: str
    p50_ms: float | None
    p95_ms: float | None
    got: str


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def row(scenario, shape, statuses, seconds, got) -> Row:
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    status = ", ".join(f"{s}" if n == 1 else f"{s} x{n}" for s, n in counts.items())
    ms = [s * 1000 for s in seconds]
    return Row(scenario, shape, status, statistics.median(ms), percentile(ms, 0.95), got)


class Guests:
    """A fresh guest and a fresh two-night stay for each booking (so rooms never run out)."""

    def __init__(self):
        self.n = 0

    def booking(self, hotel_id: str = "lis-2") -> tuple[dict, dict]:
        self.n += 1
        checkin = dt.date.today() + dt.timedelta(days=60 + 3 * self.n)
        body = {"email": f"guest{self.n}-{uuid.uuid4().hex[:6]}@example.com",
                "name": f"Guest {self.n}", "hotel_id": hotel_id, "checkin": str(checkin),
                "checkout": str(checkin + dt.timedelta(days=2)), "card": "4242424242424242"}
        return body, {"Idempotency-Key": str(uuid.uuid4())}


async def timed(http: httpx.AsyncClient, method: str, url: str, **kwargs):
    started = time.perf_counter()
    answer = await http.request(method, url, **kwargs)
    return answer, time.perf_counter() - started


async def book_many(http, url, guests, n, hotel_id="lis-2"):
    answers, seconds = [], []
    for _ in range(n):
        body, headers = guests.booking(hotel_id)
        answer, took = await timed(http, "POST", url + "/bookings", json=body, headers=headers)
        answers.append(answer)
        seconds.append(took)
    return answers, seconds


async def control(http, url, **knobs):
    answer = await http.post(url + "/_control", json=knobs)
    answer.raise_for_status()


async def wait_until_delivered(http, url, timeout=30.0) -> dict:
    """Poll the front's outbox until nothing is pending (the retry loop does the work)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = (await http.get(url + "/outbox")).json()
        if counts["pending"] == 0 or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.1)  # polling interval


async def delivered_to(http, mail_url, answers) -> int:
    wanted = {a.json()["email"] for a in answers if a.status_code == 201}
    messages = (await http.get(mail_url + "/messages")).json()["messages"]
    return len({m["to"] for m in messages} & wanted)


# -- the scenarios ------------------------------------------------------------------

async def network_hops(http, services, monolith, s, guests):
    rows = []
    for shape, sys_ in (("monolith", monolith), ("services", services)):
        answers, seconds = await book_many(http, sys_.front.url, guests, s.bookings)
        hops = answers[-1].json()["hops"]
        extra = 0 if shape == "monolith" else 1  # Payments' own call to the bank
        rows.append(row("network hops", shape, [a.status_code for a in answers], seconds,
                        f"confirmed; {len(hops) + extra} HTTP calls ({', '.join(hops)}"
                        + (", bank)" if extra else ")")))
    return rows


async def laggy_pdf(http, services, monolith, s, guests):
    ui, pdf = services.front.url, services.url("pdf")
    await control(http, pdf, delay=s.lag)  # the PDF service answers `lag` seconds late
    rows = []
    try:
        await control(http, ui, pdf_timeout=None)
        answers, seconds = await book_many(http, ui, guests, s.lag_bookings)
        rows.append(row(f"laggy pdf ({s.lag:g} s), no timeout", "services",
                        [a.status_code for a in answers], seconds,
                        f"waited for the receipt: {answers[-1].json().get('receipt')}"))
        await control(http, ui, pdf_timeout=s.pdf_timeout)
        answers, seconds = await book_many(http, ui, guests, s.bookings)
        rows.append(row(f"laggy pdf ({s.lag:g} s), {s.pdf_timeout:g} s timeout", "services",
                        [a.status_code for a in answers], seconds,
                        f"{answers[-1].json().get('receipt')!r}, degraded: "
                        f"{answers[-1].json().get('degraded')}"))
    finally:
        await control(http, pdf, delay=0)
    counts = await wait_until_delivered(http, ui)
    got = await delivered_to(http, services.url("mail"), answers)
    rows[-1].got += f"; later {got}/{len(answers)} receipts e-mailed (pending {counts['pending']})"
    return rows


async def network_split(http, services, monolith, s, guests):
    victims = [(services, "pdf"), (monolith, "mail")]  # each shape loses what it calls out to
    system.stop_all([sys_.servers[victim] for sys_, victim in victims])  # by PID
    booked = {}
    for sys_, _ in victims:
        answers, seconds = await book_many(http, sys_.front.url, guests, s.bookings)
        pending = (await http.get(sys_.front.url + "/outbox")).json()["pending"]
        booked[sys_.shape] = answers, seconds, pending
    began = time.perf_counter()
    system.restart_together(victims)  # both back on their old ports
    rows = []
    for sys_, victim in victims:
        answers, seconds, pending = booked[sys_.shape]
        counts = await wait_until_delivered(http, sys_.front.url)
        back = time.perf_counter() - began
        got = await delivered_to(http, sys_.url("mail"), answers)
        rows.append(row(f"network split ({victim} down)", sys_.shape,
                        [a.status_code for a in answers], seconds,
                        f"{answers[-1].json().get('receipt')!r} ({pending} queued); "
                        f"{victim} back, {got}/{len(answers)} delivered {back:.1f} s after "
                        f"the restart began (pending {counts['pending']})"))
    return rows


async def fan_out(http, services, monolith, s, guests):
    rows = []
    for peer in ("search", "reservations"):
        await control(http, services.url(peer), delay=s.hop_delay)
    checkin = dt.date.today() + dt.timedelta(days=10)
    params = {"city": "Lisbon", "checkin": str(checkin),
              "checkout": str(checkin + dt.timedelta(days=2))}
    try:
        for fanout in ("sequential", "concurrent"):
            results = [await timed(http, "GET", services.front.url + "/search",
                                   params={**params, "fanout": fanout})
                       for _ in range(s.bookings)]
            rows.append(row(f"fan-out {fanout}", "services", [a.status_code for a, _ in results],
                            [t for _, t in results],
                            f"{len(results[-1][0].json()['hotels'])} hotels; search + availability "
                            f"each {s.hop_delay * 1000:.0f} ms away"))
    finally:
        for peer in ("search", "reservations"):
            await control(http, services.url(peer), delay=0)
    results = [await timed(http, "GET", monolith.front.url + "/search", params=params)
               for _ in range(s.bookings)]
    rows.append(row("fan-out (one SQL query)", "monolith", [a.status_code for a, _ in results],
                    [t for _, t in results], "the same list from one local query"))
    return rows


async def double_submit(http, services, monolith, s, guests):
    rows = []
    for shape, sys_ in (("monolith", monolith), ("services", services)):
        body, headers = guests.booking()
        both = await asyncio.gather(*[timed(http, "POST", sys_.front.url + "/bookings",
                                            json=body, headers=headers) for _ in range(2)])
        ids = {a.json().get("booking_id") for a, _ in both}
        ref = both[0][0].json()["user_ref"]
        held = (await http.get(f"{sys_.front.url}/users/{ref}")).json()
        rows.append(row("double submit (same key)", shape, [a.status_code for a, _ in both],
                        [t for _, t in both], f"{len(ids)} booking, {len(held['payments'])} "
                        f"payment, {len(held['reservations'])} reservation"))
    return rows


async def delete_user(http, services, monolith, s, guests):
    rows = []
    for shape, sys_ in (("monolith", monolith), ("services", services)):
        body, headers = guests.booking()
        made = await http.post(sys_.front.url + "/bookings", json=body, headers=headers)
        ref = made.json()["user_ref"]
        gone, took = await timed(http, "DELETE", f"{sys_.front.url}/users/{ref}")
        left = (await http.get(f"{sys_.front.url}/users/{ref}")).json()
        said = gone.json()
        rows.append(row("delete a user", shape, [gone.status_code], [took],
                        f"user {'gone' if left['users'] is None else 'still there'}; "
                        f"stays cancelled {said['reservations']['cancelled']}, kept unlinked "
                        f"{said['reservations']['kept_anonymous']}; payments kept unlinked "
                        f"{said['payments']['kept_anonymous']}"))
    return rows


async def compatibility(http, services, monolith, s, guests):
    ui, search = services.front.url, services.url("search")
    rows = []
    await control(http, search, v1_shape="v2")  # "deploy" the new JSON on /v1 in place
    try:
        answers, seconds = await book_many(http, ui, guests, 1)
        rows.append(row("search changed /v1 in place", "services",
                        [a.status_code for a in answers], seconds, answers[0].json()["message"]))
    finally:
        await control(http, search, v1_shape="v1")  # versioned instead: /v1 and /v2 side by side
    for version in ("v1", "v2"):
        await control(http, ui, search_version=version)
        answers, seconds = await book_many(http, ui, guests, 1)
        rows.append(row(f"search serves /v1 and /v2, UI on /{version}", "services",
                        [a.status_code for a in answers], seconds,
                        f"{answers[0].json().get('status')}, "
                        f"{answers[0].json().get('amount_cents', 0) / 100:.2f} EUR"))
    await control(http, ui, search_version="v1")
    return rows


SCENARIOS = (network_hops, laggy_pdf, network_split, fan_out, double_submit, delete_user,
             compatibility)


async def run(services, monolith, settings: Settings = Settings(), scenarios=SCENARIOS):
    rows: list[Row] = []
    # A timeout on every request: a hang here would be a bug to report, not to wait out.
    async with httpx.AsyncClient(timeout=settings.lag + 10) as http:
        guests = Guests()
        for scenario in scenarios:
            rows += await scenario(http, services, monolith, settings, guests)
    return rows


def table(rows: list[Row]) -> str:
    lines = [f"{'scenario':<38} {'shape':<9} {'status':<10} {'p50 ms':>8} {'p95 ms':>8}  "
             "what the user got", "-" * 120]
    for r in rows:
        lines.append(f"{r.scenario:<38} {r.shape:<9} {r.status:<10} {r.p50_ms:>8.1f} "
                     f"{r.p95_ms:>8.1f}  {r.got}")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small numbers (for tests)")
    settings = QUICK if parser.parse_args().quick else Settings()
    began = time.perf_counter()
    services, monolith = system.start_together(["services", "monolith"])
    try:
        print(f"started both shapes ({len(services.servers) + len(monolith.servers)} processes) "
              f"in {services.started_in:.1f} s", flush=True)
        rows = await run(services, monolith, settings)
    finally:
        services.stop()
        monolith.stop()
    print(table(rows))
    print(f"\n{len(rows)} rows in {time.perf_counter() - began:.1f} s, everything stopped")


if __name__ == "__main__":
    asyncio.run(main())
