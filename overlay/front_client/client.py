"""``FrontClient`` / ``AsyncFrontClient``: the generated client with everything the spec cannot say.

Both are subclasses of the generated ``AuthenticatedClient``, so either is the ``client=`` of every
generated function (``FrontClient`` for ``sync`` / ``sync_detailed``, ``AsyncFrontClient`` for
``asyncio`` / ``asyncio_detailed``). Each owns one httpx client, built at construction:

- ``auth``: :class:`~front_client.auth.FrontAuth` (the token only for Front's hosts; the one re-issue of a
  write to a merged conversation's new ID);
- ``transport``: retry → limit → network (:mod:`front_client.transport`, the limiter's
  ``LimitingTransport``, then ``transport=`` or ``httpx.HTTPTransport()``);
- a response hook turning every non-2xx into a :class:`~front_client.errors.FrontError`, before generated
  code sees the response;
- ``build_request`` sending a JSON body that holds files as Front's multipart/form-data
  (:mod:`front_client.multipart`);
- timeouts (connect 10 s, read / write / pool 60 s by default; the generated client has none), an
  overall ``deadline`` per attempt (300 s: headers and body) and a ``max_body_size`` (128 MiB decoded)
  (:mod:`front_client.network`), and ``follow_redirects=False``;
- ``send`` turning every failure that is not an HTTP answer into a
  :class:`~front_client.errors.FrontClientError` (``FrontConnectionError``, ``FrontTimeoutError``, the
  status's error or ``MalformedResponseError`` for a body that cannot be read), cause chained, and refusing
  a path with dot or empty segments (``InvalidPathError``) before sending.

The two classes share every decision (:class:`_FrontClientBase`) and differ only where they wait or do
I/O.
"""

from __future__ import annotations

import dataclasses
import os
import re
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, Self, TypeVar, cast, overload
from urllib.parse import unquote, urlsplit

import attrs
import httpx
from front_core_api import SPEC_DATE
from front_core_api.client import AuthenticatedClient
from front_core_api.resources import NAMESPACES, AsyncResources, Resources

from front_client import multipart
from front_client._version import __version__
from front_client.auth import (
    REFRESHABLE,
    CredentialAuth,
    FrontAuth,
    HostPolicy,
    LiveScrubber,
    redirect_target,
)
from front_client.credentials import BearerCredential
from front_client.downloads import Destination, Sink, Source, download_request
from front_client.errors import (
    NO_SECRETS,
    FrontClientError,
    FrontConnectionError,
    FrontTimeoutError,
    InvalidPathError,
    InvalidTokenError,
    MalformedResponseError,
    MissingTokenError,
    Scrubber,
    error_from_response,
    redact_url,
)
from front_client.limiter import InProcessLimiter
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.network import (
    ACCEPT_ENCODING,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY_SIZE,
    AsyncGuardTransport,
    GuardTransport,
    install_deadline,
)
from front_client.operations import ListOperation, Operation
from front_client.pagination import MAX_EMPTY_PAGES, AsyncPaginator, Paginator, _PagePlan
from front_client.transport import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV",
    "AsyncFrontClient",
    "FrontClient",
]

DEFAULT_BASE_URL = "https://api2.frontapp.com"
TOKEN_ENV = "FRONT_API_TOKEN"
BASE_URL_ENV = "FRONT_API_BASE_URL"  # e.g. an emulator's URL: existing code points elsewhere without changes
# connect 10 s; read, write and pool 60 s (Front's slowest routes, exports and searches, answer within it).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

RequestTimeout = httpx.Timeout | float | None
ProxyOption = str | httpx.URL | httpx.Proxy | None
VerifyOption = ssl.SSLContext | str | bool
# What an Authorization header value can hold: visible ASCII (Front's tokens are JWTs).
_TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]+")
L = TypeVar("L")
T = TypeVar("T")


def _user_agent() -> str:
    # The spec's date says which of Front's published specs the client was generated from.
    return f"front-core-client/{__version__} (Front Core API spec {SPEC_DATE}) httpx/{httpx.__version__}"


def _resolve_token(token: str | None) -> str:
    value = (token if token is not None else os.environ.get(TOKEN_ENV, "")).strip()
    if not value:
        raise MissingTokenError(
            f"No Front API token: pass token=... to the client or set the {TOKEN_ENV} environment variable"
        )
    # Checked here, not by h11 at the first request: its error would quote the header, token included.
    if not _TOKEN_CHARACTERS.fullmatch(value):
        raise InvalidTokenError(
            "The Front API token holds characters an HTTP header cannot carry (a space, a line break or "
            f"another control or non-ASCII character, e.g. from a copy): check token= or {TOKEN_ENV}"
        )
    return value


def resolve_base_url(base_url: str | None) -> str:
    """``base_url`` if given, else ``FRONT_API_BASE_URL`` if set (and not blank), else Front's API."""
    if base_url is not None:
        return base_url
    return os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL


def _network_proxy(base_url: str, proxy: ProxyOption) -> ProxyOption:
    """``proxy`` if given; else the proxy the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY…) names for the
    API's host, as httpx does itself when it builds its own transport (it cannot see ours)."""
    if proxy is not None:
        return proxy
    url = httpx.URL(base_url)
    if url.host and urllib.request.proxy_bypass(url.host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(url.scheme) or proxies.get("all")


def _choose_limiter(limiter: L | bool | None, default: Callable[[], L]) -> L | None:
    """``False``: no limiter; ``None`` (or ``True``): a new default one; else the one given."""
    if limiter is False:
        return None
    if limiter is None or limiter is True:
        return default()
    return limiter


def _should_raise(response: httpx.Response) -> bool:
    """Every status but 2xx, except a redirect the auth flow is about to re-issue."""
    status = response.status_code
    if 200 <= status <= 299:
        return False
    if status == 401 and response.request.extensions.get(REFRESHABLE):
        return False  # the credential refreshes and the auth flow re-sends once
    if 300 <= status <= 399:
        return redirect_target(response.request, response) is None
    return True


def _error_hook(scrubber: Scrubber) -> Callable[[httpx.Response], None]:
    def raise_for_front_error(response: httpx.Response) -> None:
        if _should_raise(response):
            try:
                response.read()
            except httpx.HTTPError as unreadable:  # corrupt, over max_body_size, cut off: status kept
                response.close()
                raise error_from_response(response, scrubber, unreadable) from unreadable
            raise error_from_response(response, scrubber)

    return raise_for_front_error


def _async_error_hook(scrubber: Scrubber) -> Callable[[httpx.Response], Awaitable[None]]:
    async def raise_for_front_error(response: httpx.Response) -> None:
        if _should_raise(response):
            try:
                await response.aread()
            except httpx.HTTPError as unreadable:
                await response.aclose()
                raise error_from_response(response, scrubber, unreadable) from unreadable
            raise error_from_response(response, scrubber)

    return raise_for_front_error


def _body_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A JSON body holding files becomes multipart ``data`` + ``files`` (and loses its JSON content type)."""
    body = kwargs.get("json")
    if body is None or not isinstance(body, Mapping) or not multipart.contains_files(body):
        return kwargs
    data, files = multipart.form_fields(body)
    headers = httpx.Headers(kwargs.get("headers"))
    headers.pop("content-type", None)
    return {**kwargs, "json": None, "data": data, "files": files, "headers": headers}


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


def transport_error(
    error: httpx.HTTPError, request: httpx.Request | None, scrubber: Scrubber
) -> FrontClientError:
    """The family's error for an httpx failure that is not an HTTP answer (its cause is ``error``)."""
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
def mapped_errors(request: httpx.Request | None, scrubber: Scrubber) -> Iterator[None]:
    """httpx's transport errors become the family's, cause chained; ours pass unchanged."""
    try:
        yield
    except httpx.HTTPError as error:
        raise transport_error(error, _request_of(error, request), scrubber) from error


@asynccontextmanager
async def amapped_errors(request: httpx.Request | None, scrubber: Scrubber) -> AsyncIterator[None]:
    try:
        yield
    except httpx.HTTPError as error:
        raise transport_error(error, _request_of(error, request), scrubber) from error


class _HttpxClient(httpx.Client):
    _scrubber: Scrubber = NO_SECRETS

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        check_path(url)
        return super().build_request(method, url, **_body_arguments(kwargs))

    def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        with mapped_errors(request, self._scrubber):
            response = super().send(request, stream=True, **kwargs)
        if stream:
            return response
        try:
            response.read()
        except httpx.DecodingError as error:  # corrupt encoding, over max_body_size: a success we cannot read
            response.close()
            raise MalformedResponseError(response, error, self._scrubber) from error
        except httpx.HTTPError as error:
            response.close()
            raise transport_error(error, request, self._scrubber) from error
        return response


class _AsyncHttpxClient(httpx.AsyncClient):
    _scrubber: Scrubber = NO_SECRETS

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        check_path(url)
        return super().build_request(method, url, **_body_arguments(kwargs))

    async def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        async with amapped_errors(request, self._scrubber):
            response = await super().send(request, stream=True, **kwargs)
        if stream:
            return response
        try:
            await response.aread()
        except httpx.DecodingError as error:
            await response.aclose()
            raise MalformedResponseError(response, error, self._scrubber) from error
        except httpx.HTTPError as error:
            await response.aclose()
            raise transport_error(error, request, self._scrubber) from error
        return response


def _body_chunks(response: httpx.Response, scrubber: Scrubber) -> Iterator[bytes]:
    """A streamed body's chunks; a body that cannot be read raises the family's error."""
    try:
        yield from response.iter_bytes()
    except httpx.DecodingError as error:
        raise MalformedResponseError(response, error, scrubber) from error
    except httpx.HTTPError as error:
        raise transport_error(error, response.request, scrubber) from error


async def _abody_chunks(response: httpx.Response, scrubber: Scrubber) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.DecodingError as error:
        raise MalformedResponseError(response, error, scrubber) from error
    except httpx.HTTPError as error:
        raise transport_error(error, response.request, scrubber) from error


class _ClientIdentity:
    """What every client of ours shares, whichever generated ``AuthenticatedClient`` it extends (Core or
    Channel API): the generated ``with_*`` copies refused."""

    # ``evolve()`` would call our constructor with the generated field names: not supported.
    def with_headers(self, headers: dict[str, str]) -> NoReturn:
        raise NotImplementedError(f"{type(self).__name__}.with_headers: pass headers= to the constructor")

    def with_cookies(self, cookies: dict[str, str]) -> NoReturn:
        raise NotImplementedError(f"{type(self).__name__}.with_cookies is not supported")

    def with_timeout(self, timeout: httpx.Timeout) -> NoReturn:
        raise NotImplementedError(f"{type(self).__name__}.with_timeout: pass timeout= to the constructor")


class _SyncRequests:
    """``request()`` of the sync clients (Core and Channel API): any route through the client's stack."""

    if TYPE_CHECKING:

        def get_httpx_client(self) -> httpx.Client: ...

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        """Any route (e.g. one the spec lacks) through the same auth, limiter, retries and errors.

        ``url`` is a path under ``base_url`` or an absolute URL on an allowed host. Returns the read
        response; raises :class:`~front_client.errors.FrontError` for any non-2xx.
        """
        return self.get_httpx_client().request(
            method,
            url,
            params=params,
            json=json,
            content=content,
            data=data,
            files=files,
            headers=headers,
            timeout=timeout,
        )


class _AsyncRequests:
    """``request()`` of the asyncio clients, awaited."""

    if TYPE_CHECKING:

        def get_async_httpx_client(self) -> httpx.AsyncClient: ...

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        """As :meth:`_SyncRequests.request`, awaited."""
        return await self.get_async_httpx_client().request(
            method,
            url,
            params=params,
            json=json,
            content=content,
            data=data,
            files=files,
            headers=headers,
            timeout=timeout,
        )


class _FrontClientBase(_ClientIdentity, AuthenticatedClient):
    """The configuration both clients share. Not used directly."""

    limiter: object

    def __init__(
        self,
        token: str | None,
        *,
        base_url: str | None,
        timeout: RequestTimeout,
        max_retries: int,
        max_retry_after: float,
        max_total_wait: float,
        headers: Mapping[str, str] | None,
        raise_on_unexpected_status: bool,
        deadline: float | None,
        max_body_size: int | None,
        credential: BearerCredential | None = None,
    ) -> None:
        if credential is not None and token is not None:
            raise ValueError("pass token= or credential=, not both")
        if deadline is not None and not deadline > 0:
            raise ValueError("deadline must be > 0 seconds, or None for no deadline")
        if max_body_size is not None and max_body_size < 1:
            raise ValueError("max_body_size must be >= 1 byte, or None for no limit")
        secret = _resolve_token(token) if credential is None else ""
        base_url = resolve_base_url(base_url)
        # The token lives only in the auth (whose repr hides it): the generated ``token`` field stays empty.
        super().__init__(
            base_url=base_url.rstrip("/"),
            token="",
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            headers={"User-Agent": _user_agent(), "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})},
            follow_redirects=False,
            raise_on_unexpected_status=raise_on_unexpected_status,
        )
        # Stand-in until the client assembly takes credential= itself: a refreshing credential's own auth.
        if credential is None:
            self._scrubber: Scrubber = Scrubber([secret])
            self._auth: FrontAuth = FrontAuth(secret, HostPolicy(self._base_url))
        else:
            self._scrubber = LiveScrubber(credential)
            self._auth = CredentialAuth(credential, HostPolicy(self._base_url))
        self.retry_policy = RetryPolicy(
            max_retries=max_retries, max_retry_after=max_retry_after, max_total_wait=max_total_wait
        )
        self.deadline = deadline
        self.max_body_size = max_body_size

    @property
    def base_url(self) -> str:
        return self._base_url

    def _httpx_arguments(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "auth": self._auth,
            "headers": self._headers,
            "cookies": self._cookies,
            "timeout": self._timeout,
            "follow_redirects": False,
        }

    def __repr__(self) -> str:
        # Also for a client whose __init__ raised half-way (a locals-capturing error reporter calls it).
        policy = getattr(self, "retry_policy", None)
        return (
            f"{type(self).__name__}(base_url={getattr(self, '_base_url', None)!r}, "
            f"limiter={getattr(self, 'limiter', None)!r}, "
            f"max_retries={getattr(policy, 'max_retries', None)})"
        )

    def malformed_response_error(self, response: httpx.Response, error: Exception) -> MalformedResponseError:
        """Called by generated code when a success body cannot be parsed: our error, with context."""
        return MalformedResponseError(response, error, self._scrubber)

    # Two clients are equal only if they are the same client (attrs would compare base_url and friends).
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:  # type: ignore[override]  # attrs made the generated client unhashable
        return id(self)  # by identity, like __eq__: usable as a dict key or in a set

    _owns_http = True  # False on a with_options() copy: the original owns the connection pool

    def with_options(
        self,
        *,
        timeout: RequestTimeout | httpx._client.UseClientDefault = httpx.USE_CLIENT_DEFAULT,
        max_retries: int | None = None,
    ) -> Self:
        """A copy with other defaults for the calls made through it, e.g. a slow export next to quick reads.

        Cheap: it shares this client's connection pool, limiter, auth and hooks (no new connection);
        closing it leaves this client open. ``timeout``: an ``httpx.Timeout`` or seconds;
        ``max_retries``: re-sends per request.
        """
        # attrs' slotted __getstate__ would drop our __dict__: copy both by hand.
        clone = object.__new__(type(self))
        for attribute in attrs.fields(AuthenticatedClient):
            object.__setattr__(clone, attribute.name, getattr(self, attribute.name))
        clone.__dict__.update(
            (k, v)
            for k, v in self.__dict__.items()
            if k not in NAMESPACES  # namespaces: bound to a client
        )
        if not isinstance(timeout, httpx._client.UseClientDefault):
            clone._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if max_retries is not None:
            clone.retry_policy = dataclasses.replace(self.retry_policy, max_retries=max_retries)
        clone._owns_http = False
        clone._install(clone._new_httpx_client(clone.retry_policy))
        return clone

    def _install(self, http: Any) -> None:
        raise NotImplementedError

    def _new_httpx_client(self, policy: RetryPolicy) -> Any:
        raise NotImplementedError


class FrontClient(_SyncRequests, _FrontClientBase, Resources):
    """The synchronous client: ``client=`` of the generated ``sync`` / ``sync_detailed`` functions.

    - ``token``: a Front API token; default: the ``FRONT_API_TOKEN`` environment variable.
    - ``base_url``: default the ``FRONT_API_BASE_URL`` environment variable, else
      ``https://api2.frontapp.com``.
    - ``limiter``: default a new ``InProcessLimiter`` (built with this client's ``clock``, ``sleep`` when
      one is given, ``max_pause=max_retry_after`` and ``max_wait=min(max_retry_after, max_total_wait)``:
      a call that would wait longer than that for an earlier 429's pause, or for the budget, raises
      ``RateLimitError`` at once, unsent); pass a shared one (e.g.
      ``RedisLimiter``, whose own ``max_pause`` applies) to pace several clients; ``False`` to send
      without limiting.
    - ``timeout``: an ``httpx.Timeout`` or seconds (default connect 10 s, read / write / pool 60 s).
    - ``max_retries`` (re-sends per request, default 3), ``max_retry_after`` (the longest ``Retry-After``
      slept through, default 120 s), ``max_total_wait`` (seconds slept per request, default 300 s).
    - ``transport``: the innermost (network) transport, default an ``httpx.HTTPTransport`` with ``proxy``
      (default: the environment's HTTPS_PROXY / ALL_PROXY unless NO_PROXY lists the host) and ``verify``
      (default True; a CA bundle path or an ``ssl.SSLContext`` for a TLS-inspecting proxy).
    - ``deadline``: seconds one attempt may take from sending to the last byte of the body (default 300;
      ``None``: none). httpx's ``timeout`` is per socket operation, which a server dripping bytes never
      trips. Going past it raises ``FrontTimeoutError``; it is not retried.
    - ``max_body_size``: the most bytes a response body may decode to (default 128 MiB; ``None``: no
      limit). A larger one (a gzip bomb) raises ``MalformedResponseError`` for a 2xx, the status's
      ``FrontError`` otherwise, without holding more than that in memory.
    - ``sleep`` / ``clock`` / ``wall_clock``: injectable for tests (retry waits, and the default
      limiter's; ``clock`` is monotonic seconds, ``wall_clock`` UNIX seconds, which an HTTP-date
      ``Retry-After`` or ``X-RateLimit-Reset`` is measured against).

    Everything it raises is a :class:`~front_client.errors.FrontClientError`.
    """

    limiter: SyncLimiter | None

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        limiter: SyncLimiter | bool | None = None,
        timeout: RequestTimeout = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        max_retry_after: float = 120.0,
        max_total_wait: float = 300.0,
        transport: httpx.BaseTransport | None = None,
        proxy: ProxyOption = None,
        verify: VerifyOption = True,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        headers: Mapping[str, str] | None = None,
        raise_on_unexpected_status: bool = False,
        deadline: float | None = DEFAULT_DEADLINE,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        credential: BearerCredential | None = None,
    ) -> None:
        super().__init__(
            token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_total_wait=max_total_wait,
            headers=headers,
            raise_on_unexpected_status=raise_on_unexpected_status,
            deadline=deadline,
            max_body_size=max_body_size,
            credential=credential,
        )
        self.limiter = _choose_limiter(
            limiter,
            lambda: InProcessLimiter(
                clock=clock,
                wall_clock=wall_clock,
                sleep=sleep,
                max_pause=max_retry_after,
                max_wait=min(max_retry_after, max_total_wait),
            ),
        )
        if transport is None:
            transport = install_deadline(
                httpx.HTTPTransport(proxy=_network_proxy(self._base_url, proxy), verify=verify)
            )
        guarded = GuardTransport(transport, deadline=deadline, max_body_size=max_body_size)
        limited = (
            guarded
            if self.limiter is None
            else LimitingTransport(guarded, self.limiter, base_url=self._base_url)
        )
        self._retry_transport: Callable[[RetryPolicy], httpx.BaseTransport] = lambda policy: RetryTransport(
            limited, policy, sleep=sleep or time.sleep, clock=clock, wall_clock=wall_clock
        )
        self.set_httpx_client(self._new_httpx_client(self.retry_policy))

    def _new_httpx_client(self, policy: RetryPolicy) -> httpx.Client:
        http = _HttpxClient(
            transport=self._retry_transport(policy),
            event_hooks={"response": [_error_hook(self._scrubber)]},
            **self._httpx_arguments(),
        )
        http._scrubber = self._scrubber
        return http

    def get_async_httpx_client(self) -> NoReturn:
        raise TypeError(
            "FrontClient is synchronous: call the generated sync / sync_detailed functions with it, "
            "or use AsyncFrontClient for asyncio / asyncio_detailed"
        )

    def _install(self, http: Any) -> None:
        self._client = http

    def close(self) -> None:
        if self._owns_http:
            self.get_httpx_client().close()

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        if self._owns_http:
            super().__exit__(*args, **kwargs)

    @overload
    def paginate(
        self,
        operation: ListOperation[T],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[T]: ...
    @overload
    def paginate(
        self,
        operation: Operation,
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[Any]: ...
    def paginate(
        self,
        operation: Operation | ListOperation[Any],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[Any]:
        """Items across pages of a list operation (a generated module or one of its functions).

        ``max_items`` / ``max_pages`` stop after that many items / pages; ``max_empty_pages`` empty pages in
        a row that still link onwards raise ``PaginationError`` (a server making no progress).
        """
        plan = _PagePlan(
            self, cast(Operation, operation), arguments, limit, max_items, max_pages, max_empty_pages
        )
        return Paginator(self.get_httpx_client(), plan)

    def download(self, source: Source, destination: Destination, /, **arguments: Any) -> int:
        """Stream a file to ``destination`` (a path or a binary file); returns the bytes written.

        ``source`` is a URL (e.g. an attachment's ``url``) or a download operation with its arguments.
        """
        sink = Sink(destination)
        ok = False
        try:
            with self.get_httpx_client().stream(**download_request(source, arguments)) as response:
                for chunk in _body_chunks(response, self._scrubber):
                    sink.write(chunk)
            ok = True
        finally:
            sink.finish(ok)
        return sink.written


class AsyncFrontClient(_AsyncRequests, _FrontClientBase, AsyncResources):
    """The asyncio client: ``client=`` of the generated ``asyncio`` / ``asyncio_detailed`` functions.

    Same arguments as :class:`FrontClient`; ``transport`` is an ``httpx.AsyncBaseTransport`` and ``sleep``
    an ``async`` function.
    """

    limiter: AsyncLimiter | None

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        limiter: AsyncLimiter | bool | None = None,
        timeout: RequestTimeout = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        max_retry_after: float = 120.0,
        max_total_wait: float = 300.0,
        transport: httpx.AsyncBaseTransport | None = None,
        proxy: ProxyOption = None,
        verify: VerifyOption = True,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        headers: Mapping[str, str] | None = None,
        raise_on_unexpected_status: bool = False,
        deadline: float | None = DEFAULT_DEADLINE,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        credential: BearerCredential | None = None,
    ) -> None:
        super().__init__(
            token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_total_wait=max_total_wait,
            headers=headers,
            raise_on_unexpected_status=raise_on_unexpected_status,
            deadline=deadline,
            max_body_size=max_body_size,
            credential=credential,
        )
        self.limiter = _choose_limiter(
            limiter,
            lambda: InProcessLimiter(
                clock=clock,
                wall_clock=wall_clock,
                async_sleep=sleep,
                max_pause=max_retry_after,
                max_wait=min(max_retry_after, max_total_wait),
            ),
        )
        if transport is None:
            transport = httpx.AsyncHTTPTransport(proxy=_network_proxy(self._base_url, proxy), verify=verify)
        guarded = AsyncGuardTransport(transport, deadline=deadline, max_body_size=max_body_size)
        limited = (
            guarded
            if self.limiter is None
            else AsyncLimitingTransport(guarded, self.limiter, base_url=self._base_url)
        )
        self._retry_transport: Callable[[RetryPolicy], httpx.AsyncBaseTransport] = lambda policy: (
            AsyncRetryTransport(limited, policy, sleep=sleep, clock=clock, wall_clock=wall_clock)
        )
        self.set_async_httpx_client(self._new_httpx_client(self.retry_policy))

    def _new_httpx_client(self, policy: RetryPolicy) -> httpx.AsyncClient:
        http = _AsyncHttpxClient(
            transport=self._retry_transport(policy),
            event_hooks={"response": [_async_error_hook(self._scrubber)]},
            **self._httpx_arguments(),
        )
        http._scrubber = self._scrubber
        return http

    def get_httpx_client(self) -> NoReturn:
        raise TypeError(
            "AsyncFrontClient is for asyncio: await the generated asyncio / asyncio_detailed functions "
            "with it, or use FrontClient for sync / sync_detailed"
        )

    def _install(self, http: Any) -> None:
        self._async_client = http

    async def aclose(self) -> None:
        if self._owns_http:
            await self.get_async_httpx_client().aclose()

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        if self._owns_http:
            await super().__aexit__(*args, **kwargs)

    @overload
    def paginate(
        self,
        operation: ListOperation[T],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[T]: ...
    @overload
    def paginate(
        self,
        operation: Operation,
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[Any]: ...
    def paginate(
        self,
        operation: Operation | ListOperation[Any],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[Any]:
        """As :meth:`FrontClient.paginate`; iterate with ``async for``."""
        plan = _PagePlan(
            self, cast(Operation, operation), arguments, limit, max_items, max_pages, max_empty_pages
        )
        return AsyncPaginator(self.get_async_httpx_client(), plan)

    async def download(self, source: Source, destination: Destination, /, **arguments: Any) -> int:
        """As :meth:`FrontClient.download`, awaited (file writes are small, blocking writes)."""
        sink = Sink(destination)
        ok = False
        try:
            async with self.get_async_httpx_client().stream(
                **download_request(source, arguments)
            ) as response:
                async for chunk in _abody_chunks(response, self._scrubber):
                    sink.write(chunk)
            ok = True
        finally:
            sink.finish(ok)
        return sink.written
