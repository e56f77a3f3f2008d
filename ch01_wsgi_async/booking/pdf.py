"""PDF reports: turns a booking into a one-page PDF receipt.

The simplest service of the seven, and the one the book's questions are
about: what does the Booking UI do when this one is slow or down?
Make it slow for real with ``POST /_control {"delay": 2}`` (or ``DELAY=2``).

Run it:   python -m ch01_wsgi_async.booking.pdf      (PORT=8056 by default)
Ask it:   curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
               -d '{"booking_id": "b1", "name": "Ada", ...}' http://127.0.0.1:8056/receipts
Expect:   200, Content-Type: application/pdf, a file starting with %PDF-1.4
          missing fields: 400 JSON; no token: 401.
"""

from quart import Response

from ch01_wsgi_async.booking import domain, kit

FIELDS = ("booking_id", "name", "email", "hotel_id", "hotel_name", "checkin", "checkout",
          "nights", "amount_cents", "bank_ref")

app = kit.service("pdf")


@app.post("/receipts")
@kit.require_token
async def receipt():
    booking = await kit.json_body(*FIELDS)
    pdf = domain.receipt_pdf(domain.receipt_lines(booking))
    return Response(pdf, content_type="application/pdf")


if __name__ == "__main__":
    kit.serve(app, "pdf")
