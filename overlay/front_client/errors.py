"""The exception family: everything ``front_client`` raises on purpose is a :class:`FrontClientError`.

- :class:`FrontStatusError` (and a subclass chosen by status): Front answered a status that is not 2xx;
- :class:`FrontConnectionError` / :class:`FrontTimeoutError`: there is no HTTP answer;
- :class:`MalformedResponseError`: a 2xx whose body cannot be what the spec declares;
- refusals made before anything is sent (:class:`ForeignHostError`, :class:`SecretInUrlError`,
  :class:`InvalidPathError`, :class:`ClientClosedError`, missing or unusable credentials);
- the limiter's errors (``front_client.limiter.errors``).

The classes only hold what they are given; :mod:`front_client.failures` is the one place that turns
responses and transport failures into them, with every text scrubbed of the client's secrets first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from front_core_api.errors import InvalidPathParameter, MalformedResponse

from front_client.bodies import (
    BODY_KEPT,
    body_text,
    content_of,
    readable_excerpt,
    reason_phrase,
    str_or_none,
    to_float,
    to_int,
)
from front_client.extensions import OPERATION
from front_client.redaction import NO_SECRETS, Scrubber, redact_url
from front_client.tiers import load_tier_table, normalize_tier

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "ForeignHostError",
    "FrontClientError",
    "FrontConnectionError",
    "FrontStatusError",
    "FrontTimeoutError",
    "InvalidPathError",
    "InvalidTokenError",
    "MalformedResponseError",
    "MissingTokenError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "PrivateResourceError",
    "RateLimitError",
    "SecretInUrlError",
    "ServerError",
    "UnexpectedRedirectError",
    "UnprocessableEntityError",
    "parse_retry_after",
    "status_error_class",
]


class FrontClientError(Exception):
    """Base class of everything ``front_client`` raises on purpose."""


class MissingTokenError(FrontClientError, ValueError):
    """No API token: neither ``token=`` nor the ``FRONT_API_TOKEN`` environment variable."""


class InvalidTokenError(FrontClientError, ValueError):
    """The API token cannot be sent in a header (whitespace or control characters inside it)."""


class ForeignHostError(FrontClientError):
    """A request (e.g. a ``_pagination.next`` link or a redirect) named a host that is not Front's.

    It is not sent at all: the token only ever goes to the configured ``base_url`` and to
    ``https://*.frontapp.com``.
    """

    def __init__(self, url: httpx.URL, allowed: str) -> None:
        self.url = redact_url(url)
        super().__init__(
            f"refusing to send a request to {self.url}: its host is not Front's. "
            f"The API token is only sent to {allowed}."
        )


class SecretInUrlError(FrontClientError):
    """A request URL (e.g. a ``_pagination.next`` link or a redirect's ``Location``) holds the API token.

    It is not sent: a token in a URL ends up in access logs, proxies and httpx's own log line.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"refusing to send a request whose URL holds the API token: {url}. The token is only ever "
            "sent in the Authorization header."
        )


class InvalidPathError(FrontClientError, InvalidPathParameter):
    """A request path that would not reach Front as written: a ``.`` or ``..`` segment (httpx, proxies and
    servers remove them, so the request would address another route), or an empty segment inside the path.
    Not sent. The generated functions raise ``front_core_api.errors.InvalidPathParameter`` (which this is a
    subclass of) for such an ID."""

    def __init__(self, url: str, segment: str) -> None:
        self.url = url
        self.segment = segment
        self.name, self.value = "path", segment  # InvalidPathParameter's fields: no parameter name here
        what = "an empty segment" if segment == "" else f"the dot segment {segment!r}"
        ValueError.__init__(
            self,
            f"refusing to send a request to {url}: its path holds {what}, which would not reach Front as "
            "one segment (it would address another route). Check the IDs in the path.",
        )


class PaginationError(FrontClientError):
    """Pagination was stopped because the server's ``next`` links do not make progress (a run of empty
    pages); the items of the pages before were yielded."""


class ClientClosedError(FrontClientError, RuntimeError):
    """The client (or the client a ``with_options`` copy was made from) was closed: nothing was sent.
    Make a new client, or keep it open for as long as it is used (``with FrontClient() as front:``)."""

    def __init__(self, client: str) -> None:
        super().__init__(
            f"this {client} was closed (or the client it was copied from with with_options was): "
            "nothing was sent. Make a new client, or close it only once it is no longer used."
        )


class FrontConnectionError(FrontClientError):
    """The request failed on the network (no connection, a connection dropped mid-answer, a protocol
    error, a proxy failure): there is no HTTP answer. ``method`` and ``url`` (redacted) name the call; the
    httpx error is ``__cause__``. A write may or may not have reached Front (it was not re-sent)."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.method = method
        self.url = url
        where = " ".join(part for part in (method, url) if part)
        super().__init__(f"{message} [{where}]" if where else message)


class FrontTimeoutError(FrontConnectionError, TimeoutError):
    """A timeout: connecting, waiting for a read or a write (``timeout=``), or the whole answer taking
    longer than the client's ``deadline``."""


class MalformedResponseError(FrontClientError, MalformedResponse):
    """Front answered a success whose body cannot be what the spec declares: not JSON (e.g. a proxy's
    HTML page), or not even the declared kind of JSON value (a list where an object is due).

    Drift inside an object never raises (models keep what they cannot parse); this is the case where
    there is nothing to keep. ``status``, ``method``, ``url`` (redacted), ``operation_id``,
    ``content_type`` and ``body`` (an excerpt) say what came back for which call; ``reason`` why it
    could not be read.
    """

    def __init__(self, response: httpx.Response, error: Exception, scrubber: Scrubber = NO_SECRETS) -> None:
        request = response.request
        operation: Mapping[str, Any] = request.extensions.get(OPERATION) or {}
        self.status = response.status_code
        self.method = request.method
        self.url = scrubber.text(redact_url(request.url))
        self.operation_id = str_or_none(operation.get("operation_id"))
        self.content_type = scrubber.text(response.headers.get("content-type", ""))
        self.body = scrubber.text(body_text(response)[:BODY_KEPT])
        reason = scrubber.text(f"{type(error).__name__}: {error}")
        MalformedResponse.__init__(self, response.status_code, scrubber.content(content_of(response)), reason)

    def __str__(self) -> str:
        excerpt = readable_excerpt(self.body)
        call = " ".join(part for part in (self.method, self.url) if part)
        expected = self.operation_id or "the declared type"
        return (
            f"{self.status} response to {call} could not be read as {expected}"
            f" ({self.reason}); content-type {self.content_type or 'absent'}"
            + (f", body: {excerpt}" if excerpt else ", empty body")
        )


class FrontStatusError(FrontClientError):
    """Front answered a status that is not 2xx.

    ``status``, ``title``, ``message`` and ``details`` come from Front's ``{"_error": {...}}`` body when it
    has one (each may be absent); otherwise ``title`` is the HTTP reason and ``message`` an excerpt of the
    body. ``method``, ``url`` (redacted), ``operation_id`` and ``required_scopes`` say which call it was.
    ``headers`` are the response's headers.
    """

    def __init__(
        self,
        *,
        status: int,
        title: str | None = None,
        message: str | None = None,
        details: list[str] | None = None,
        method: str = "",
        url: str = "",
        operation_id: str | None = None,
        required_scopes: tuple[str, ...] = (),
        headers: httpx.Headers | None = None,
        body: str = "",
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.message = message
        self.details = details or []
        self.method = method
        self.url = url
        self.operation_id = operation_id
        self.required_scopes = required_scopes
        self.headers = headers if headers is not None else httpx.Headers()
        self.body = body
        self.hint = hint
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.status} {self.title or reason_phrase(self.status)}"
        if self.message:
            text += f": {self.message}"
        if self.details:
            text += " (" + "; ".join(self.details) + ")"
        where = " ".join(part for part in (self.method, self.url) if part)
        if where:
            text += f" [{where}]"
        if self.hint:
            text += f". {self.hint}"
        return text


class BadRequestError(FrontStatusError):
    """400: Front rejected the request's shape."""


class AuthenticationError(FrontStatusError):
    """401: the token is missing, malformed, expired or revoked."""


class PermissionDeniedError(FrontStatusError):
    """403: the token may not do this (a missing scope, usually; the message names it when known)."""


class PrivateResourceError(PermissionDeniedError):
    """403 on an individual (private) resource; the message says how to allow it."""


class NotFoundError(FrontStatusError):
    """404."""


class ConflictError(FrontStatusError):
    """409."""


class UnprocessableEntityError(FrontStatusError):
    """422."""


class RateLimitError(FrontStatusError):
    """429 that was not retried (attempts exhausted, or ``Retry-After`` longer than ``max_retry_after``).

    ``retry_after`` is the pause the client honours before its next call (the server's ``Retry-After``,
    capped at the client's ``max_retry_after``: a server asking for 31 years does not get them), so
    ``time.sleep(error.retry_after)`` is safe; ``server_retry_after`` is what the server sent. ``tier``
    (``X-Front-Tier``, burst-limited routes only) and ``limit`` / ``remaining`` / ``reset``
    (``X-RateLimit-*``) are read from the headers when present.
    """

    def __init__(self, *, max_retry_after: float | None = None, **kwargs: Any) -> None:
        headers: httpx.Headers = kwargs.get("headers") or httpx.Headers()
        self.server_retry_after = parse_retry_after(headers.get("retry-after"))
        self.retry_after = (
            min(self.server_retry_after, max_retry_after)
            if self.server_retry_after is not None and max_retry_after is not None
            else self.server_retry_after
        )
        raw_tier = headers.get("x-front-tier")
        # The table's name for it ("tier-2" -> "2"), as the limiter uses; the raw value if it names none.
        self.tier = normalize_tier(raw_tier, load_tier_table().tiers) or raw_tier
        self.limit = to_int(headers.get("x-ratelimit-limit"))
        self.remaining = to_int(headers.get("x-ratelimit-remaining"))
        self.reset = to_float(headers.get("x-ratelimit-reset"))
        super().__init__(**kwargs)

    def _describe(self) -> str:
        text = super()._describe()
        tier = getattr(self, "tier", None)
        if not tier:
            return text
        rate = load_tier_table().tiers.get(tier)
        named = f"burst tier {tier}" + (f" ({rate.requests} per {rate.per_seconds:g} s)" if rate else "")
        return f"{text} ({named}, counted apart from the global budget)"


class ServerError(FrontStatusError):
    """5xx (including statuses outside :class:`http.HTTPStatus`, such as 520)."""


class UnexpectedRedirectError(FrontStatusError):
    """A 3xx that was not followed (only one re-issue to a merged conversation's new ID is made)."""


_BY_STATUS: Mapping[int, type[FrontStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[FrontStatusError]:
    """The class of the error for ``status`` (before a 403's wording may make it a private resource's)."""
    if 300 <= status <= 399:
        return UnexpectedRedirectError
    return _BY_STATUS.get(status) or (ServerError if 500 <= status <= 599 else FrontStatusError)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: a number (Front sends one, maybe fractional) or an HTTP date
    (RFC 9110: IMF-fixdate, RFC 850 or asctime), taken relative to ``now`` (UNIX seconds; default
    ``time.time()``). Negative values and dates in the past give 0; ``None`` if absent or unreadable.

    The one parser of ``Retry-After``: the retry layer, :class:`RateLimitError` and the limiter
    (``front_client.limiter.core.parse_rate_headers``, with its injectable wall clock) all read it here, so
    they agree on how long a 429 asks to wait.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, says RFC 5322
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(seconds, 0.0) if math.isfinite(seconds) else None
