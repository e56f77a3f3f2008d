"""ch01_wsgi_async.booking_pitfalls: its measuring and its table, in-process.

The scenarios themselves run against real processes in tests/ch01/test_booking_system.py
(both shapes started once), and the script as a learner runs it (``--quick``) in
tests/test_learner_runs.py.
"""

import pytest

from ch01_wsgi_async import booking_pitfalls as pitfalls


@pytest.mark.parametrize("values, q, expected", [
    ([0.5], 0.95, 0.5), ([3, 1, 2], 0.5, 2), (list(range(1, 21)), 0.95, 19),
    (list(range(1, 101)), 0.95, 95)])
def test_percentile_is_a_value_that_was_measured(values, q, expected):
    assert pitfalls.percentile(values, q) == expected


def test_a_row_summarises_statuses_and_latencies():
    r = pitfalls.row("double submit", "services", [201, 200, 201], [0.1, 0.2, 0.3], "1 booking")
    assert (r.status, r.p50_ms, r.p95_ms) == ("200, 201 x2", 200.0, 300.0)
    text = pitfalls.table([r])
    assert text.splitlines()[2].split()[:6] == ["double", "submit", "services", "200,", "201",
                                                "x2"]
    assert "200.0" in text and text.endswith("1 booking")


def test_every_booking_gets_its_own_guest_and_stay():
    guests = pitfalls.Guests()
    (a, key_a), (b, key_b) = guests.booking(), guests.booking()
    assert a["email"] != b["email"] and key_a != key_b
    assert b["checkin"] >= a["checkout"]  # never the same room twice: no 409 in the scenarios


def test_quick_numbers_are_small():
    quick, full = pitfalls.QUICK, pitfalls.Settings()
    assert full.lag == 2.0  # the laggy service
    assert quick.bookings < full.bookings and quick.lag < full.lag
    assert quick.pdf_timeout < quick.lag  # the timeout must be able to fire
