"""What the shells share: the stats they keep, the wait hook and log line, and the limiter protocols."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from front_client.limiter.core import Budget, Permit, Refusal, Wait
from front_client.limiter.errors import RateLimitPauseError, RateLimitRefusedError, RateLimitWaitError

__all__ = [
    "DEFAULT_MAX_PAUSE",
    "AsyncLimiter",
    "LimiterStats",
    "SyncLimiter",
    "WaitEvent",
    "WaitHook",
    "check_max_pause",
    "logger",
]

logger = logging.getLogger("front_client.limiter")

# The longest 429 pause a limiter waits out by default: the client's default ``max_retry_after``.
DEFAULT_MAX_PAUSE = 120.0


def check_max_pause(max_pause: float | None, name: str = "max_pause") -> float | None:
    """``max_pause`` (or ``max_wait``, ``acquire_timeout``) as given, if it is ``None`` (no cap) or a
    number >= 0."""
    if max_pause is not None and not max_pause >= 0:
        raise ValueError(f"{name} must be None or >= 0, got {max_pause!r}")
    return max_pause


@dataclass(frozen=True)
class WaitEvent:
    """Passed to ``on_wait`` when a request has to wait before it may be sent: ``reason`` says for what, as
    a phrase ("global", "tier 2", "global pause (429)", "first response (learning the limit)")."""

    method: str
    path: str
    reason: str
    seconds: float


WaitHook = Callable[[WaitEvent], None]


@dataclass(frozen=True)
class LimiterStats:
    """A snapshot: what this limiter object did, and the budget it currently believes in. ``refused``:
    requests refused (``RateLimitRefusedError``): ``RateLimitPauseError`` because a 429 pause had more than
    ``max_pause`` left, or ``RateLimitWaitError`` because the budget would have made them wait more than
    ``max_wait``. ``timeouts``: ``LimiterTimeout`` raised (``acquire_timeout`` ran out)."""

    sent: int = 0
    cancelled: int = 0
    waited: int = 0
    waited_seconds: float = 0.0
    timeouts: int = 0
    refused: int = 0
    responses: int = 0
    responses_429: int = 0
    global_429: int = 0
    tier_429: dict[str, int] = field(default_factory=dict)
    budget: Budget | None = None


class _Recorder:
    """Counters behind ``stats()``; the hook and the log line when a caller waits."""

    def __init__(self, on_wait: WaitHook | None) -> None:
        self._on_wait = on_wait
        self._lock = threading.Lock()
        self._sent = self._cancelled = self._waited = self._timeouts = self._refused = 0
        self._responses = self._r429 = self._global429 = 0
        self._tier429: dict[str, int] = {}
        self._waited_seconds = 0.0

    def waiting(self, method: str, path: str, wait: Wait) -> None:
        logger.info("waiting %.3fs for the %s budget before %s %s", wait.seconds, wait.reason, method, path)
        if self._on_wait is not None:
            self._on_wait(WaitEvent(method, path, wait.reason, wait.seconds))

    def granted(self, waited_seconds: float) -> None:
        with self._lock:
            self._sent += 1
            if waited_seconds > 0:
                self._waited += 1
                self._waited_seconds += waited_seconds

    def cancelled(self) -> None:
        with self._lock:
            self._sent -= 1
            self._cancelled += 1

    def timed_out(self) -> None:
        with self._lock:
            self._timeouts += 1

    def refused(
        self, method: str, path: str, refusal: Refusal, max_pause: float | None, max_wait: float | None
    ) -> RateLimitRefusedError:
        """Count and log a refusal; the error to raise."""
        with self._lock:
            self._refused += 1
        if refusal.kind == "wait":
            assert max_wait is not None
            logger.info(
                "refusing %s %s: the %s budget frees in %.1fs, over max_wait=%gs",
                method,
                path,
                refusal.scope,
                refusal.seconds,
                max_wait,
            )
            return RateLimitWaitError(
                method=method, path=path, scope=refusal.scope, retry_after=refusal.seconds, max_wait=max_wait
            )
        assert max_pause is not None
        logger.info(
            "refusing %s %s: the %s scope is paused (429) for %.1fs more, over max_pause=%gs",
            method,
            path,
            refusal.scope,
            refusal.seconds,
            max_pause,
        )
        return RateLimitPauseError(
            method=method, path=path, scope=refusal.scope, retry_after=refusal.seconds, max_pause=max_pause
        )

    def observed(self, status_code: int, paused: str | None) -> None:
        if status_code == 429:
            logger.info("429 received: %s scope paused", paused)
        with self._lock:
            self._responses += status_code != 0
            if status_code == 429:
                self._r429 += 1
                if paused == "global":
                    self._global429 += 1
                elif paused is not None:
                    self._tier429[paused] = self._tier429.get(paused, 0) + 1

    def snapshot(self, budget: Budget | None) -> LimiterStats:
        with self._lock:
            return LimiterStats(
                sent=self._sent,
                cancelled=self._cancelled,
                waited=self._waited,
                waited_seconds=self._waited_seconds,
                timeouts=self._timeouts,
                refused=self._refused,
                responses=self._responses,
                responses_429=self._r429,
                global_429=self._global429,
                tier_429=dict(self._tier429),
                budget=budget,
            )


class SyncLimiter(Protocol):
    """What the sync client needs of a limiter (both shipped limiters are one): ``acquire`` before a
    request, then ``observe`` its response or ``cancel`` a request never sent; ``stats()`` and ``reset()``
    for the user (``front.limiter.stats()``)."""

    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit: ...
    def observe(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None: ...
    def cancel(self, permit: Permit) -> None: ...
    def stats(self) -> LimiterStats: ...
    def reset(self) -> None: ...


class AsyncLimiter(Protocol):
    """The same for the asyncio client; ``reset_async()`` beside ``reset()`` (which may block briefly: one
    Redis round trip for a ``RedisLimiter``)."""

    async def acquire_async(self, method: str, path: str, timeout: float | None = None) -> Permit: ...
    async def observe_async(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None: ...
    async def cancel_async(self, permit: Permit) -> None: ...
    def stats(self) -> LimiterStats: ...
    def reset(self) -> None: ...
    async def reset_async(self) -> None: ...
