"""Webhook verification fed what no Front request holds: odd timestamps, non-finite options, a non-ASCII
challenge. Each is refused with the check it fails (or a ValueError for the caller's own mistake) and never
with another exception, nor accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from front_client.webhooks import WebhookVerificationError, challenge_reply, verify_app_request

SECRET = "app-secret-for-the-fault-tests-0123456789"
BODY = b'{"type":"sync"}'
NOW = 1764590400.0
DAY_OLD = str(int((NOW - 86_400) * 1000))


def signature(timestamp: str, body: bytes = BODY) -> str:
    """What a sender holding the secret would put in X-Front-Signature for this timestamp text."""
    digest = hmac.new(SECRET.encode(), timestamp.encode("utf-8") + b":" + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


ODD_TIMESTAMPS = {
    "euro sign": "€",
    "full-width digits": "\uff11\uff17\uff16\uff14\uff15\uff19\uff10\uff14\uff10\uff10\uff10\uff10\uff10",
    "arabic-indic digits": "\u0661\u0667\u0666\u0664",
    "400 digits": "9" * 400,
    "5,000 digits": "1" * 5000,
    "16 digits": "1" * 16,
}


@pytest.mark.parametrize("timestamp", ODD_TIMESTAMPS.values(), ids=ODD_TIMESTAMPS.keys())
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_a_timestamp_that_is_not_ascii_ms_digits_is_malformed_whatever_the_signature(
    timestamp: str, signed: bool
) -> None:
    headers = {
        "X-Front-Signature": signature(timestamp) if signed else "AAAA",
        "X-Front-Request-Timestamp": timestamp,
    }
    with pytest.raises(WebhookVerificationError) as refused:
        verify_app_request(BODY, headers, SECRET, now=NOW)
    assert refused.value.check == "malformed_timestamp"
    assert refused.value.header == "X-Front-Request-Timestamp"


def test_asgi_bytes_holding_a_non_ascii_timestamp_are_malformed_too() -> None:
    headers = [(b"x-front-signature", b"AAAA"), (b"x-front-request-timestamp", "€".encode())]
    with pytest.raises(WebhookVerificationError) as refused:
        verify_app_request(BODY, headers, SECRET, now=NOW)
    assert refused.value.check == "malformed_timestamp"


def test_a_fifteen_digit_timestamp_is_still_read_as_a_date() -> None:
    far = "9" * 15  # the year ~33658: signed, well formed, and far in the future
    with pytest.raises(WebhookVerificationError) as refused:
        verify_app_request(BODY, {"X-Front-Signature": signature(far), "X-Front-Request-Timestamp": far},
                           SECRET, now=NOW)  # fmt: skip
    assert refused.value.check == "future"


DAY_OLD_HEADERS = {"X-Front-Signature": signature(DAY_OLD), "X-Front-Request-Timestamp": DAY_OLD}


@pytest.mark.parametrize("tolerance", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_tolerance_is_refused_never_accepting_a_day_old_request(tolerance: float) -> None:
    with pytest.raises(ValueError, match="tolerance must be a finite number of seconds") as refused:
        verify_app_request(BODY, DAY_OLD_HEADERS, SECRET, tolerance=tolerance, now=NOW)
    assert not isinstance(refused.value, WebhookVerificationError)  # the caller's mistake, not Front's


@pytest.mark.parametrize("now", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_now_is_refused_never_accepting_a_day_old_request(now: float) -> None:
    with pytest.raises(ValueError, match="now must be a finite UNIX time in seconds") as refused:
        verify_app_request(BODY, DAY_OLD_HEADERS, SECRET, now=now)
    assert not isinstance(refused.value, WebhookVerificationError)


def test_the_day_old_request_is_stale_with_finite_options() -> None:
    with pytest.raises(WebhookVerificationError) as refused:
        verify_app_request(BODY, DAY_OLD_HEADERS, SECRET, now=NOW)
    assert refused.value.check == "stale"


CHALLENGE = "défi-€-挑战"
WIRE = CHALLENGE.encode("utf-8")


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x-front-challenge", WIRE)],  # ASGI scope["headers"]
        {"HTTP_X_FRONT_CHALLENGE": WIRE.decode("latin-1")},  # a WSGI environ (PEP 3333: Latin-1 text)
        {"X-Front-Challenge": CHALLENGE},  # text no Latin-1 decoder made: its UTF-8 bytes
    ],
    ids=["asgi-bytes", "wsgi-environ", "plain-text"],
)
def test_a_non_ascii_challenge_is_echoed_byte_for_byte(headers: object) -> None:
    reply = challenge_reply(headers)  # type: ignore[arg-type]
    assert reply is not None
    assert reply.body == WIRE
    assert reply.challenge == CHALLENGE
    assert ("Content-Length", str(len(WIRE))) in reply.headers


def test_challenge_bytes_that_are_not_utf8_are_still_echoed_exactly() -> None:
    reply = challenge_reply([(b"x-front-challenge", b"\xff\xfe-raw")])
    assert reply is not None and reply.body == b"\xff\xfe-raw"
