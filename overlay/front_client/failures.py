"""The one place where responses and transport failures become the exception family.

Every way a call is made (a generated function, the facade, :meth:`FrontClient.request`, pagination, a
download) goes through the client's httpx client, whose ``send`` (:mod:`front_client.http`) calls these:

- :func:`error_from_response`: a non-2xx answer → :class:`~front_client.errors.FrontStatusError` or the
  subclass its status (and, for a 403, its wording) names;
- :func:`transport_error` / :func:`mapped_errors`: an httpx failure that is not an HTTP answer →
  :class:`~front_client.errors.FrontConnectionError` / :class:`~front_client.errors.FrontTimeoutError`,
  cause chained;
- :func:`malformed_response`: a 2xx body that cannot be read or parsed →
  :class:`~front_client.errors.MalformedResponseError` (the generated code calls the client's
  ``malformed_response_error``, which lands here).

Nothing here holds the request's headers; what the *server* sends back may echo a secret, so every text
goes through the client's :class:`~front_client.redaction.Scrubber`, extended with the bearer token the
request carried (:meth:`~front_client.redaction.Scrubber.for_request`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from front_client.bodies import (
    BODY_KEPT,
    body_text,
    details_of,
    front_error_fields,
    reason_phrase,
    str_or_none,
)
from front_client.credentials import CredentialKind
from front_client.errors import (
    FrontClientError,
    FrontConnectionError,
    FrontStatusError,
    FrontTimeoutError,
    MalformedResponseError,
    PrivateResourceError,
    RateLimitError,
    status_error_class,
)
from front_client.extensions import OPERATION, RETRY_NOTE
from front_client.redaction import NO_SECRETS, Scrubber, redact_url

__all__ = [
    "NO_CONTEXT",
    "ErrorContext",
    "abody_chunks",
    "amapped_errors",
    "body_chunks",
    "error_from_response",
    "malformed_response",
    "mapped_errors",
    "should_raise",
    "transport_error",
    "unreadable_body_error",
]

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
_PRIVATE_RESOURCE_OAUTH = (
    "OAuth tokens can never reach a teammate's individual (private) resources such as individual inboxes, "
    "tags or signatures, whatever the app's settings: use an API token generated in Front "
    "(Settings > Developers > API tokens) with access to them."
)


@dataclass(frozen=True)
class ErrorContext:
    """What a client knows that shapes its errors: its secrets, its kind of credential, its retry cap."""

    scrubber: Scrubber = field(default=NO_SECRETS)
    credential_kind: CredentialKind = "api_token"
    max_retry_after: float | None = None


NO_CONTEXT = ErrorContext()


def should_raise(response: httpx.Response) -> bool:
    """Every status but 2xx. (Redirects re-issued by the auth flow never reach here: the flow has run.)"""
    return not 200 <= response.status_code <= 299


def error_from_response(
    response: httpx.Response,
    scrubber: Scrubber = NO_SECRETS,
    unreadable: Exception | None = None,
    *,
    context: ErrorContext = NO_CONTEXT,
) -> FrontStatusError:
    """Build the error for a non-2xx response whose body has been read (or could not be: ``unreadable``,
    e.g. a corrupt ``Content-Encoding`` or a body over ``max_body_size``; the status is kept).

    Every text taken from the response goes through ``scrubber`` (default: the context's), extended with the
    bearer token the request carried: the client's secrets never show."""
    status = response.status_code
    request = response.request
    scrubber = (scrubber or context.scrubber).for_request(request)
    operation: Mapping[str, Any] = request.extensions.get(OPERATION) or {}
    fields = front_error_fields(response) if unreadable is None else {}
    title = scrubber.text(str_or_none(fields.get("title")) or reason_phrase(status))
    message = scrubber.optional(str_or_none(fields.get("message")))
    if unreadable is not None:
        message = scrubber.text(f"the body could not be read ({type(unreadable).__name__}: {unreadable})")
    details = [scrubber.text(detail) for detail in details_of(fields.get("details"))]
    scopes = tuple(str(s) for s in operation.get("required_scopes") or ())

    cls = status_error_class(status)
    hint: str | None = None
    if status == 403:
        if _PRIVATE_RESOURCE.search(" ".join([message or "", *details])):
            cls = PrivateResourceError
            hint = _PRIVATE_RESOURCE_OAUTH if context.credential_kind == "oauth" else _PRIVATE_RESOURCE_FIX
        elif scopes:
            hint = f"The operation needs the scope(s) {', '.join(scopes)}: check that the token has them"
    elif 300 <= status <= 399:
        location = response.headers.get("location")
        hint = f"Not followed (Location: {_redact_location(location)})" if location else None
    extra = response.extensions.get(RETRY_NOTE)
    if isinstance(extra, str):
        hint = f"{hint}. {extra}" if hint else extra
    hint = scrubber.optional(hint)

    fields_of_error: dict[str, Any] = {
        "status": status,
        "title": title,
        "message": message,
        "details": details,
        "method": request.method,
        "url": scrubber.text(redact_url(request.url)),
        "operation_id": str_or_none(operation.get("operation_id")),
        "required_scopes": scopes,
        "headers": scrubber.headers(response.headers),
        "body": scrubber.text(body_text(response)[:BODY_KEPT]) if unreadable is None else "",
        "hint": hint,
    }
    if issubclass(cls, RateLimitError):
        return cls(max_retry_after=context.max_retry_after, **fields_of_error)
    return cls(**fields_of_error)


def _redact_location(location: str) -> str:
    try:
        return redact_url(location)
    except httpx.InvalidURL:
        return "<invalid URL>"


def transport_error(
    error: httpx.HTTPError, request: httpx.Request | None, scrubber: Scrubber = NO_SECRETS
) -> FrontClientError:
    """The family's error for an httpx failure that is not an HTTP answer (its cause is ``error``)."""
    scrubber = scrubber.for_request(request)
    method = request.method if request is not None else ""
    url = scrubber.text(redact_url(request.url)) if request is not None else ""
    text = scrubber.text(str(error)) or type(error).__name__
    cls = FrontTimeoutError if isinstance(error, httpx.TimeoutException) else FrontConnectionError
    return cls(f"{type(error).__name__}: {text}", method=method, url=url)


def _request_of(error: httpx.HTTPError, fallback: httpx.Request | None) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:  # httpx raises this when the error has no request
        return fallback


@contextmanager
def mapped_errors(request: httpx.Request | None, scrubber: Scrubber = NO_SECRETS) -> Iterator[None]:
    """httpx's transport errors become the family's, cause chained; ours pass unchanged."""
    try:
        yield
    except httpx.HTTPError as error:
        raise transport_error(error, _request_of(error, request), scrubber) from error


@asynccontextmanager
async def amapped_errors(
    request: httpx.Request | None, scrubber: Scrubber = NO_SECRETS
) -> AsyncIterator[None]:
    try:
        yield
    except httpx.HTTPError as error:
        raise transport_error(error, _request_of(error, request), scrubber) from error


def unreadable_body_error(
    response: httpx.Response, error: httpx.HTTPError, context: ErrorContext
) -> FrontClientError:
    """A body that could not be read: for a non-2xx the status's error (status kept), for a corrupt or
    oversized 2xx :class:`MalformedResponseError`, and a dropped connection the transport's error."""
    if should_raise(response):
        return error_from_response(response, unreadable=error, context=context)
    if isinstance(
        error, httpx.DecodingError
    ):  # corrupt encoding, over max_body_size: a success we cannot read
        return malformed_response(response, error, context)
    return transport_error(error, response.request, context.scrubber)


def malformed_response(
    response: httpx.Response, error: Exception, context: ErrorContext
) -> MalformedResponseError:
    """A 2xx body that is not what the spec declares (or could not be decoded)."""
    return MalformedResponseError(response, error, context.scrubber.for_request(response.request))


def body_chunks(response: httpx.Response, context: ErrorContext) -> Iterator[bytes]:
    """A streamed body's chunks; a body that cannot be read raises the family's error."""
    try:
        yield from response.iter_bytes()
    except httpx.HTTPError as error:
        raise unreadable_body_error(response, error, context) from error


async def abody_chunks(response: httpx.Response, context: ErrorContext) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.HTTPError as error:
        raise unreadable_body_error(response, error, context) from error
