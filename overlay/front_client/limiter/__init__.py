"""Proactive rate limiting for Front's company-wide budget and burst tiers.

``core`` holds the decisions (no I/O); ``local`` (threads + asyncio, one process) and ``redis_backend``
(many processes) are the shells; ``transport`` plugs a limiter into httpx.
"""

from typing import TYPE_CHECKING

from front_client.limiter.base import LimiterStats, WaitEvent
from front_client.limiter.core import (
    Budget,
    LimiterCore,
    Permit,
    RateHeaders,
    Refusal,
    Wait,
    parse_rate_headers,
)
from front_client.limiter.errors import (
    LimiterBackendError,
    LimiterError,
    LimiterTimeout,
    RateLimitPauseError,
    RateLimitWaitError,
)
from front_client.limiter.local import InProcessLimiter
from front_client.limiter.policy import RateLimitPolicy
from front_client.tiers import normalize_tier

if TYPE_CHECKING:
    from front_client.limiter.redis_backend import RedisLimiter

__all__ = [
    "Budget",
    "InProcessLimiter",
    "LimiterBackendError",
    "LimiterCore",
    "LimiterError",
    "LimiterStats",
    "LimiterTimeout",
    "Permit",
    "RateHeaders",
    "RateLimitPauseError",
    "RateLimitPolicy",
    "RateLimitWaitError",
    "RedisLimiter",
    "Refusal",
    "Wait",
    "WaitEvent",
    "normalize_tier",
    "parse_rate_headers",
]


def __getattr__(name: str) -> object:
    # Redis is an optional dependency (extra "redis"): import it only when asked for.
    if name == "RedisLimiter":
        from front_client.limiter.redis_backend import RedisLimiter

        return RedisLimiter
    raise AttributeError(name)
