"""Proactive rate limiting for Front's company-wide budget and burst tiers.

What users touch is exported here: the two limiters, their policy, what ``stats()`` returns, the ``on_wait``
event, the protocols a limiter of your own implements (with the ``Permit`` they pass around) and the errors.

Inside: ``core`` holds the decisions (no I/O) over a ``state`` read from ``headers``; ``local`` (threads +
asyncio, one process) and ``redis_backend`` (many processes, ``redis_store`` / ``redis_connections``) are the
shells; ``transport`` plugs a limiter into httpx.
"""

from typing import TYPE_CHECKING

from front_client.limiter.base import AsyncLimiter, LimiterStats, SyncLimiter, WaitEvent
from front_client.limiter.core import Budget, Permit
from front_client.limiter.errors import (
    LimiterBackendError,
    LimiterError,
    LimiterTimeout,
    RateLimitPauseError,
    RateLimitRefusedError,
    RateLimitWaitError,
)
from front_client.limiter.local import InProcessLimiter
from front_client.limiter.policy import RateLimitPolicy

if TYPE_CHECKING:
    from front_client.limiter.redis_backend import RedisLimiter

__all__ = [
    "AsyncLimiter",
    "Budget",
    "InProcessLimiter",
    "LimiterBackendError",
    "LimiterError",
    "LimiterStats",
    "LimiterTimeout",
    "Permit",
    "RateLimitPauseError",
    "RateLimitPolicy",
    "RateLimitRefusedError",
    "RateLimitWaitError",
    "RedisLimiter",
    "SyncLimiter",
    "WaitEvent",
]


def __getattr__(name: str) -> object:
    # Redis is an optional dependency (extra "redis"): import it only when asked for.
    if name == "RedisLimiter":
        from front_client.limiter.redis_backend import RedisLimiter

        return RedisLimiter
    raise AttributeError(name)
