"""``FrontChannelClient`` / ``AsyncFrontChannelClient``: Front's Channel API with the Core client's stack.

Subclasses of the generated ``front_channel_api`` ``AuthenticatedClient``, so either is the ``client=`` of
every generated Channel API function; the generated namespaces are on them too
(``channel.messages.sync_inbound(channel.channel_id, ...)``, awaited on the async client).

The stack is the Core client's (:mod:`front_client.client`), in the order a request meets it:

- ``auth``: :class:`~front_client.channel_auth.ChannelAuth` (only the configured host and Front's own);
- retry → limit (the same :class:`~front_client.transport.RetryPolicy`, limiter and tier table:
  ``POST /channels/{id}/inbound_messages`` and ``outbound_messages`` are Tier 2) → **sign** (a new JWT per
  attempt: :class:`~front_client.channel_auth.ChannelSigningTransport`) → network;
- the same response hook (every non-2xx is a :class:`~front_client.errors.FrontError`), multipart bodies,
  timeouts and ``follow_redirects=False``.

Whether Front counts Channel API calls against the company's global budget of the Core API is not
documented. Each client gets its own limiter by default, which applies the global budget *and* the tiers
and follows ``X-RateLimit-Remaining`` (so Core calls spending the same budget are seen); pass the Core
client's limiter (``limiter=core.limiter``, or one ``RedisLimiter`` to both) to pace both from one budget.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NoReturn

import httpx
from front_channel_api.client import AuthenticatedClient
from front_channel_api.resources import AsyncResources, Resources

from front_client.auth import HostPolicy
from front_client.channel_auth import (
    DEFAULT_JWT_LIFETIME,
    AsyncChannelSigningTransport,
    ChannelAuth,
    ChannelCredentials,
    ChannelSigningTransport,
)
from front_client.client import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TIMEOUT,
    ProxyOption,
    RequestTimeout,
    VerifyOption,
    _async_error_hook,
    _AsyncHttpxClient,
    _AsyncRequests,
    _choose_limiter,
    _ClientIdentity,
    _error_hook,
    _HttpxClient,
    _network_proxy,
    _SyncRequests,
    _user_agent,
)
from front_client.errors import MalformedResponseError
from front_client.limiter import InProcessLimiter
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.network import AsyncGuardTransport, GuardTransport, install_deadline
from front_client.transport import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = ["AsyncFrontChannelClient", "FrontChannelClient"]


class _ChannelClientBase(_ClientIdentity, AuthenticatedClient):
    """The configuration both Channel API clients share. Not used directly."""

    limiter: object

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None,
        app_secret: str | None,
        jwt_lifetime: float,
        base_url: str,
        timeout: RequestTimeout,
        max_retries: int,
        max_retry_after: float,
        max_total_wait: float,
        headers: Mapping[str, str] | None,
        raise_on_unexpected_status: bool,
        wall_clock: Callable[[], float],
    ) -> None:
        self._credentials = ChannelCredentials(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            wall_clock=wall_clock,
        )
        # The secret lives only in the credentials (whose repr hides it): the generated ``token`` stays empty.
        super().__init__(
            base_url=base_url.rstrip("/"),
            token="",
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            headers={"User-Agent": _user_agent(), **(headers or {})},
            follow_redirects=False,
            raise_on_unexpected_status=raise_on_unexpected_status,
        )
        self._policy = HostPolicy(self._base_url)
        self._scrubber = self._credentials.scrubber()
        self.retry_policy = RetryPolicy(
            max_retries=max_retries, max_retry_after=max_retry_after, max_total_wait=max_total_wait
        )

    @property
    def base_url(self) -> str:
        return self._base_url

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

    def _httpx_arguments(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "auth": ChannelAuth(self._policy),
            "headers": self._headers,
            "cookies": self._cookies,
            "timeout": self._timeout,
            "follow_redirects": False,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(channel_id={self.channel_id!r}, app_uid={self.app_uid!r}, "
            f"base_url={self._base_url!r}, limiter={self.limiter!r}, "
            f"max_retries={self.retry_policy.max_retries})"
        )

    def malformed_response_error(self, response: httpx.Response, error: Exception) -> MalformedResponseError:
        """Called by generated code when a success body cannot be parsed: our error, with context."""
        return MalformedResponseError(response, error, self._scrubber)

    def __eq__(self, other: object) -> bool:  # by identity, as the Core client
        return self is other

    def __hash__(self) -> int:  # type: ignore[override]  # attrs made the generated client unhashable
        return id(self)


class FrontChannelClient(_SyncRequests, _ChannelClientBase, Resources):
    """The synchronous Channel API client: ``client=`` of the generated ``front_channel_api`` functions.

    - ``channel_id``: the channel (``cha_...``) the JWTs are signed for (their ``sub``).
    - ``app_uid``: the app's UID (``iss``); default the ``FRONT_APP_UID`` environment variable.
    - ``app_secret``: the app's secret, which signs the JWTs; default the ``FRONT_APP_SECRET`` environment
      variable. Kept out of every repr, log line and exception.
    - ``jwt_lifetime``: seconds each JWT is valid (its ``exp``), default 10. Every attempt gets a new one.
    - ``limiter``: default a new ``InProcessLimiter`` of its own (global budget and tiers); pass the Core
      client's (``limiter=core.limiter``) or a ``RedisLimiter`` to share one budget; ``False``: none.
    - every other argument as :class:`~front_client.FrontClient` (``base_url``, ``timeout``, ``max_retries``,
      ``max_retry_after``, ``max_total_wait``, ``transport``, ``proxy``, ``verify``, ``sleep``, ``clock``,
      ``wall_clock`` (which also dates the JWTs), ``headers``, ``raise_on_unexpected_status``, ``deadline``,
      ``max_body_size``).
    """

    limiter: SyncLimiter | None

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None = None,
        app_secret: str | None = None,
        jwt_lifetime: float = DEFAULT_JWT_LIFETIME,
        base_url: str = DEFAULT_BASE_URL,
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
    ) -> None:
        super().__init__(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_total_wait=max_total_wait,
            headers=headers,
            raise_on_unexpected_status=raise_on_unexpected_status,
            wall_clock=wall_clock,
        )
        self.limiter = _choose_limiter(
            limiter,
            lambda: InProcessLimiter(
                clock=clock, wall_clock=wall_clock, sleep=sleep, max_pause=max_retry_after
            ),
        )
        if transport is None:
            transport = install_deadline(
                httpx.HTTPTransport(proxy=_network_proxy(base_url, proxy), verify=verify)
            )
        guarded = GuardTransport(transport, deadline=deadline, max_body_size=max_body_size)
        signed = ChannelSigningTransport(guarded, self._credentials, self._policy)
        limited: httpx.BaseTransport = (
            signed if self.limiter is None else LimitingTransport(signed, self.limiter, base_url=base_url)
        )
        stack = RetryTransport(
            limited, self.retry_policy, sleep=sleep or time.sleep, clock=clock, wall_clock=wall_clock
        )
        http = _HttpxClient(
            transport=stack,
            event_hooks={"response": [_error_hook(self._scrubber)]},
            **self._httpx_arguments(),
        )
        http._scrubber = self._scrubber
        self.set_httpx_client(http)

    def get_async_httpx_client(self) -> NoReturn:
        raise TypeError(
            "FrontChannelClient is synchronous: call the generated sync / sync_detailed functions with it, "
            "or use AsyncFrontChannelClient for asyncio / asyncio_detailed"
        )

    def close(self) -> None:
        self.get_httpx_client().close()


class AsyncFrontChannelClient(_AsyncRequests, _ChannelClientBase, AsyncResources):
    """The asyncio Channel API client: ``client=`` of the generated ``asyncio`` / ``asyncio_detailed``
    functions. Same arguments as :class:`FrontChannelClient`; ``transport`` is an
    ``httpx.AsyncBaseTransport`` and ``sleep`` an ``async`` function."""

    limiter: AsyncLimiter | None

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None = None,
        app_secret: str | None = None,
        jwt_lifetime: float = DEFAULT_JWT_LIFETIME,
        base_url: str = DEFAULT_BASE_URL,
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
    ) -> None:
        super().__init__(
            channel_id=channel_id,
            app_uid=app_uid,
            app_secret=app_secret,
            jwt_lifetime=jwt_lifetime,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_total_wait=max_total_wait,
            headers=headers,
            raise_on_unexpected_status=raise_on_unexpected_status,
            wall_clock=wall_clock,
        )
        self.limiter = _choose_limiter(
            limiter,
            lambda: InProcessLimiter(
                clock=clock, wall_clock=wall_clock, async_sleep=sleep, max_pause=max_retry_after
            ),
        )
        if transport is None:
            transport = httpx.AsyncHTTPTransport(proxy=_network_proxy(base_url, proxy), verify=verify)
        guarded = AsyncGuardTransport(transport, deadline=deadline, max_body_size=max_body_size)
        signed = AsyncChannelSigningTransport(guarded, self._credentials, self._policy)
        limited: httpx.AsyncBaseTransport = (
            signed
            if self.limiter is None
            else AsyncLimitingTransport(signed, self.limiter, base_url=base_url)
        )
        stack = AsyncRetryTransport(
            limited, self.retry_policy, sleep=sleep, clock=clock, wall_clock=wall_clock
        )
        http = _AsyncHttpxClient(
            transport=stack,
            event_hooks={"response": [_async_error_hook(self._scrubber)]},
            **self._httpx_arguments(),
        )
        http._scrubber = self._scrubber
        self.set_async_httpx_client(http)

    def get_httpx_client(self) -> NoReturn:
        raise TypeError(
            "AsyncFrontChannelClient is for asyncio: await the generated asyncio / asyncio_detailed "
            "functions with it, or use FrontChannelClient for sync / sync_detailed"
        )

    async def aclose(self) -> None:
        await self.get_async_httpx_client().aclose()
