"""Transport wrappers, in the order a request meets them: retry → limit → network.

:class:`RetryTransport` / :class:`AsyncRetryTransport` are the outer layer; the limiter's
``LimitingTransport`` (``front_client.limiter.transport``) sits under them, so every attempt waits for the
budget; the network transport (``httpx.HTTPTransport`` by default) is innermost.

What may be sent again is decided by :class:`RetryPolicy` alone (pure: no I/O, no clock, no sleeping: the
shells pass it ``now`` from their injectable ``wall_clock``), so both shells share every decision:

- ``429``: Front did not process the request; any method is re-sent after ``Retry-After`` seconds (or a
  backoff if absent; an HTTP-date ``Retry-After`` is taken relative to the transport's ``wall_clock``).
  A ``Retry-After`` longer than ``max_retry_after`` is not slept through: the 429 is returned at once and
  becomes a :class:`~front_client.errors.RateLimitError` carrying it.
- ``502`` / ``503`` / ``504`` and failures after the request may have left (read timeout, dropped
  connection, protocol error): re-sent only for safe methods (GET, HEAD, OPTIONS). A write (POST, PATCH,
  PUT, DELETE) is never sent twice unless the server provably did not process it.
- Connection failures before anything was sent (``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``):
  re-sent for any method.
- An attempt past the client's ``deadline`` (:class:`~front_client.network.DeadlineExceeded`): never
  re-sent. The server is answering, too slowly; another try would only multiply the wait.

Retries are capped by ``max_retries`` (re-sends per request) and ``max_total_wait`` (seconds slept per
request). Backoff is exponential with jitter. State lives in one :class:`_Attempts` per request: nothing
mutable is shared between requests.

Each attempt logs one debug line on the ``front_client`` logger: method, path (no query, no headers),
status, elapsed time, ``X-RateLimit-Remaining``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from front_client.errors import parse_retry_after
from front_client.extensions import RETRY_NOTE
from front_client.limiter.transport import NOT_SENT_ERRORS
from front_client.network import DeadlineExceeded

__all__ = [
    "SAFE_METHODS",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
]

logger = logging.getLogger("front_client")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Server failures worth one more try for a request that is safe to repeat (never for a write: it may be done).
RETRIED_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """When to send a request again, and after how long. Every number is configurable."""

    max_retries: int = 3
    max_retry_after: float = 120.0
    max_total_wait: float = 300.0
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.max_retry_after < 0 or self.max_total_wait < 0:
            raise ValueError("max_retry_after and max_total_wait must be >= 0")

    def backoff(self, retries_done: int) -> float:
        """Exponential backoff with jitter: between 75 % and 100 % of ``initial * 2**n``, capped."""
        delay = min(self.backoff_initial * 2**retries_done, self.backoff_max)
        return float(delay * (1 - 0.25 * self.jitter()))

    def response_delay(
        self, method: str, response: httpx.Response, retries_done: int, now: float | None = None
    ) -> float | str | None:
        """Seconds to wait before re-sending after ``response``; else why not (str), or ``None`` if the
        status is not one that is ever retried. ``now`` (UNIX seconds, default ``time.time()``) is what an
        HTTP-date ``Retry-After`` is measured from."""
        status = response.status_code
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"), now)
            if retry_after is None:
                return self.backoff(retries_done)
            if retry_after > self.max_retry_after:
                return f"Retry-After {retry_after:g} s exceeds max_retry_after={self.max_retry_after:g} s"
            return retry_after
        if status in RETRIED_STATUSES:
            if method.upper() not in SAFE_METHODS:
                return f"a {method.upper()} is not re-sent after a {status}"
            return self.backoff(retries_done)
        return None

    def error_delay(self, method: str, error: httpx.TransportError, retries_done: int) -> float | None:
        """Seconds to wait before re-sending after a transport error, or ``None`` to raise it."""
        if isinstance(error, DeadlineExceeded):
            return None
        if isinstance(error, NOT_SENT_ERRORS) or method.upper() in SAFE_METHODS:
            return self.backoff(retries_done)
        return None


class _Attempts:
    """One request's retry state and log lines: the part of the loop both shells share."""

    def __init__(
        self,
        policy: RetryPolicy,
        request: httpx.Request,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
    ) -> None:
        self.policy = policy
        self.request = request
        self.clock = clock
        self.wall_clock = wall_clock
        self.retries = 0
        self.waited = 0.0
        self.started = clock()

    def start(self) -> None:
        self.started = self.clock()

    def _budget(self, delay: float) -> str | None:
        if self.retries >= self.policy.max_retries:
            attempts = self.retries + 1
            return f"gave up after {attempts} attempt{'' if attempts == 1 else 's'}"
        if self.waited + delay > self.policy.max_total_wait:
            limit = self.policy.max_total_wait
            return f"gave up: waiting {delay:g} s more would exceed max_total_wait={limit:g} s"
        return None

    def after_response(self, response: httpx.Response) -> float | None:
        """Log; the delay before the next attempt, or ``None`` to return ``response``."""
        self._log(str(response.status_code), response.headers.get("x-ratelimit-remaining"))
        decision = self.policy.response_delay(self.request.method, response, self.retries, self.wall_clock())
        if decision is None:
            return None
        if isinstance(decision, str):
            response.extensions[RETRY_NOTE] = f"Not retried: {decision}"
            return None
        refusal = self._budget(decision)
        if refusal is not None:
            response.extensions[RETRY_NOTE] = f"Not retried: {refusal}"
            return None
        return self._wait(decision)

    def after_error(self, error: httpx.TransportError) -> float | None:
        """Log; the delay before the next attempt, or ``None`` to raise ``error``."""
        self._log(type(error).__name__, None)
        delay = self.policy.error_delay(self.request.method, error, self.retries)
        if delay is None or self._budget(delay) is not None:
            return None
        return self._wait(delay)

    def _wait(self, delay: float) -> float:
        self.retries += 1
        self.waited += delay
        return delay

    def _log(self, outcome: str, remaining: str | None) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.3fs (rate-limit remaining: %s, attempt %d)",
                self.request.method,
                self.request.url.path,
                outcome,
                self.clock() - self.started,
                remaining if remaining is not None else "-",
                self.retries + 1,
            )


class RetryTransport(httpx.BaseTransport):
    """Re-sends a request through ``inner`` when :class:`RetryPolicy` says it is safe.

    ``sleep`` waits between attempts; ``clock`` (monotonic seconds) times them for the log; ``wall_clock``
    (UNIX seconds) turns an HTTP-date ``Retry-After`` into seconds. All three are injectable for tests.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._inner = inner
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(self._policy, request, self._clock, self._wall_clock)
        while True:
            attempts.start()
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    return response
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of :class:`RetryTransport`: same policy, awaits instead of blocking."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._inner = inner
        self._policy = policy or RetryPolicy()
        if sleep is None:
            import asyncio  # here, not at the top: a sync-only program need not import asyncio (~25 ms)

            sleep = asyncio.sleep
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(self._policy, request, self._clock, self._wall_clock)
        while True:
            attempts.start()
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    return response
                await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        await self._inner.aclose()
