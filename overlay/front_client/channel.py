"""``FrontChannelClient`` / ``AsyncFrontChannelClient``: Front's Channel API with the Core client's stack.

Built exactly as the Core clients (:mod:`front_client.assembly`, from the same
:class:`~front_client.options.ClientOptions`, ``FRONT_API_BASE_URL`` included); either is the ``client=`` of
every generated Channel API function, and the generated namespaces are on them too
(``channel.messages.sync_inbound(channel.channel_id, ...)``, awaited on the async client). They differ only
in their auth layer and generated package. The stack, in the order a request meets it:

- ``auth``: :class:`~front_client.channel_auth.ChannelAuth` (only the configured host and Front's own);
- retry → limit (the same :class:`~front_client.transport.RetryPolicy`, limiter and tier table:
  ``POST /channels/{id}/inbound_messages`` and ``outbound_messages`` are Tier 2) → **sign** (a new JWT per
  attempt: :class:`~front_client.channel_auth.ChannelSigningTransport`) → network;
- the same error mapping (every non-2xx is a :class:`~front_client.errors.FrontStatusError`), multipart
  bodies, timeouts and ``follow_redirects=False``.

Whether Front counts Channel API calls against the company's global budget of the Core API is not
documented. Each client gets its own limiter by default, which applies the global budget *and* the tiers
and follows ``X-RateLimit-Remaining`` (so Core calls spending the same budget are seen); pass the Core
client's limiter (``limiter=core.limiter``, or one ``RedisLimiter`` to both) to pace both from one budget.
"""

from __future__ import annotations

from typing import Literal, Self, Unpack

import httpx
from front_channel_api import SPEC_DATE as CHANNEL_SPEC_DATE
from front_channel_api.resources import AsyncResources, Resources

from front_client.assembly import SharedParts, build_async_http_client, build_http_client
from front_client.auth import HostPolicy
from front_client.base_client import (
    AsyncClient,
    ClientBase,
    SyncClient,
    _parts,
    user_agent,
)
from front_client.channel_auth import (
    DEFAULT_JWT_LIFETIME,
    AsyncChannelSigningTransport,
    ChannelAuth,
    ChannelCredentials,
    ChannelSigningTransport,
)
from front_client.credentials import StaticToken
from front_client.http import AsyncFrontHttpClient, FrontHttpClient
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.options import ClientOptions, OptionKeywords, options_from

__all__ = ["AsyncFrontChannelClient", "FrontChannelClient"]


class _ChannelClient(ClientBase):
    """What both Channel API clients add to :class:`~front_client.client.ClientBase`: the credentials."""

    _credentials: ChannelCredentials

    @property
    def channel_id(self) -> str:
        """The channel every JWT names (``sub``); the ``channel_id`` argument of the generated functions."""
        return self._credentials.channel_id

    @property
    def app_uid(self) -> str:
        return self._credentials.app_uid

    @property
    def jwt_lifetime(self) -> float:
        return self._credentials.jwt_lifetime

    def __repr__(self) -> str:
        options = getattr(self, "_options", None)
        parts = getattr(self, "_parts", None)
        credentials = getattr(self, "_credentials", None)
        return (
            f"{type(self).__name__}(channel_id={getattr(credentials, 'channel_id', None)!r}, "
            f"app_uid={getattr(credentials, 'app_uid', None)!r}, "
            f"base_url={options.resolved_base_url if options else None!r}, "
            f"limiter={parts.limiter if parts else None!r}, "
            f"max_retries={options.max_retries if options else None})"
        )

    def _setup(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None,
        app_secret: str | None,
        jwt_lifetime: float,
        options: ClientOptions,
        limiter: object,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
        asynchronous: bool,
    ) -> None:
        self._options = options
        self._credentials = ChannelCredentials(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            wall_clock=options.clock.wall,
        )
        self._parts = _parts(
            StaticToken(""),
            options,
            limiter,
            transport,
            kind=self._kind,
            asynchronous=asynchronous,
            user_agent=user_agent("Channel", CHANNEL_SPEC_DATE),
            auth=ChannelAuth(HostPolicy(options.resolved_base_url)),
            scrubber=self._credentials.scrubber(),
        )

    @property
    def _policy(self) -> HostPolicy:
        return HostPolicy(self._options.resolved_base_url)


class FrontChannelClient(_ChannelClient, SyncClient, Resources):
    """The synchronous Channel API client: ``client=`` of the generated ``front_channel_api`` functions.

    - ``channel_id``: the channel (``cha_...``) the JWTs are signed for (their ``sub``).
    - ``app_uid``: the app's UID (``iss``); default the ``FRONT_APP_UID`` environment variable.
    - ``app_secret``: the app's secret, which signs the JWTs; default the ``FRONT_APP_SECRET`` environment
      variable. Kept out of every repr, log line and exception, as is every JWT made from it.
    - ``jwt_lifetime``: seconds each JWT is valid (its ``exp``), default 10. Every attempt gets a new one.
    - ``limiter``: default a new ``InProcessLimiter`` of its own (global budget and tiers); pass the Core
      client's (``limiter=core.limiter``) or a ``RedisLimiter`` to share one budget; ``False``: none.
    - every other argument as :class:`~front_client.FrontClient` (``base_url`` with ``FRONT_API_BASE_URL``,
      ``timeout``, ``max_retries``, ``max_retry_after``, ``max_total_wait``, ``transport``, ``proxy``,
      ``verify``, ``headers``, ``raise_on_unexpected_status``, ``deadline``, ``max_body_size``, ``options``;
      the options' clock also dates the JWTs).
    """

    _kind = "FrontChannelClient"
    _http: FrontHttpClient

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None = None,
        app_secret: str | None = None,
        jwt_lifetime: float = DEFAULT_JWT_LIFETIME,
        limiter: SyncLimiter | Literal[False] | None = None,
        transport: httpx.BaseTransport | None = None,
        options: ClientOptions | None = None,
        **keywords: Unpack[OptionKeywords],
    ) -> None:
        self._setup(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            options=options_from(options, **keywords),
            limiter=limiter,
            transport=transport,
            asynchronous=False,
        )
        self._http = self._build()
        self._owns_pool = True

    def _build(self) -> FrontHttpClient:
        credentials, policy = self._credentials, self._policy
        return build_http_client(
            self._options, self._parts, lambda inner: ChannelSigningTransport(inner, credentials, policy)
        )

    def _adopt(self, original: Self, options: ClientOptions, parts: SharedParts) -> None:
        self._options, self._parts, self._credentials = options, parts, original._credentials
        self._http = self._build()
        self._owns_pool = False


class AsyncFrontChannelClient(_ChannelClient, AsyncClient, AsyncResources):
    """The asyncio Channel API client: ``client=`` of the generated ``asyncio`` / ``asyncio_detailed``
    functions. Same arguments as :class:`FrontChannelClient`; ``transport`` is an
    ``httpx.AsyncBaseTransport``."""

    _kind = "AsyncFrontChannelClient"
    _http: AsyncFrontHttpClient

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None = None,
        app_secret: str | None = None,
        jwt_lifetime: float = DEFAULT_JWT_LIFETIME,
        limiter: AsyncLimiter | Literal[False] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        options: ClientOptions | None = None,
        **keywords: Unpack[OptionKeywords],
    ) -> None:
        self._setup(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            options=options_from(options, **keywords),
            limiter=limiter,
            transport=transport,
            asynchronous=True,
        )
        self._http = self._build()
        self._owns_pool = True

    def _build(self) -> AsyncFrontHttpClient:
        credentials, policy = self._credentials, self._policy
        return build_async_http_client(
            self._options, self._parts, lambda inner: AsyncChannelSigningTransport(inner, credentials, policy)
        )

    def _adopt(self, original: Self, options: ClientOptions, parts: SharedParts) -> None:
        self._options, self._parts, self._credentials = options, parts, original._credentials
        self._http = self._build()
        self._owns_pool = False
