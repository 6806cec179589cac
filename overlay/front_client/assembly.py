"""One function builds every client's httpx client from its :class:`~front_client.options.ClientOptions`.

The order a request meets the layers (each an httpx extension point)::

    auth flow (FrontAuth: host rule, bearer token, refresh after a 401, the one re-issue of a redirect)
      → retry (RetryTransport: 429s, safe re-sends)
        → limit (LimitingTransport: the company's budget and burst tiers)
          → sign (Channel API only: a new JWT per attempt)
            → guard (GuardTransport: deadline, bounded body)
              → network (httpx.HTTPTransport, or the transport given)

and around them the httpx client of :mod:`front_client.http` (paths, multipart bodies, the exception
family). The Core and Channel clients, sync and async, differ only in the auth flow, the optional signing
layer and the generated package: everything else is built here, once.

:class:`SharedParts` is what a ``with_options`` copy shares with its original (connection pool, limiter,
auth, secrets); the rest is rebuilt from the copy's options.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast, overload

import httpx

from front_client.failures import ErrorContext
from front_client.http import AsyncFrontHttpClient, FrontHttpClient, Lifetime
from front_client.limiter import InProcessLimiter
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.limiter.unlimited import Unlimited
from front_client.network import ACCEPT_ENCODING, AsyncGuardTransport, GuardTransport, install_deadline
from front_client.options import ClientOptions
from front_client.transport import AsyncRetryTransport, RetryTransport

__all__ = [
    "AsyncSigner",
    "SharedParts",
    "Signer",
    "build_async_http_client",
    "build_http_client",
    "choose_limiter",
    "default_headers",
    "network_transport",
]

# A layer under the limiter that adds per-attempt credentials (the Channel API's JWT).
Signer = Callable[[httpx.BaseTransport], httpx.BaseTransport]
AsyncSigner = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


@dataclass(frozen=True)
class SharedParts:
    """What a client and its ``with_options`` copies share."""

    network: httpx.BaseTransport | httpx.AsyncBaseTransport
    limiter: SyncLimiter | AsyncLimiter | None
    auth: httpx.Auth
    context: ErrorContext
    lifetime: Lifetime
    user_agent: str


def default_headers(options: ClientOptions, user_agent: str) -> dict[str, str]:
    # Accept-Encoding pinned: the encodings the guard decodes with a bound (httpx would add br / zstd
    # when their packages are installed, which the guard refuses).
    return {"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING, **options.headers}


@overload
def network_transport(options: ClientOptions, asynchronous: Literal[False]) -> httpx.BaseTransport: ...
@overload
def network_transport(options: ClientOptions, asynchronous: Literal[True]) -> httpx.AsyncBaseTransport: ...
def network_transport(
    options: ClientOptions, asynchronous: bool
) -> httpx.BaseTransport | httpx.AsyncBaseTransport:
    """The default innermost transport: a connection pool with the options' proxy and TLS settings."""
    if asynchronous:
        return httpx.AsyncHTTPTransport(proxy=options.network_proxy(), verify=options.verify)
    return install_deadline(httpx.HTTPTransport(proxy=options.network_proxy(), verify=options.verify))


def choose_limiter(
    limiter: object, options: ClientOptions, asynchronous: bool
) -> SyncLimiter | AsyncLimiter | None:
    """``None``: a new in-process limiter with the options' clock and caps; ``False``: one that never waits
    (:class:`~front_client.limiter.unlimited.Unlimited`, so ``client.limiter.stats()`` always works); else
    the one given (shared with other clients, or a ``RedisLimiter``)."""
    if limiter is False:
        return Unlimited()
    if limiter is True:
        raise TypeError("limiter=True is not an option: leave limiter out for the default, or pass False")
    if limiter is not None:
        return limiter  # type: ignore[return-value]  # the client's signature types it
    clock = options.clock
    return InProcessLimiter(
        clock=clock.monotonic,
        wall_clock=clock.wall,
        sleep=None if asynchronous else clock.sleep,
        async_sleep=clock.async_sleep if asynchronous else None,
        # An earlier 429's pause is honoured up to max_retry_after; a call that would wait longer than one
        # request may sleep is refused at once (RateLimitError), unsent.
        max_pause=options.max_retry_after,
        max_wait=options.max_limiter_wait,
    )


def _client_arguments(options: ClientOptions, parts: SharedParts) -> dict[str, Any]:
    return {
        "base_url": options.resolved_base_url,
        "auth": parts.auth,
        "headers": default_headers(options, parts.user_agent),
        "timeout": options.timeout,
        "follow_redirects": False,  # the auth flow re-issues the one redirect Front needs, body and all
        "context": parts.context,
        "lifetime": parts.lifetime,
    }


def build_http_client(
    options: ClientOptions, parts: SharedParts, signer: Signer | None = None
) -> FrontHttpClient:
    """The sync stack (see the module's docstring) over ``parts.network``."""
    layer: httpx.BaseTransport = GuardTransport(
        cast(httpx.BaseTransport, parts.network),
        deadline=options.deadline,
        max_body_size=options.max_body_size,
    )
    if signer is not None:
        layer = signer(layer)
    if parts.limiter is not None:
        layer = LimitingTransport(layer, cast(SyncLimiter, parts.limiter), base_url=options.resolved_base_url)
    clock = options.clock
    layer = RetryTransport(
        layer,
        options.retry_policy,
        sleep=clock.sleep or time.sleep,
        clock=clock.monotonic,
        wall_clock=clock.wall,
    )
    return FrontHttpClient(transport=layer, **_client_arguments(options, parts))


def build_async_http_client(
    options: ClientOptions, parts: SharedParts, signer: AsyncSigner | None = None
) -> AsyncFrontHttpClient:
    """The asyncio stack: the same layers, their asyncio twins."""
    layer: httpx.AsyncBaseTransport = AsyncGuardTransport(
        cast(httpx.AsyncBaseTransport, parts.network),
        deadline=options.deadline,
        max_body_size=options.max_body_size,
    )
    if signer is not None:
        layer = signer(layer)
    if parts.limiter is not None:
        layer = AsyncLimitingTransport(
            layer, cast(AsyncLimiter, parts.limiter), base_url=options.resolved_base_url
        )
    clock = options.clock
    layer = AsyncRetryTransport(
        layer,
        options.retry_policy,
        sleep=clock.async_sleep,
        clock=clock.monotonic,
        wall_clock=clock.wall,
    )
    return AsyncFrontHttpClient(transport=layer, **_client_arguments(options, parts))
