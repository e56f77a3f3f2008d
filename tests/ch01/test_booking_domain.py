"""ch01_wsgi_async.booking.domain: stays, prices and receipts, shared by both shapes."""

import re

import pytest

from ch01_wsgi_async.booking import domain


def test_a_stay_counts_nights_and_prices_them():
    stay = domain.Stay.parse("2030-06-01", "2030-06-04")
    assert stay.nights == 3
    assert domain.total_cents(12000, stay) == 36000
    assert domain.euros(36000) == "360.00 EUR"


@pytest.mark.parametrize("checkin, checkout, says", [
    ("2030-06-01", "2030-06-01", "checkout after checkin"),
    ("2030-06-03", "2030-06-01", "checkout after checkin"),
    ("2030-06-01", "2030-08-01", "1 to 30 nights"),
    ("June 1st", "2030-06-02", "dates like 2026-06-01"),
    (None, "2030-06-02", "dates like"),
])
def test_bad_dates_are_a_domain_error(checkin, checkout, says):
    with pytest.raises(domain.DomainError, match=says):
        domain.Stay.parse(checkin, checkout)


def test_overlapping_stays():
    a = domain.Stay.parse("2030-06-01", "2030-06-03")
    assert a.overlaps(domain.Stay.parse("2030-06-02", "2030-06-05"))
    assert not a.overlaps(domain.Stay.parse("2030-06-03", "2030-06-05"))  # checkout day is free


def test_unknown_hotel():
    assert domain.hotel("par-1")["city"] == "Paris"
    with pytest.raises(domain.DomainError, match="unknown hotel 'nope'"):
        domain.hotel("nope")


def test_the_receipt_is_a_well_formed_pdf():
    booking = {"booking_id": "b-1", "name": "Ada (test)", "email": "ada@example.com",
               "hotel_id": "par-1", "hotel_name": "Hotel du Nord", "checkin": "2030-06-01",
               "checkout": "2030-06-03", "nights": 2, "amount_cents": 24000, "bank_ref": "ch_1"}
    lines = domain.receipt_lines(booking)
    assert "Paid: 240.00 EUR (bank reference ch_1)" in lines
    pdf = domain.receipt_pdf(lines)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"(Guest: Ada \\(test\\) <ada@example.com>) Tj" in pdf  # parentheses escaped
    # Every offset in the cross-reference table points at its object: readers rely on it.
    xref = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[xref:].startswith(b"xref")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
