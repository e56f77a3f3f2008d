"""ch01_wsgi_async.booking.pdf: receipts as PDF, and the delay knob the lessons turn."""

import time

from ch01_wsgi_async.booking import pdf

BOOKING = {"booking_id": "b-1", "name": "Ada", "email": "ada@example.com", "hotel_id": "par-1",
           "hotel_name": "Hotel du Nord", "checkin": "2030-06-01", "checkout": "2030-06-03",
           "nights": 2, "amount_cents": 24000, "bank_ref": "ch_1"}


async def test_a_receipt_is_a_pdf(booking_client, booking_token):
    async with booking_client(pdf.app) as c:
        answer = await c.post("/receipts", json=BOOKING, headers=booking_token)
        body = await answer.get_data()
    assert answer.status_code == 200 and answer.content_type == "application/pdf"
    assert body.startswith(b"%PDF-1.4") and b"(Receipt for booking b-1) Tj" in body


async def test_missing_fields_no_token_and_a_real_delay(booking_client, booking_token):
    async with booking_client(pdf.app) as c:
        short = await c.post("/receipts", json={"booking_id": "b-1"}, headers=booking_token)
        assert short.status_code == 400
        assert "missing field(s): name, email" in (await short.get_json())["message"]
        assert (await c.post("/receipts", json=BOOKING)).status_code == 401
        await c.post("/_control", json={"delay": 0.1})
        started = time.perf_counter()
        assert (await c.post("/receipts", json=BOOKING, headers=booking_token)).status_code == 200
        assert time.perf_counter() - started >= 0.1
