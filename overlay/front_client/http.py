"""The httpx clients the Front clients own: two customisations of ``httpx.Client`` / ``AsyncClient``.

- ``build_request``: a path with a ``.`` / ``..`` or empty segment is refused before httpx resolves it
  away (:class:`~front_client.errors.InvalidPathError`); a JSON body holding files becomes Front's
  multipart/form-data (:mod:`front_client.multipart`).
- ``send``: after the auth flow has run (a refresh after a ``401``, the one re-issue of a redirected
  write), every outcome that is not a readable 2xx becomes the exception family through
  :mod:`front_client.failures`; a client that was closed (or whose parent was) sends nothing
  (:class:`~front_client.errors.ClientClosedError`).

Everything else (auth, retries, the limiter, the network) is httpx's own extension points, assembled by
:mod:`front_client.assembly`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from front_client import multipart
from front_client.errors import ClientClosedError, InvalidPathError
from front_client.failures import (
    ErrorContext,
    amapped_errors,
    error_from_response,
    mapped_errors,
    should_raise,
    unreadable_body_error,
)
from front_client.redaction import redact_url

__all__ = ["AsyncFrontHttpClient", "FrontHttpClient", "Lifetime", "check_path"]


class Lifetime:
    """Whether a client is still open. A ``with_options`` copy has its own, under its parent's: closing the
    copy leaves the parent open; closing the parent closes every copy (they share its connection pool)."""

    __slots__ = ("_closed", "_lock", "owner", "parent")

    def __init__(self, owner: str, parent: Lifetime | None = None) -> None:
        self.owner = owner  # "FrontClient", for the error's message
        self.parent = parent
        self._closed = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._closed or (self.parent is not None and self.parent.closed)

    def close(self) -> bool:
        """Mark closed; ``True`` the first time only (so the pool is closed once)."""
        with self._lock:
            first, self._closed = not self._closed, True
            return first

    def check(self) -> None:
        if self.closed:
            raise ClientClosedError(self.owner)


def check_path(url: httpx.URL | str) -> None:
    """Refuse a URL whose path holds a ``.`` / ``..`` segment (also percent-encoded: servers decode them)
    or an empty segment before its end: it would not reach Front as written. A trailing slash is kept
    (Front has routes ending in one)."""
    path = url.raw_path.decode("ascii").split("?", 1)[0] if isinstance(url, httpx.URL) else urlsplit(url).path
    segments = path.split("/")
    if segments and segments[0] == "":
        segments = segments[1:]  # the leading slash
    for index, segment in enumerate(segments):
        value = unquote(segment)
        if value in (".", "..") or (value == "" and index < len(segments) - 1):
            raise InvalidPathError(redact_url(url) if "://" in str(url) else str(url), value)


def body_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A JSON body holding files becomes multipart ``data`` + ``files`` (and loses its JSON content type)."""
    body = kwargs.get("json")
    if body is None or not isinstance(body, Mapping) or not multipart.contains_files(body):
        return kwargs
    data, files = multipart.form_fields(body)
    headers = httpx.Headers(kwargs.get("headers"))
    headers.pop("content-type", None)
    return {**kwargs, "json": None, "data": data, "files": files, "headers": headers}


class FrontHttpClient(httpx.Client):
    """The sync httpx client of a Front client (see the module's docstring)."""

    def __init__(self, *, context: ErrorContext, lifetime: Lifetime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_context = context
        self.lifetime = lifetime

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        check_path(url)
        return super().build_request(method, url, **body_arguments(kwargs))

    def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        self.lifetime.check()
        with mapped_errors(request, self.error_context.scrubber):
            response = super().send(request, stream=True, **kwargs)
        if stream and not should_raise(response):
            return response
        try:
            response.read()
        except httpx.HTTPError as error:  # corrupt, over max_body_size, cut off
            response.close()
            raise unreadable_body_error(response, error, self.error_context) from error
        if should_raise(response):
            raise error_from_response(response, context=self.error_context)
        return response


class AsyncFrontHttpClient(httpx.AsyncClient):
    """The asyncio twin of :class:`FrontHttpClient`."""

    def __init__(self, *, context: ErrorContext, lifetime: Lifetime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_context = context
        self.lifetime = lifetime

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        check_path(url)
        return super().build_request(method, url, **body_arguments(kwargs))

    async def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        self.lifetime.check()
        async with amapped_errors(request, self.error_context.scrubber):
            response = await super().send(request, stream=True, **kwargs)
        if stream and not should_raise(response):
            return response
        try:
            await response.aread()
        except httpx.HTTPError as error:
            await response.aclose()
            raise unreadable_body_error(response, error, self.error_context) from error
        if should_raise(response):
            raise error_from_response(response, context=self.error_context)
        return response
