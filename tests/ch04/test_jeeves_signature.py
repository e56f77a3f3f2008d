"""ch04_jeeves.jeeves.slack: our v0 signature check agrees with Slack's own SDK."""

import time

import pytest
from slack_sdk.signature import SignatureVerifier

from ch04_jeeves.jeeves.slack import BadSignature, sign, signed_headers, verify

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documentation example secret
BODY = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather"


def test_sign_matches_slack_sdk_and_verifies():
    now = int(time.time())
    headers = signed_headers(SECRET, BODY, now)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(BODY, headers["X-Slack-Request-Timestamp"],
                             headers["X-Slack-Signature"])
    assert headers["X-Slack-Signature"] == verifier.generate_signature(
        timestamp=str(now), body=BODY)
    verify(SECRET, str(now), headers["X-Slack-Signature"], BODY)  # no exception


def test_signature_format():
    signature = sign(SECRET, 1531420618, BODY)
    assert signature.startswith("v0=") and len(signature) == 3 + 64


@pytest.mark.parametrize("timestamp, signature, body, now, reason", [
    (None, None, BODY, 0, "missing Slack signature headers"),
    ("1000", None, BODY, 1000, "missing Slack signature headers"),
    ("soon", "v0=x", BODY, 1000, "bad request timestamp"),
    ("1000", sign(SECRET, 1000, BODY), BODY, 1000 + 301, "request timestamp too old"),
    ("1301", sign(SECRET, 1301, BODY), BODY, 1000, "request timestamp too old"),  # future
    ("1000", sign("other", 1000, BODY), BODY, 1000, "invalid signature"),
    ("1000", sign(SECRET, 1000, BODY), BODY + b"&x=1", 1000, "invalid signature"),
    ("1000", sign(SECRET, 999, BODY), BODY, 1000, "invalid signature"),
])
def test_refusals(timestamp, signature, body, now, reason):
    with pytest.raises(BadSignature, match=reason):
        verify(SECRET, timestamp, signature, body, now=now)


def test_five_minutes_old_is_still_fine():
    verify(SECRET, "1000", sign(SECRET, 1000, BODY), BODY, now=1300)
