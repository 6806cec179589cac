"""Verifying Front's requests: vectors computed here, independently of front_client.webhooks.

Two fixed vectors were computed with ``openssl dgst -hmac ... -binary | base64``; the others with the
standard library's ``hmac`` in this file. Each case names the check that must fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import httpx
import pytest
from front_client import FrontClientError, WebhookVerificationError
from front_client.webhooks import challenge_reply, verify_app_request, verify_rule_webhook

RULE_SECRET = "rule-webhook-api-secret"
RULE_BODY = b'{"type":"new_message","id":"evt_1"}'
RULE_SIGNATURE = "ngGwDS6F21bVD4ttQQxLENGKClE="  # openssl, HMAC-SHA1

APP_SECRET = "app-secret-for-tests-0123456789abcdef"
APP_BODY = b'{"type":"sync","payload":{"id":"msg_1"}}'
APP_TIMESTAMP = "1764590400000"  # ms
APP_SIGNATURE = "JFhsSqn2rPi04cUb4kc/T1DD1GtQtHeQE5bQYdrXjSM="  # openssl, HMAC-SHA256 of "<ts>:<body>"
NOW = 1764590400.0 + 12  # seconds: 12 s after the request was signed


def app_signature(body: bytes, timestamp: str, secret: str = APP_SECRET) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b":" + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def app_headers(body: bytes = APP_BODY, timestamp: str = APP_TIMESTAMP, **extra: str) -> dict[str, str]:
    return {
        "X-Front-Signature": app_signature(body, timestamp),
        "X-Front-Request-Timestamp": timestamp,
        **extra,
    }


def test_the_fixed_vectors_are_what_the_stdlib_computes() -> None:
    rule = base64.b64encode(hmac.new(RULE_SECRET.encode(), RULE_BODY, hashlib.sha1).digest()).decode()
    assert rule == RULE_SIGNATURE
    assert app_signature(APP_BODY, APP_TIMESTAMP) == APP_SIGNATURE


# Rule webhooks: base64(HMAC-SHA1(API secret, body)).


def test_a_rule_webhook_with_its_signature_passes() -> None:
    assert verify_rule_webhook(RULE_BODY, RULE_SIGNATURE, RULE_SECRET) is True
    assert verify_rule_webhook(RULE_BODY, RULE_SIGNATURE.encode(), RULE_SECRET.encode())  # bytes work too


@pytest.mark.parametrize(
    ("body", "signature", "secret", "check"),
    [
        (RULE_BODY + b" ", RULE_SIGNATURE, RULE_SECRET, "bad_signature"),  # tampered body
        (RULE_BODY.replace(b"evt_1", b"evt_2"), RULE_SIGNATURE, RULE_SECRET, "bad_signature"),
        (RULE_BODY, RULE_SIGNATURE, RULE_SECRET + "x", "bad_signature"),  # wrong secret
        (RULE_BODY, APP_SIGNATURE, RULE_SECRET, "bad_signature"),  # valid base64, another length
        (RULE_BODY, None, RULE_SECRET, "missing_header"),
        (RULE_BODY, "", RULE_SECRET, "missing_header"),
        (RULE_BODY, "not base64 !", RULE_SECRET, "malformed_signature"),
        (RULE_BODY, RULE_SIGNATURE[:-2], RULE_SECRET, "malformed_signature"),  # padding cut off
    ],
    ids=["tampered", "tampered-id", "wrong-secret", "wrong-length", "missing", "empty", "non-base64", "cut"],
)
def test_a_rule_webhook_that_fails_says_which_check(
    body: bytes, signature: Any, secret: str, check: str
) -> None:
    with pytest.raises(WebhookVerificationError) as failed:
        verify_rule_webhook(body, signature, secret)
    assert failed.value.check == check and failed.value.header == "X-Front-Signature"
    assert "X-Front-Signature" in str(failed.value)
    for secret_text in (secret, RULE_SECRET, RULE_SIGNATURE, APP_SIGNATURE):
        assert secret_text not in str(failed.value)


# App webhooks and channel / connector requests: base64(HMAC-SHA256(app secret, "<ts ms>:" + body)).


def test_an_app_request_with_its_signature_and_a_fresh_timestamp_passes() -> None:
    headers = {"X-Front-Signature": APP_SIGNATURE, "X-Front-Request-Timestamp": APP_TIMESTAMP}
    assert verify_app_request(APP_BODY, headers, APP_SECRET, now=NOW) is True


@pytest.mark.parametrize(
    "headers",
    [
        {"x-front-signature": APP_SIGNATURE, "x-front-request-timestamp": APP_TIMESTAMP},
        httpx.Headers({"X-FRONT-SIGNATURE": APP_SIGNATURE, "X-Front-Request-Timestamp": APP_TIMESTAMP}),
        {"HTTP_X_FRONT_SIGNATURE": APP_SIGNATURE, "HTTP_X_FRONT_REQUEST_TIMESTAMP": APP_TIMESTAMP},  # WSGI
        [
            (b"x-front-signature", APP_SIGNATURE.encode()),
            (b"x-front-request-timestamp", APP_TIMESTAMP.encode()),
        ],
        {b"x-front-signature": APP_SIGNATURE.encode(), b"x-front-request-timestamp": APP_TIMESTAMP.encode()},
        [("X-Front-Signature", APP_SIGNATURE), ("X-Front-Request-Timestamp", APP_TIMESTAMP)],  # werkzeug
    ],
    ids=["lower-case-dict", "httpx-headers", "wsgi-environ", "asgi-pairs", "bytes-dict", "str-pairs"],
)
def test_headers_are_read_from_any_framework(headers: Any) -> None:
    verify_app_request(APP_BODY, headers, APP_SECRET, now=NOW)


@pytest.mark.parametrize(
    ("body", "headers", "secret", "now", "check", "header"),
    [
        (APP_BODY + b"\n", app_headers(), APP_SECRET, NOW, "bad_signature", "X-Front-Signature"),
        (APP_BODY, app_headers(), "another-app-secret", NOW, "bad_signature", "X-Front-Signature"),
        # A replay with a new date: the old signature does not cover it.
        (APP_BODY, {**app_headers(), "X-Front-Request-Timestamp": str(int(NOW * 1000))}, APP_SECRET, NOW,
         "bad_signature", "X-Front-Signature"),
        (APP_BODY, app_headers(timestamp=str(int((NOW - 301) * 1000))), APP_SECRET, NOW, "stale",
         "X-Front-Request-Timestamp"),
        (APP_BODY, app_headers(timestamp=str(int((NOW + 301) * 1000))), APP_SECRET, NOW, "future",
         "X-Front-Request-Timestamp"),
        (APP_BODY, {"X-Front-Request-Timestamp": APP_TIMESTAMP}, APP_SECRET, NOW, "missing_header",
         "X-Front-Signature"),
        (APP_BODY, {"X-Front-Signature": APP_SIGNATURE}, APP_SECRET, NOW, "missing_header",
         "X-Front-Request-Timestamp"),
        (APP_BODY, {**app_headers(), "X-Front-Signature": "%%%="}, APP_SECRET, NOW, "malformed_signature",
         "X-Front-Signature"),
        (APP_BODY, app_headers(timestamp="1764590400.5"), APP_SECRET, NOW, "malformed_timestamp",
         "X-Front-Request-Timestamp"),
    ],
    ids=["tampered", "wrong-secret", "re-dated", "stale", "future", "no-signature", "no-timestamp",
         "non-base64", "not-milliseconds"],
)  # fmt: skip
def test_an_app_request_that_fails_says_which_check(
    body: bytes, headers: dict[str, str], secret: str, now: float, check: str, header: str
) -> None:
    with pytest.raises(WebhookVerificationError) as failed:
        verify_app_request(body, headers, secret, now=now)
    assert (failed.value.check, failed.value.header) == (check, header)
    assert header in str(failed.value)
    assert isinstance(failed.value, FrontClientError)
    for secret_text in (
        secret,
        APP_SECRET,
        headers.get("X-Front-Signature") or APP_SIGNATURE,
        app_signature(body, APP_TIMESTAMP),
    ):
        assert secret_text not in str(failed.value)


def test_the_tolerance_is_five_minutes_by_default_and_configurable() -> None:
    at_limit = app_headers(timestamp=str(int((NOW - 300) * 1000)))
    verify_app_request(APP_BODY, at_limit, APP_SECRET, now=NOW)
    with pytest.raises(WebhookVerificationError, match="tolerance 60 s"):
        verify_app_request(APP_BODY, at_limit, APP_SECRET, tolerance=60, now=NOW)
    verify_app_request(APP_BODY, app_headers(timestamp=str(int((NOW + 299) * 1000))), APP_SECRET, now=NOW)


def test_now_defaults_to_the_current_time() -> None:
    with pytest.raises(WebhookVerificationError) as failed:
        verify_app_request(APP_BODY, app_headers(), APP_SECRET)  # signed 2025-12-01: long stale
    assert failed.value.check == "stale"


def test_a_decoded_body_is_refused_with_a_clear_error() -> None:
    with pytest.raises(TypeError, match="raw bytes"):
        verify_app_request(APP_BODY.decode(), app_headers(), APP_SECRET, now=NOW)  # type: ignore[arg-type]


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="secret"):
        verify_rule_webhook(RULE_BODY, RULE_SIGNATURE, "")


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    verify_rule_webhook(RULE_BODY, RULE_SIGNATURE, RULE_SECRET)
    verify_app_request(APP_BODY, app_headers(), APP_SECRET, now=NOW)
    assert len(compared) == 2


# The validation request: X-Front-Challenge, echoed back.


def test_a_validation_request_gets_its_challenge_back() -> None:
    reply = challenge_reply({"x-front-challenge": "c7f1e2d3"})
    assert reply is not None
    assert (reply.status, reply.body, reply.content_type) == (200, b"c7f1e2d3", "text/plain; charset=utf-8")
    assert ("Content-Length", "8") in reply.headers


@pytest.mark.parametrize("headers", [{}, {"X-Front-Challenge": "  "}, app_headers()])
def test_any_other_request_gets_no_challenge_reply(headers: dict[str, str]) -> None:
    assert challenge_reply(headers) is None


# What a failure says, and the edges of the options.


def test_a_stale_or_future_request_says_by_how_much_and_the_tolerance() -> None:
    with pytest.raises(WebhookVerificationError) as stale:
        verify_app_request(APP_BODY, app_headers(timestamp=str(int((NOW - 312) * 1000))), APP_SECRET, now=NOW)
    assert str(stale.value) == "the request is 312 s old by its X-Front-Request-Timestamp (tolerance 300 s)"
    with pytest.raises(WebhookVerificationError) as future:
        verify_app_request(APP_BODY, app_headers(timestamp=str(int((NOW + 42) * 1000))), APP_SECRET,
                           tolerance=30, now=NOW)  # fmt: skip
    assert str(future.value) == "the request's X-Front-Request-Timestamp is 42 s ahead (tolerance 30 s)"


def test_each_failure_names_its_header_in_its_message() -> None:
    cases = {
        "missing_header": ({"X-Front-Request-Timestamp": APP_TIMESTAMP}, "the X-Front-Signature header is "
                           "missing or empty"),
        "malformed_signature": ({**app_headers(), "X-Front-Signature": "%%%="},
                                "the X-Front-Signature header is not base64"),
        "malformed_timestamp": (app_headers(timestamp="17645904e3"),
                                "the X-Front-Request-Timestamp header is not a UNIX time in ms"),
    }  # fmt: skip
    for check, (headers, message) in cases.items():
        with pytest.raises(WebhookVerificationError) as failed:
            verify_app_request(APP_BODY, headers, APP_SECRET, now=NOW)
        assert (failed.value.check, str(failed.value)) == (check, message)
    with pytest.raises(WebhookVerificationError) as bad:
        verify_rule_webhook(RULE_BODY, RULE_SIGNATURE, RULE_SECRET + "x")
    assert str(bad.value) == (
        "the X-Front-Signature header does not match the body: another secret signed it, or the body was "
        "changed (verify the raw bytes, before any parsing)"
    )


def test_a_tolerance_of_zero_takes_only_the_instant_of_signing_and_a_negative_one_is_refused() -> None:
    signed_at = int(APP_TIMESTAMP) / 1000
    assert verify_app_request(APP_BODY, app_headers(), APP_SECRET, tolerance=0, now=signed_at)
    with pytest.raises(WebhookVerificationError) as late:
        verify_app_request(APP_BODY, app_headers(), APP_SECRET, tolerance=0, now=signed_at + 0.001)
    assert late.value.check == "stale"
    with pytest.raises(ValueError) as refused:
        verify_app_request(APP_BODY, app_headers(), APP_SECRET, tolerance=-1, now=NOW)
    assert str(refused.value) == "tolerance must be >= 0 seconds, not -1"


def test_header_values_are_read_without_surrounding_blanks() -> None:
    headers = {"X-Front-Signature": f" {APP_SIGNATURE}\t", "X-Front-Request-Timestamp": f" {APP_TIMESTAMP} "}
    assert verify_app_request(APP_BODY, headers, APP_SECRET, now=NOW)
    assert verify_rule_webhook(RULE_BODY, f"  {RULE_SIGNATURE} ", RULE_SECRET)
    reply = challenge_reply({"X-Front-Challenge": " c7f1 "})
    assert reply is not None and reply.body == b"c7f1"


def test_the_secret_s_error_and_a_decoded_body_s_say_what_to_do() -> None:
    with pytest.raises(ValueError) as empty:
        verify_app_request(APP_BODY, app_headers(), b"", now=NOW)
    assert str(empty.value) == "the secret to verify Front's signature with is empty"
    with pytest.raises(TypeError) as decoded:
        verify_rule_webhook(RULE_BODY.decode(), RULE_SIGNATURE, RULE_SECRET)  # type: ignore[arg-type]
    assert str(decoded.value) == (
        "body must be the raw bytes received (a decoded or re-serialized body cannot be verified)"
    )
