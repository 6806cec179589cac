"""Verifying the requests Front sends to you: rule webhooks, app webhooks, channel and connector callbacks.

Pure functions over the raw body (``bytes``, exactly as received: verify before parsing) and the request's
headers, so they work under any framework:

- :func:`verify_rule_webhook`: a rule's webhook. ``X-Front-Signature`` = base64(HMAC-SHA1(API secret, body)).
- :func:`verify_app_request`: an app's webhooks and the requests Front sends to a partner channel's or a
  connector's server. ``X-Front-Signature`` = base64(HMAC-SHA256(app secret, ``"<timestamp>:" + body``)),
  with ``<timestamp>`` the ``X-Front-Request-Timestamp`` header (UNIX milliseconds: ASCII digits, at most
  15 of them; anything else is ``malformed_timestamp`` before any signature work), refused when it is
  more than ``tolerance`` seconds old (a replayed request) or ahead (a forged date).
- :func:`challenge_reply`: Front validates a URL with a request carrying ``X-Front-Challenge``; the answer
  is a 200 whose body is that value, byte for byte.

``headers`` may be any mapping (looked up case-insensitively: a dict, ``httpx.Headers``, Starlette's or
Django's headers), a WSGI ``environ`` (``HTTP_X_FRONT_SIGNATURE``), or any iterable of ``(name, value)``
pairs: ASGI's ``scope["headers"]`` (bytes), werkzeug's (Flask's) ``request.headers``. Signatures are
compared in constant time (:func:`hmac.compare_digest`). A failure raises :class:`WebhookVerificationError`,
whose ``check`` names what failed; its message never holds a secret, the expected signature, nor the one
received.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from front_client.errors import FrontClientError

__all__ = [
    "CHALLENGE_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "ChallengeReply",
    "Headers",
    "WebhookVerificationError",
    "challenge_reply",
    "verify_app_request",
    "verify_rule_webhook",
]

SIGNATURE_HEADER = "X-Front-Signature"
TIMESTAMP_HEADER = "X-Front-Request-Timestamp"
CHALLENGE_HEADER = "X-Front-Challenge"
DEFAULT_TOLERANCE = 300.0  # seconds: Front's "reject timestamps older than 5 minutes"
# A UNIX time in ms has 13 digits until the year 2286; a longer one cannot be a date (and int() of
# thousands of digits is slow, then too large for a float).
MAX_TIMESTAMP_DIGITS = 15

Headers = Mapping[str, str] | Mapping[str, object] | Iterable[tuple[bytes | str, bytes | str]]
Check = Literal[
    "missing_header", "malformed_signature", "bad_signature", "malformed_timestamp", "stale", "future"
]


class WebhookVerificationError(FrontClientError, ValueError):
    """A request said to come from Front failed verification: answer it with 401 and do not act on it.

    ``check`` says which: ``missing_header``, ``malformed_signature`` (not base64), ``bad_signature``
    (another secret, or a changed body), ``malformed_timestamp``, ``stale`` or ``future``; ``header`` names
    the header concerned.
    """

    def __init__(self, check: Check, header: str, message: str) -> None:
        super().__init__(message)
        self.check = check
        self.header = header


def _raw_header(headers: Headers, name: str) -> object:
    """``name``'s value as given (``None`` if absent), from a mapping (case-insensitive), a WSGI environ, or
    ASGI ``(bytes, bytes)`` pairs."""
    wanted = name.lower()
    if isinstance(headers, Mapping):
        direct = headers.get(name)
        if direct is None:
            direct = headers.get("HTTP_" + name.upper().replace("-", "_"))  # a WSGI environ
        if direct is None:
            direct = next((v for k, v in headers.items() if _text(k).lower() == wanted), None)
        return direct
    for key, value in headers:
        if _text(key).lower() == wanted:
            return value
    return None


def _header(headers: Headers, name: str) -> str | None:
    value = _raw_header(headers, name)
    return _text(value) if value is not None else None


def _text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _wire_bytes(value: object) -> bytes:
    """A header value's bytes as received: bytes as given; text as WSGI (PEP 3333), ASGI frameworks and
    werkzeug decode headers, Latin-1, or UTF-8 for text Latin-1 cannot hold (it was not decoded that way)."""
    if isinstance(value, bytes):
        return value
    text = str(value)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape")  # a value decoded with surrogateescape (aiohttp)
    except UnicodeEncodeError:  # a lone surrogate no decoder made: no bytes were received as such
        return text.encode("utf-8", "replace")


def _key(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the secret to verify Front's signature with is empty")
    return key


def _raw(body: bytes) -> bytes:
    if isinstance(body, str):
        raise TypeError(
            "body must be the raw bytes received (a decoded or re-serialized body cannot be verified)"
        )
    return bytes(body)


def _require(value: str | None, header: str) -> str:
    if value is None or not value.strip():
        raise WebhookVerificationError("missing_header", header, f"the {header} header is missing or empty")
    return value.strip()


def _timestamp(value: str) -> int:
    """The timestamp header's UNIX time in ms; ``malformed_timestamp`` unless 1 to 15 ASCII digits."""
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_TIMESTAMP_DIGITS):
        raise WebhookVerificationError(
            "malformed_timestamp", TIMESTAMP_HEADER, f"the {TIMESTAMP_HEADER} header is not a UNIX time in ms"
        )
    return int(value)


def _check_signature(signature: str, key: bytes, message: bytes, digest: str, header: str) -> None:
    try:
        received = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(
            "malformed_signature", header, f"the {header} header is not base64"
        ) from None
    expected = hmac.new(key, message, digest).digest()
    if not hmac.compare_digest(received, expected):
        raise WebhookVerificationError(
            "bad_signature",
            header,
            f"the {header} header does not match the body: another secret signed it, or the body was changed "
            "(verify the raw bytes, before any parsing)",
        )


def verify_rule_webhook(body: bytes, signature: str | bytes | None, api_secret: str | bytes) -> Literal[True]:
    """Check a rule webhook: ``signature`` (its ``X-Front-Signature`` header, ``None`` if absent) must be
    base64(HMAC-SHA1(``api_secret``, ``body``)). Returns ``True``; raises :class:`WebhookVerificationError`
    if not (never returns ``False``)."""
    value = _require(_text(signature) if signature is not None else None, SIGNATURE_HEADER)
    _check_signature(value, _key(api_secret), _raw(body), "sha1", SIGNATURE_HEADER)
    return True


def verify_app_request(
    body: bytes,
    headers: Headers,
    app_secret: str | bytes,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Literal[True]:
    """Check a request from Front to an app (webhook, channel or connector server).

    ``X-Front-Signature`` must be base64(HMAC-SHA256(``app_secret``, ``timestamp + ":" + body``)) and
    ``X-Front-Request-Timestamp`` (UNIX milliseconds) within ``tolerance`` seconds of ``now`` (UNIX
    seconds; default the current time). A timestamp that is not 1 to 15 ASCII digits is refused first
    (``malformed_timestamp``); then the signature is checked: a stale request is only called stale once it
    is known to be Front's. Returns ``True``; raises :class:`WebhookVerificationError`.

    A ``tolerance`` or ``now`` that is not a finite number (NaN, infinity) raises :class:`ValueError`: it is
    the caller's mistake, not the request's, and NaN would compare as "not stale" for any age.
    """
    if not math.isfinite(tolerance):
        raise ValueError(f"tolerance must be a finite number of seconds, not {tolerance!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 seconds, not {tolerance!r}")
    if now is not None and not math.isfinite(now):
        raise ValueError(f"now must be a finite UNIX time in seconds, not {now!r}")
    signature = _require(_header(headers, SIGNATURE_HEADER), SIGNATURE_HEADER)
    stamp = _require(_header(headers, TIMESTAMP_HEADER), TIMESTAMP_HEADER)
    signed_at = _timestamp(stamp)
    # Signed exactly as sent: the header's own text (ASCII digits, checked above), a colon, the raw body.
    _check_signature(signature, _key(app_secret), stamp.encode("ascii") + b":" + _raw(body), "sha256",
                     SIGNATURE_HEADER)  # fmt: skip
    age = (time.time() if now is None else now) - signed_at / 1000
    if age > tolerance:
        raise WebhookVerificationError(
            "stale",
            TIMESTAMP_HEADER,
            f"the request is {age:.0f} s old by its {TIMESTAMP_HEADER} (tolerance {tolerance:.0f} s)",
        )
    if -age > tolerance:
        raise WebhookVerificationError(
            "future",
            TIMESTAMP_HEADER,
            f"the request's {TIMESTAMP_HEADER} is {-age:.0f} s ahead (tolerance {tolerance:.0f} s)",
        )
    return True


@dataclass(frozen=True)
class ChallengeReply:
    """The answer to Front's validation request: status, headers and body, for any framework.

    ``challenge`` is the header's bytes read as UTF-8 (an undecodable byte kept as a lone surrogate), so that
    ``body`` gives back exactly the bytes Front sent.
    """

    challenge: str
    status: int = 200

    @property
    def body(self) -> bytes:
        return self.challenge.encode("utf-8", "surrogateescape")

    @property
    def content_type(self) -> str:
        return "text/plain; charset=utf-8"

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]


def challenge_reply(headers: Headers) -> ChallengeReply | None:
    """The reply to a validation request (one carrying ``X-Front-Challenge``), else ``None``.

    Verify the request first (:func:`verify_app_request`); then, if this returns a reply, send it instead
    of handling the request as an event.
    """
    value = _raw_header(headers, CHALLENGE_HEADER)
    if value is None:
        return None
    # Echoed byte for byte: the bytes as received (not Latin-1 text re-encoded as UTF-8), blanks around cut.
    challenge = _wire_bytes(value).strip()
    if not challenge:
        return None
    return ChallengeReply(challenge.decode("utf-8", "surrogateescape"))
