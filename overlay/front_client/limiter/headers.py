"""What a response says about the budget: ``X-RateLimit-*``, ``Retry-After`` and ``X-Front-Tier`` parsed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from front_client.errors import parse_retry_after

__all__ = ["RateHeaders", "parse_rate_headers"]


@dataclass(frozen=True)
class RateHeaders:
    """What a response says about the budget; ``reset_in`` / ``retry_after`` are seconds from receipt."""

    limit: int | None = None
    remaining: int | None = None
    reset_in: float | None = None
    retry_after: float | None = None
    tier: str | None = None


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        result = float(value.strip())
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def parse_rate_headers(headers: Mapping[str, str], wall_now: float) -> RateHeaders:
    """Parse ``X-RateLimit-*``, ``Retry-After`` (seconds, fractional allowed, or an HTTP date:
    ``front_client.errors.parse_retry_after``, relative to ``wall_now``) and ``X-Front-Tier`` (as sent,
    stripped: ``LimiterCore.observe`` matches it to the table). ``X-RateLimit-Reset`` is a UNIX timestamp
    (parsed as a float; milliseconds are recognised); it is returned relative to ``wall_now`` so the caller's
    clock need not be wall time."""
    lower = {k.lower(): v for k, v in headers.items()}
    limit = _float(lower.get("x-ratelimit-limit"))
    remaining = _float(lower.get("x-ratelimit-remaining"))
    reset = _float(lower.get("x-ratelimit-reset"))
    reset_in: float | None = None
    if reset is not None:
        if reset > 1e11:  # milliseconds
            reset /= 1000.0
        reset_in = reset - wall_now if reset > 1e8 else reset  # a small number is already relative
    retry_after = parse_retry_after(lower.get("retry-after"), wall_now)
    tier = lower.get("x-front-tier")
    return RateHeaders(
        limit=int(limit) if limit is not None and limit >= 1 else None,
        remaining=max(0, int(remaining)) if remaining is not None else None,
        reset_in=reset_in,
        retry_after=retry_after,
        tier=tier.strip() if tier and tier.strip() else None,
    )
