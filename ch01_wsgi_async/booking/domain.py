"""The hotel-booking domain, written once: hotels, stays and prices, receipts.

Both shapes import this module: the monolith calls it in-process, and each
microservice calls the part it owns (Search the hotels, the UI the prices,
PDF reports the receipts). Splitting a system into services moves the
*calls* onto the network; it need not copy the code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_NIGHTS = 30


class DomainError(ValueError):
    """The client asked for something the domain refuses (answered with a 4xx)."""


# Reference data shipped with the code. Search loads it into its own table;
# Reservations only needs each hotel's number of rooms.
HOTELS = [
    {"id": "par-1", "name": "Hotel du Nord", "city": "Paris", "rooms": 3, "rate_cents": 12000},
    {"id": "par-2", "name": "Le Petit Quai", "city": "Paris", "rooms": 1, "rate_cents": 9500},
    {"id": "lis-1", "name": "Casa Alfama", "city": "Lisbon", "rooms": 2, "rate_cents": 8000},
    {"id": "lis-2", "name": "Tejo View", "city": "Lisbon", "rooms": 4, "rate_cents": 11000},
    {"id": "tpe-1", "name": "Dadaocheng Inn", "city": "Taipei", "rooms": 2, "rate_cents": 7000},
]


def hotel(hotel_id: str) -> dict:
    for h in HOTELS:
        if h["id"] == hotel_id:
            return h
    raise DomainError(f"unknown hotel {hotel_id!r}")


@dataclass(frozen=True)
class Stay:
    checkin: dt.date
    checkout: dt.date

    @classmethod
    def parse(cls, checkin: object, checkout: object) -> Stay:
        try:
            stay = cls(dt.date.fromisoformat(str(checkin)), dt.date.fromisoformat(str(checkout)))
        except ValueError:
            raise DomainError("checkin and checkout must be dates like 2026-06-01") from None
        if not 1 <= stay.nights <= MAX_NIGHTS:
            raise DomainError(f"a stay is 1 to {MAX_NIGHTS} nights, checkout after checkin")
        return stay

    @property
    def nights(self) -> int:
        return (self.checkout - self.checkin).days

    def overlaps(self, other: Stay) -> bool:
        return self.checkin < other.checkout and other.checkin < self.checkout


def total_cents(rate_cents: int, stay: Stay) -> int:
    return rate_cents * stay.nights


def euros(cents: int) -> str:
    return f"{cents / 100:.2f} EUR"


def receipt_lines(booking: dict) -> list[str]:
    """What a receipt says; ``booking`` has the fields both shapes return."""
    return [
        f"Receipt for booking {booking['booking_id']}",
        f"Guest: {booking['name']} <{booking['email']}>",
        f"Hotel: {booking['hotel_name']} ({booking['hotel_id']})",
        f"Stay: {booking['checkin']} to {booking['checkout']}, {booking['nights']} night(s)",
        f"Paid: {euros(booking['amount_cents'])} (bank reference {booking['bank_ref']})",
    ]


def receipt_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica text); small enough to write by hand, valid for any reader."""
    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({escape(line)}) Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 16 TL 72 740 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
