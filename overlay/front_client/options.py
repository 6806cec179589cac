"""One frozen object holding how a client behaves: :class:`ClientOptions`.

Every client (Core and Channel, sync and async) is built from one ``ClientOptions`` by
:mod:`front_client.assembly`; the constructors' keywords only fill one in. ``with_options`` is the
constructor again with some options replaced. The defaults are written here, once.

Time is an option too (:class:`Clock`: monotonic seconds, UNIX seconds, and how to sleep), so tests can
run a client on a fake clock without a constructor argument meant only for them:
``FrontClient(options=ClientOptions(clock=fake))``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import ssl
import time
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypedDict, Unpack

import httpx

from front_client.network import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_SIZE
from front_client.transport import RetryPolicy

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TIMEOUT",
    "SYSTEM_CLOCK",
    "ClientOptions",
    "Clock",
    "OptionKeywords",
    "PerCallKeywords",
    "ProxyOption",
    "VerifyOption",
]

DEFAULT_BASE_URL = "https://api2.frontapp.com"
BASE_URL_ENV = "FRONT_API_BASE_URL"  # e.g. an emulator's URL: existing code points elsewhere without changes
# connect 10 s; read, write and pool 60 s (Front's slowest routes, exports and searches, answer within it).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

ProxyOption = str | httpx.URL | httpx.Proxy | None
VerifyOption = ssl.SSLContext | str | bool


@dataclass(frozen=True)
class Clock:
    """Where a client reads the time and how it waits: the retry layer and the default limiter use it.

    ``monotonic`` measures waits; ``wall`` (UNIX seconds) is what an HTTP-date ``Retry-After``, an
    ``X-RateLimit-Reset`` and a Channel JWT's ``exp`` are measured against."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    # None: the real thing (the limiter then waits on events it can be woken from, not a blind sleep).
    sleep: Callable[[float], None] | None = None
    async_sleep: Callable[[float], Awaitable[None]] | None = None  # None: asyncio.sleep (imported when used)


SYSTEM_CLOCK: Final = Clock()


def _timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


@dataclass(frozen=True, kw_only=True)
class ClientOptions:
    """How a client behaves; every field has Front's sensible default.

    - ``base_url``: ``None`` reads ``FRONT_API_BASE_URL`` (if set and not blank), else Front's API.
    - ``timeout``: an ``httpx.Timeout`` or seconds (connect 10 s, read / write / pool 60 s).
    - ``max_retries`` (re-sends per request, 3), ``max_retry_after`` (the longest ``Retry-After`` slept
      through, 120 s), ``max_total_wait`` (seconds slept per request, 300 s).
    - ``deadline``: seconds one attempt may take from sending to the last byte (300; ``None``: none).
    - ``max_body_size``: the most bytes a response body may decode to (128 MiB; ``None``: no limit).
    - ``headers``: sent with every request (after the client's own User-Agent).
    - ``proxy`` / ``verify``: for the default network transport (default: the environment's proxy for the
      API's host; TLS verified).
    - ``raise_on_unexpected_status``: the generated functions raise on a 2xx the spec does not declare.
    - ``clock``: :class:`Clock` (tests pass a fake one).
    """

    base_url: str | None = None
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = 3
    max_retry_after: float = 120.0
    max_total_wait: float = 300.0
    deadline: float | None = DEFAULT_DEADLINE
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE
    headers: Mapping[str, str] = field(default_factory=dict)
    proxy: ProxyOption = None
    verify: VerifyOption = True
    raise_on_unexpected_status: bool = False
    clock: Clock = SYSTEM_CLOCK

    def __post_init__(self) -> None:
        object.__setattr__(self, "timeout", _timeout(self.timeout))
        object.__setattr__(self, "headers", dict(self.headers))
        if (
            not isinstance(self.max_retries, int)
            or isinstance(self.max_retries, bool)
            or self.max_retries < 0
        ):
            raise ValueError(f"max_retries must be a whole number >= 0, not {self.max_retries!r}")
        for name in ("max_retry_after", "max_total_wait"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number of seconds >= 0, not {value!r}")
        if self.deadline is not None and not (
            isinstance(self.deadline, int | float) and math.isfinite(self.deadline) and self.deadline > 0
        ):
            raise ValueError("deadline must be > 0 seconds, or None for no deadline")
        if self.max_body_size is not None and not (
            isinstance(self.max_body_size, int) and self.max_body_size >= 1
        ):
            raise ValueError("max_body_size must be >= 1 byte, or None for no limit")

    def replace(self, **changes: Any) -> ClientOptions:
        """A copy with ``changes`` (checked as a new object is)."""
        return dataclasses.replace(self, **changes) if changes else self

    @property
    def resolved_base_url(self) -> str:
        """``base_url``, else ``FRONT_API_BASE_URL``, else Front's API; without a trailing slash."""
        url = self.base_url if self.base_url is not None else os.environ.get(BASE_URL_ENV, "").strip()
        return (url or DEFAULT_BASE_URL).rstrip("/")

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_retries=self.max_retries,
            max_retry_after=self.max_retry_after,
            max_total_wait=self.max_total_wait,
        )

    @property
    def max_limiter_wait(self) -> float:
        """The longest the default limiter makes a call wait before refusing it (what a request may sleep)."""
        return min(self.max_retry_after, self.max_total_wait)

    def network_proxy(self) -> ProxyOption:
        """``proxy`` if given; else the proxy the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY…) names for
        the API's host, as httpx does itself when it builds its own transport (it cannot see ours)."""
        if self.proxy is not None:
            return self.proxy
        url = httpx.URL(self.resolved_base_url)
        if url.host and urllib.request.proxy_bypass(url.host):
            return None
        proxies = urllib.request.getproxies()
        return proxies.get(url.scheme) or proxies.get("all")


class PerCallKeywords(TypedDict, total=False):
    """The options a ``with_options`` copy may change (it shares the pool, the limiter and the auth)."""

    timeout: httpx.Timeout | float | None
    max_retries: int
    max_retry_after: float
    max_total_wait: float
    deadline: float | None
    max_body_size: int | None
    headers: Mapping[str, str] | None
    raise_on_unexpected_status: bool


class OptionKeywords(PerCallKeywords, total=False):
    """Every field of :class:`ClientOptions` but the clock, as the clients' constructor keywords."""

    base_url: str | None
    proxy: ProxyOption
    verify: VerifyOption


def options_from(options: ClientOptions | None, **keywords: Unpack[OptionKeywords]) -> ClientOptions:
    """``options`` (default: all defaults) with the keywords given (a keyword wins over ``options``)."""
    changes: dict[str, Any] = dict(keywords)
    if "headers" in changes and changes["headers"] is None:
        changes["headers"] = {}
    return (
        dataclasses.replace(options or ClientOptions(), **changes) if changes else options or ClientOptions()
    )
