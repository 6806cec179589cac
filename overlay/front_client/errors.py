"""Front's ``_error`` body → one exception hierarchy.

Every non-2xx answer becomes a :class:`FrontError` (or a subclass chosen by status), whichever way the call
was made: a generated function, :meth:`FrontClient.paginate`, :meth:`FrontClient.request` or a download.
The error is raised by a response hook of the client's httpx client, before generated code sees the
response (so a status outside :class:`http.HTTPStatus`, e.g. Cloudflare's 520, is a :class:`ServerError`,
not a ``ValueError``).

Nothing here ever holds the request's headers: the token cannot leak through an exception. What the
*server* sends back may still echo it (a 401's message, an HTML title, a ``Location``): every text an error
carries goes through the client's :class:`Scrubber` first.

Failures that are not an HTTP answer join the same family: :class:`FrontConnectionError` (the network) and
:class:`FrontTimeoutError` (a timeout or the client's ``deadline``), with the httpx error as ``__cause__``;
the limiter's errors (``front_client.limiter.errors``) are :class:`FrontClientError` too.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
from front_core_api.errors import InvalidPathParameter, MalformedResponse

from front_client.tiers import load_tier_table, normalize_tier

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ForeignHostError",
    "FrontClientError",
    "FrontConnectionError",
    "FrontError",
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
    "Scrubber",
    "SecretInUrlError",
    "ServerError",
    "UnexpectedRedirectError",
    "UnprocessableEntityError",
    "error_from_response",
    "redact_url",
]

# Query parameters whose values are never shown (a token in a URL is still a token).
_SECRET_QUERY = re.compile(r"token|key|secret|password|passwd|auth|signature|code|session", re.IGNORECASE)
# How Front words a refusal to reach an individual (private) resource.
_PRIVATE_RESOURCE = re.compile(
    r"resources of this teammate"
    r"|is not allowed to (?:read|access|write|update|delete|modify) the (?:\"[^\"]+\"|\w+) with id"
    r"|individual resource"
    r"|private (?:resource|conversation|inbox|channel|tag|contact)",
    re.IGNORECASE,
)
_PRIVATE_RESOURCE_FIX = (
    "This is an individual (private) resource. Its owner must enable Settings > My preferences > "
    '"Allow access to my individual resources via the API" in Front; and only API tokens generated in '
    "Front can reach individual resources (an OAuth client never can)."
)
_BODY_EXCERPT = 300  # characters of a non-JSON body shown in the message
_BODY_KEPT = 4000  # characters of the body kept on the error
# Characters of a non-JSON body looked at for its excerpt: the work is bounded whatever the body's size.
_EXCERPT_SCAN = 16_384
_REDACTED = "<redacted>"


class FrontClientError(Exception):
    """Base class of everything ``front_client`` raises on purpose."""


class Scrubber:
    """Replaces the client's secrets (its token, as sent and percent-encoded) in any text it is given.

    A "secret" shorter than :data:`MIN_SCRUBBED_LENGTH` characters (a placeholder such as ``"t"`` in a test
    or a demo) is left alone: it would be found inside ordinary words and garble every message, and no real
    Front token or app secret is that short."""

    MIN_SCRUBBED_LENGTH = 4

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if len(secret) >= self.MIN_SCRUBBED_LENGTH:
                variants.update({secret, quote(secret, safe=""), quote_plus(secret, safe="")})
        # Longest first: a variant that contains another is replaced whole.
        self._variants = sorted(variants, key=len, reverse=True)

    def __repr__(self) -> str:
        return f"Scrubber(<{len(self._variants)} redacted>)"

    def __bool__(self) -> bool:
        return bool(self._variants)

    def text(self, value: str) -> str:
        for variant in self._variants:
            if variant in value:
                value = value.replace(variant, _REDACTED)
        return value

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def content(self, value: bytes) -> bytes:
        for variant in self._variants:
            raw = variant.encode("utf-8")
            if raw in value:
                value = value.replace(raw, _REDACTED.encode())
        return value

    def headers(self, headers: httpx.Headers) -> httpx.Headers:
        if not self._variants:
            return headers
        return httpx.Headers([(name, self.text(value)) for name, value in headers.multi_items()])

    def contains(self, value: str) -> bool:
        return any(variant in value for variant in self._variants)


NO_SECRETS = Scrubber()


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
        operation: Mapping[str, Any] = request.extensions.get("front_operation") or {}
        self.status = response.status_code
        self.method = request.method
        self.url = scrubber.text(redact_url(request.url))
        self.operation_id = _str_or_none(operation.get("operation_id"))
        self.content_type = scrubber.text(response.headers.get("content-type", ""))
        self.body = scrubber.text(_body_text(response)[:_BODY_KEPT])
        reason = scrubber.text(f"{type(error).__name__}: {error}")
        MalformedResponse.__init__(self, response.status_code, scrubber.content(_content(response)), reason)

    def __str__(self) -> str:
        excerpt = _readable_excerpt(self.body)
        call = " ".join(part for part in (self.method, self.url) if part)
        expected = self.operation_id or "the declared type"
        return (
            f"{self.status} response to {call} could not be read as {expected}"
            f" ({self.reason}); content-type {self.content_type or 'absent'}"
            + (f", body: {excerpt}" if excerpt else ", empty body")
        )


def redact_url(url: httpx.URL | str) -> str:
    """The URL without credentials: no userinfo, and secret-looking query values replaced."""
    url = httpx.URL(url)
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    if url.query:
        params = [
            (name, "REDACTED" if _SECRET_QUERY.search(name) else value)
            for name, value in url.params.multi_items()
        ]
        url = url.copy_with(params=params)
    return str(url)


class FrontError(FrontClientError):
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
        text = f"{self.status} {self.title or _reason(self.status)}"
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


class BadRequestError(FrontError):
    """400: Front rejected the request's shape."""


class AuthenticationError(FrontError):
    """401: the token is missing, malformed, expired or revoked."""


class PermissionDeniedError(FrontError):
    """403: the token may not do this (a missing scope, usually; the message names it when known)."""


class PrivateResourceError(PermissionDeniedError):
    """403 on an individual (private) resource; the message says how to allow it."""


class NotFoundError(FrontError):
    """404."""


class ConflictError(FrontError):
    """409."""


class UnprocessableEntityError(FrontError):
    """422."""


class RateLimitError(FrontError):
    """429 that was not retried (attempts exhausted, or ``Retry-After`` longer than ``max_retry_after``).

    ``retry_after`` (seconds), ``tier`` (``X-Front-Tier``, burst-limited routes only) and
    ``limit`` / ``remaining`` / ``reset`` (``X-RateLimit-*``) are read from the headers when present.
    """

    def __init__(self, **kwargs: Any) -> None:
        headers: httpx.Headers = kwargs.get("headers") or httpx.Headers()
        self.retry_after = parse_retry_after(headers.get("retry-after"))
        raw_tier = headers.get("x-front-tier")
        # The table's name for it ("tier-2" -> "2"), as the limiter uses; the raw value if it names none.
        self.tier = normalize_tier(raw_tier, load_tier_table().tiers) or raw_tier
        self.limit = _to_int(headers.get("x-ratelimit-limit"))
        self.remaining = _to_int(headers.get("x-ratelimit-remaining"))
        self.reset = _to_float(headers.get("x-ratelimit-reset"))
        super().__init__(**kwargs)

    def _describe(self) -> str:
        text = super()._describe()
        tier = getattr(self, "tier", None)
        if not tier:
            return text
        rate = load_tier_table().tiers.get(tier)
        named = f"burst tier {tier}" + (f" ({rate.requests} per {rate.per_seconds:g} s)" if rate else "")
        return f"{text} ({named}, counted apart from the global budget)"


class ServerError(FrontError):
    """5xx (including statuses outside :class:`http.HTTPStatus`, such as 520)."""


class UnexpectedRedirectError(FrontError):
    """A 3xx that was not followed (only one re-issue to a merged conversation's new ID is made)."""


_BY_STATUS: Mapping[int, type[FrontError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


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


def error_from_response(
    response: httpx.Response, scrubber: Scrubber = NO_SECRETS, unreadable: Exception | None = None
) -> FrontError:
    """Build the error for a non-2xx response whose body has been read (or could not be: ``unreadable``,
    e.g. a corrupt ``Content-Encoding`` or a body over ``max_body_size``; the status is kept).

    Every text taken from the response goes through ``scrubber`` (the client's token never shows)."""
    status = response.status_code
    request = response.request
    operation: Mapping[str, Any] = request.extensions.get("front_operation") or {}
    fields = _front_error_fields(response) if unreadable is None else {}
    title = scrubber.text(_str_or_none(fields.get("title")) or _reason(status))
    message = scrubber.optional(_str_or_none(fields.get("message")))
    if unreadable is not None:
        message = scrubber.text(f"the body could not be read ({type(unreadable).__name__}: {unreadable})")
    details = [scrubber.text(detail) for detail in _details(fields.get("details"))]
    scopes = tuple(str(s) for s in operation.get("required_scopes") or ())

    cls = _BY_STATUS.get(status) or (ServerError if 500 <= status <= 599 else FrontError)
    if 300 <= status <= 399:
        cls = UnexpectedRedirectError
    hint: str | None = None
    if status == 403:
        if _PRIVATE_RESOURCE.search(" ".join([message or "", *details])):
            cls, hint = PrivateResourceError, _PRIVATE_RESOURCE_FIX
        elif scopes:
            hint = f"The operation needs the scope(s) {', '.join(scopes)}: check that the token has them"
    elif 300 <= status <= 399:
        location = response.headers.get("location")
        hint = f"Not followed (Location: {_redact_location(location)})" if location else None
    extra = response.extensions.get("front_retry")
    if isinstance(extra, str):
        hint = f"{hint}. {extra}" if hint else extra
    hint = scrubber.optional(hint)

    return cls(
        status=status,
        title=title,
        message=message,
        details=details,
        method=request.method,
        url=scrubber.text(redact_url(request.url)),
        operation_id=_str_or_none(operation.get("operation_id")),
        required_scopes=scopes,
        headers=scrubber.headers(response.headers),
        body=scrubber.text(_body_text(response)[:_BODY_KEPT]) if unreadable is None else "",
        hint=hint,
    )


def _redact_location(location: str) -> str:
    try:
        return redact_url(location)
    except httpx.InvalidURL:
        return "<invalid URL>"


def _front_error_fields(response: httpx.Response) -> dict[str, Any]:
    """Front's ``_error`` object, or a message made from whatever the body is."""
    text = _body_text(response)
    try:
        payload = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):  # not JSON; or nested deeper than the parser's recursion limit
        payload = None
    if isinstance(payload, dict):
        error = payload.get("_error")
        if isinstance(error, dict):
            return error
        if isinstance(payload.get("message"), str):
            return payload
    excerpt = _readable_excerpt(text)
    return {"message": excerpt} if excerpt else {}


def _body_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError, LookupError):
        return ""


def _content(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def _readable_excerpt(text: str) -> str:
    """A short line from a non-JSON body: an HTML page's title, else its text without tags.

    Only the first ``_EXCERPT_SCAN`` characters are looked at, and only with ``str.find`` and one
    regex without backtracking: the work is linear in that excerpt, whatever the body holds (repeated
    unclosed ``<title>`` or ``<script>`` tags made the regexes this replaced quadratic in the whole body).
    """
    text = text[:_EXCERPT_SCAN]
    lowered = text.lower()
    title = _between(lowered, "<title", "</title")
    text = _TAG.sub(" ", _without_scripts(text, lowered)) if title is None else text[title[0] : title[1]]
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 1] + "…"


_TAG = re.compile(r"<[^<>]*>")  # a tag: no "<" inside, so no match can restart inside another


def _between(lowered: str, opening: str, closing: str) -> tuple[int, int] | None:
    """Where the text of the first ``<opening ...>...</closing`` element is, or ``None``."""
    start = lowered.find(opening)
    if start < 0:
        return None
    content_start = lowered.find(">", start)
    if content_start < 0:
        return None
    end = lowered.find(closing, content_start)
    return None if end < 0 else (content_start + 1, end)


def _without_scripts(text: str, lowered: str) -> str:
    """``text`` without its ``<script>`` / ``<style>`` elements (an unclosed one runs to the end)."""
    kept: list[str] = []
    position = 0
    # The next opening of each kind, searched again only once passed: every search moves forward.
    following = {name: lowered.find(f"<{name}") for name in ("script", "style")}
    while True:
        for name, at in following.items():
            if 0 <= at < position:
                following[name] = lowered.find(f"<{name}", position)
        present = [(at, name) for name, at in following.items() if at >= 0]
        if not present:
            kept.append(text[position:])
            return " ".join(kept)
        start, name = min(present)
        kept.append(text[position:start])
        end = lowered.find(f"</{name}", start)
        if end < 0:
            return " ".join(kept)
        close_end = lowered.find(">", end)
        position = len(text) if close_end < 0 else close_end + 1


def _details(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]
    return [str(value)]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _to_int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _to_float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
