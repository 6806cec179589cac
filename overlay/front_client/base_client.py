"""What every client of ours is made of, whichever API (Core, Channel) and way of waiting (sync, async).

- :class:`ClientBase`: the options, the parts a ``with_options`` copy shares, the generated functions'
  protocol (``raise_on_unexpected_status``, ``malformed_response_error``), ``with_options``;
- :class:`SyncClient` / :class:`AsyncClient`: the httpx client, ``request()``, closing;
- :func:`resolve_credential`, :func:`options_from`: the constructors' keywords, checked once.

The clients themselves (:mod:`front_client.client`, :mod:`front_client.channel`) add their API's generated
namespaces and their auth layer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Self, TypeVar, Unpack, cast

import httpx
from front_core_api import SPEC_DATE

from front_client._version import __version__
from front_client.assembly import (
    SharedParts,
    choose_limiter,
    network_transport,
)
from front_client.auth import FrontAuth, HostPolicy
from front_client.credentials import BearerCredential, StaticToken
from front_client.errors import InvalidTokenError, MalformedResponseError, MissingTokenError
from front_client.failures import ErrorContext, malformed_response
from front_client.http import AsyncFrontHttpClient, FrontHttpClient, Lifetime
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.options import ClientOptions, PerCallKeywords, options_from
from front_client.redaction import Scrubber

__all__ = [
    "TOKEN_ENV",
    "AsyncClient",
    "ClientBase",
    "SyncClient",
    "resolve_credential",
    "user_agent",
]

TOKEN_ENV = "FRONT_API_TOKEN"
# What an Authorization header value can hold: visible ASCII (Front's tokens are JWTs).
_TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]+")
T = TypeVar("T")


def user_agent(api: str = "Core", spec_date: str = SPEC_DATE) -> str:
    # The spec's date says which of Front's published specs the client was generated from.
    return f"front-core-client/{__version__} (Front {api} API spec {spec_date}) httpx/{httpx.__version__}"


def resolve_credential(token: str | None, credential: BearerCredential | None) -> BearerCredential:
    """``credential`` if given; else ``token``, else ``FRONT_API_TOKEN``, checked."""
    if credential is not None:
        if token is not None:
            raise TypeError("pass token= or credential=, not both")
        return credential
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
    return StaticToken(value)


class ClientBase:
    """What every client of ours is, whichever API and way of waiting: options, credential, the parts it
    shares with its ``with_options`` copies, and the generated code's protocol. Not used directly."""

    _kind = "client"
    _options: ClientOptions
    _parts: SharedParts

    @property
    def options(self) -> ClientOptions:
        """This client's options (frozen): ``with_options`` makes a copy with some replaced."""
        return self._options

    @property
    def base_url(self) -> str:
        return self._options.resolved_base_url

    @property
    def raise_on_unexpected_status(self) -> bool:
        """Read by the generated functions: raise on a status the spec does not declare."""
        return self._options.raise_on_unexpected_status

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    @property
    def closed(self) -> bool:
        return self._parts.lifetime.closed

    def malformed_response_error(self, response: httpx.Response, error: Exception) -> MalformedResponseError:
        """Called by generated code when a success body cannot be parsed: our error, with context."""
        return malformed_response(response, error, self._parts.context)

    def __repr__(self) -> str:
        # Also for a client whose __init__ raised half-way (a locals-capturing error reporter calls it).
        options = getattr(self, "_options", None)
        parts = getattr(self, "_parts", None)
        return (
            f"{type(self).__name__}(base_url={options.resolved_base_url if options else None!r}, "
            f"limiter={parts.limiter if parts else None!r}, "
            f"max_retries={options.max_retries if options else None})"
        )

    def _copy_with(self, options: ClientOptions) -> Self:
        """The same client with ``options``: shares pool, limiter, auth and secrets; its own lifetime."""
        for name in ("base_url", "proxy", "verify", "clock"):
            if getattr(options, name) != getattr(self._options, name):
                raise ValueError(
                    f"with_options cannot change {name}: the copy shares this client's connection pool and "
                    "limiter. Make a new client for that."
                )
        parts = SharedParts(
            network=self._parts.network,
            limiter=self._parts.limiter,
            auth=self._parts.auth,
            context=ErrorContext(
                scrubber=self._parts.context.scrubber,
                credential_kind=self._parts.context.credential_kind,
                max_retry_after=options.max_retry_after,
            ),
            lifetime=Lifetime(self._kind, parent=self._parts.lifetime),
            user_agent=self._parts.user_agent,
        )
        clone = object.__new__(type(self))
        clone._adopt(self, options, parts)
        return clone

    def _adopt(self, original: Self, options: ClientOptions, parts: SharedParts) -> None:
        raise NotImplementedError

    def with_options(self, **changes: Unpack[PerCallKeywords]) -> Self:
        """A copy with other options for the calls made through it, e.g. a slow export next to quick reads
        (``timeout``, ``max_retries``, ``max_retry_after``, ``max_total_wait``, ``deadline``,
        ``max_body_size``, ``headers``, ``raise_on_unexpected_status``).

        Cheap: it shares this client's connection pool, limiter, auth and secrets (no new connection).
        Closing the copy leaves this client open; closing this client closes the copy too (its calls then
        raise ``ClientClosedError``). ``headers`` replace this client's extra headers.
        """
        return self._copy_with(options_from(self._options, **changes))

    # Two clients are equal only if they are the same client.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def _parts(
    credential: BearerCredential,
    options: ClientOptions,
    limiter: object,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    *,
    kind: str,
    asynchronous: bool,
    user_agent: str,
    auth: httpx.Auth | None = None,
    scrubber: Scrubber | None = None,
) -> SharedParts:
    base_url = options.resolved_base_url
    return SharedParts(
        network=transport if transport is not None else network_transport(options, asynchronous),  # type: ignore[call-overload]
        limiter=choose_limiter(limiter, options, asynchronous),
        auth=auth if auth is not None else FrontAuth(credential, HostPolicy(base_url)),
        context=ErrorContext(
            scrubber=scrubber if scrubber is not None else Scrubber(sources=[credential.secrets]),
            credential_kind=credential.kind,
            max_retry_after=options.max_retry_after,
        ),
        lifetime=Lifetime(kind),
        user_agent=user_agent,
    )


class SyncClient(ClientBase):
    """What the sync clients (Core and Channel API) share: the httpx client, ``request()``, closing."""

    _http: FrontHttpClient
    _owns_pool: bool

    @property
    def limiter(self) -> SyncLimiter:
        """This client's limiter (``limiter=False``: one that never waits but still counts)."""
        return cast(SyncLimiter, self._parts.limiter)

    def get_httpx_client(self) -> httpx.Client:
        """The httpx client every call goes through (the generated functions call it)."""
        return self._http

    def close(self) -> None:
        """Close the connection pool (a ``with_options`` copy only stops itself being used)."""
        if self._parts.lifetime.close() and self._owns_pool:
            self._http.close()

    def __enter__(self) -> Self:
        self._parts.lifetime.check()
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

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
        response; raises :class:`~front_client.errors.FrontStatusError` for any non-2xx.
        """
        return self._http.request(
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


class AsyncClient(ClientBase):
    """What the asyncio clients (Core and Channel API) share, awaited."""

    _http: AsyncFrontHttpClient
    _owns_pool: bool

    @property
    def limiter(self) -> AsyncLimiter:
        """This client's limiter (``limiter=False``: one that never waits but still counts)."""
        return cast(AsyncLimiter, self._parts.limiter)

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx client every call goes through (the generated functions call it)."""
        return self._http

    async def aclose(self) -> None:
        """Close the connection pool (a ``with_options`` copy only stops itself being used)."""
        if self._parts.lifetime.close() and self._owns_pool:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        self._parts.lifetime.check()
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()

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
        """As :meth:`FrontClient.request`, awaited."""
        return await self._http.request(
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
