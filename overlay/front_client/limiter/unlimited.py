"""``limiter=False``: a limiter that never waits, so ``client.limiter`` is always a limiter.

It grants every request at once and only counts what went by (``stats()``: sent, cancelled, responses,
429s), so code that reads ``front.limiter.stats()`` works whatever the client was built with.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from front_client.limiter.base import LimiterStats
from front_client.limiter.core import Permit

__all__ = ["Unlimited"]


class Unlimited:
    """Sends at once, never waits, never refuses; counts. Safe to share between threads and tasks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = LimiterStats()
        self._seq = 0

    def __repr__(self) -> str:
        return "Unlimited()"

    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit:
        with self._lock:
            self._seq += 1
            self._counts = _plus(self._counts, sent=1)
            return Permit(self._seq, method, path, None, time.monotonic())

    def observe(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        with self._lock:
            self._counts = _plus(self._counts, responses=1, responses_429=int(status_code == 429))

    def cancel(self, permit: Permit) -> None:
        with self._lock:
            self._counts = _plus(self._counts, cancelled=1)

    async def acquire_async(self, method: str, path: str, timeout: float | None = None) -> Permit:
        return self.acquire(method, path, timeout)

    async def observe_async(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        self.observe(permit, status_code, headers)

    async def cancel_async(self, permit: Permit) -> None:
        self.cancel(permit)

    def stats(self) -> LimiterStats:
        with self._lock:
            return self._counts

    def reset(self) -> None:
        with self._lock:
            self._counts = LimiterStats()

    async def reset_async(self) -> None:
        self.reset()


def _plus(stats: LimiterStats, **deltas: int) -> LimiterStats:
    return LimiterStats(
        **{**stats.__dict__, **{name: getattr(stats, name) + delta for name, delta in deltas.items()}}
    )
