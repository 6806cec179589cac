"""The emulator's rate limits, as Front applies them: a global budget per company and burst tiers.

1. global fixed window per company: ``limits.global_limit`` requests per ``limits.window_seconds``; windows
   start at the first request after (re)start; every response carries ``X-RateLimit-Limit``,
   ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (UNIX timestamp, float). Over it: 429 with
   ``Retry-After`` (seconds to the reset; an integer rounded up unless ``fractional_retry_after``). A
   rejected request is not counted.
2. burst tiers (route -> tier from ``front_client.tiers`` or a given table): a fixed window per tier of
   ``per_seconds``; over it: 429 with ``Retry-After`` and ``X-Front-Tier`` (the request was counted in the
   global window, so ``X-RateLimit-Remaining`` can be > 0).

The emulator's own requests (API tokens) share one budget. An OAuth access token's requests count against
its company's budget (its own global window and tier windows): the emulator's limits unless
``set_limit(n, company=...)`` says otherwise, so one company's exhaustion never answers 429 to another.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from front_client.testing.handlers import EmulatorResponse, front_error
from front_client.tiers import TierTable

if TYPE_CHECKING:
    from front_client.limiter.policy import RateLimitPolicy

__all__ = ["EmulatorLimits", "RateLimits", "TierRule"]


@dataclass(frozen=True)
class TierRule:
    requests: int
    per_seconds: float


@dataclass
class EmulatorLimits:
    """The server's rules. Front's defaults; ``scaled()`` for tests that run in seconds. An emulator keeps
    its own copy: changing it (``set_limit``) never changes the object given."""

    global_limit: int = 100
    window_seconds: float = 60.0
    tiers: dict[str, TierRule] = field(default_factory=lambda: {"1": TierRule(1, 1.0), "2": TierRule(3, 1.0)})
    fractional_retry_after: bool = False
    enabled: bool = True

    @classmethod
    def front(cls, time_scale: float = 1.0, *, global_limit: int = 100) -> EmulatorLimits:
        """Front's limits (100 per 60 s, tier 1 = 1/s, tier 2 = 3/s) with every period multiplied by
        ``time_scale`` (0.1: 100 per 6 s, tier 2 = 3 per 0.1 s); ``Retry-After`` is fractional when scaled."""
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        return cls(
            global_limit,
            60.0 * time_scale,
            {"1": TierRule(1, 1.0 * time_scale), "2": TierRule(3, 1.0 * time_scale)},
            fractional_retry_after=time_scale != 1.0,
        )

    @property
    def time_scale(self) -> float:
        """How much faster than Front's time this runs: the window against Front's 60 s (0.1 for
        ``front(0.1)``). Other periods (e.g. an OAuth access token's lifetime) are scaled by it."""
        return self.window_seconds / 60.0

    def policy(self, **overrides: Any) -> RateLimitPolicy:
        """The client-side :class:`~front_client.RateLimitPolicy` that matches these limits."""
        from front_client.limiter.policy import RateLimitPolicy

        scale = min([self.window_seconds / 60.0, *(rule.per_seconds for rule in self.tiers.values())])
        arguments: dict[str, Any] = {
            "global_limit": self.global_limit,
            "window_seconds": self.window_seconds,
            "tier_rates": {name: (rule.requests, rule.per_seconds) for name, rule in self.tiers.items()},
            # Front's margins are for a remote server's rounding and clock; a loopback one needs less.
            "reset_margin_seconds": min(1.0, 0.05 * max(scale, 0.2)),
            "tier_margin_seconds": min(0.05, 0.02 * max(scale, 0.5)),
        }
        arguments.update(overrides)
        return RateLimitPolicy(**arguments)

    @classmethod
    def scaled(
        cls,
        global_limit: int = 20,
        window_seconds: float = 2.0,
        tier_period: float = 0.25,
        *,
        fractional_retry_after: bool = True,
    ) -> EmulatorLimits:
        """E.g. 20 requests / 2 s; tier 1 = 1 and tier 2 = 3 requests per ``tier_period``."""
        return cls(
            global_limit,
            window_seconds,
            {"1": TierRule(1, tier_period), "2": TierRule(3, tier_period)},
            fractional_retry_after,
        )


class _Window:
    """A fixed window counter; windows start at the first request."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.start: float | None = None
        self.index = -1
        self.count = 0

    def roll(self, now: float) -> None:
        if self.start is None:
            self.start = now
        index = math.floor((now - self.start) / self.seconds)
        if index != self.index:
            self.index, self.count = index, 0

    def end(self) -> float:
        assert self.start is not None
        return self.start + (self.index + 1) * self.seconds


class _Budget:
    """One company's counters: its global window and its tiers' windows."""

    def __init__(self, global_limit: int, window_seconds: float) -> None:
        self.window = _Window(global_limit, window_seconds)
        self.tiers: dict[str, _Window] = {}


class RateLimits:
    """The counters of one emulator. Not thread-safe on its own: the emulator holds its lock around it."""

    def __init__(self, limits: EmulatorLimits, tier_table: TierTable) -> None:
        self.limits = copy.deepcopy(limits)
        self.tier_table = tier_table
        self._company_limits: dict[str, int] = {}  # set_limit(n, company=...): kept across reset()
        self.reset()

    def reset(self) -> None:
        self._shared = _Budget(self.limits.global_limit, self.limits.window_seconds)
        self._companies: dict[str, _Budget] = {}
        self.responses_429 = 0
        self.global_429 = 0
        self.tier_429: Counter[str] = Counter()
        self.company_429: Counter[str] = Counter()
        self.outside_burnt = 0
        self._window_counts: Counter[int] = Counter()
        self._tier_window_counts: dict[str, Counter[int]] = {}

    def _budget(self, company: str | None) -> _Budget:
        if company is None:
            return self._shared
        budget = self._companies.get(company)
        if budget is None:
            limit = self._company_limits.get(company, self.limits.global_limit)
            budget = self._companies[company] = _Budget(limit, self.limits.window_seconds)
        return budget

    def set_limit(self, global_limit: int, company: str | None = None) -> None:
        if company is None:
            self.limits.global_limit = global_limit
        else:
            self._company_limits[company] = global_limit
        self._budget(company).window.limit = global_limit

    def set_tier(self, name: str, requests: int, per_seconds: float) -> None:
        self.limits.tiers[name] = TierRule(requests, per_seconds)
        for budget in (self._shared, *self._companies.values()):
            budget.tiers.pop(name, None)

    def burn(self, now: float, count: int | None) -> int:
        window = self._shared.window
        window.roll(now)
        room = max(0, window.limit - window.count)
        spent = room if count is None else min(room, count)
        window.count += spent
        self.outside_burnt += spent
        self._window_counts[window.index] += spent
        return spent

    def window_counts(self) -> list[int]:
        return [self._window_counts[i] for i in sorted(self._window_counts)]

    def tier_window_counts(self, tier: str) -> list[int]:
        counts = self._tier_window_counts.get(tier, Counter())
        return [counts[i] for i in sorted(counts)]

    def check(
        self, method: str, path: str, now: float, company: str | None = None
    ) -> tuple[EmulatorResponse | None, dict[str, str]]:
        """Count the request against ``company``'s budget (``None``: the shared one); a 429 response if it
        is over a limit; the rate headers. ``window_counts`` and ``tier_window_counts`` count the shared
        budget only."""
        budget = self._budget(company)
        shared = budget is self._shared
        window = budget.window
        window.roll(now)
        over = window.count >= window.limit
        if not over:
            window.count += 1
            if shared:
                self._window_counts[window.index] += 1
        reset = window.end()
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.count)),
            "X-RateLimit-Reset": repr(reset),
        }
        if over:
            self._count_429(company)
            self.global_429 += 1
            return self._too_many(reset - now, headers), headers
        tier = self.tier_table.tier_for(method, path)
        rule = None if tier is None else self.limits.tiers.get(tier.name)
        if tier is not None and rule is not None:
            tier_window = budget.tiers.get(tier.name)
            if tier_window is None:
                tier_window = budget.tiers[tier.name] = _Window(rule.requests, rule.per_seconds)
            tier_window.roll(now)
            if tier_window.count >= tier_window.limit:
                self._count_429(company)
                self.tier_429[tier.name] += 1
                response = self._too_many(tier_window.end() - now, headers)
                response.headers["X-Front-Tier"] = tier.name
                return response, headers
            tier_window.count += 1
            if shared:
                self._tier_window_counts.setdefault(tier.name, Counter())[tier_window.index] += 1
        return None, headers

    def _count_429(self, company: str | None) -> None:
        self.responses_429 += 1
        if company is not None:
            self.company_429[company] += 1

    def _too_many(self, seconds: float, headers: dict[str, str]) -> EmulatorResponse:
        retry_after = (
            f"{max(seconds, 0.001):.3f}" if self.limits.fractional_retry_after else str(math.ceil(seconds))
        )
        body = front_error(429, "Rate limit exceeded", "Too Many Requests")
        return EmulatorResponse(429, body, {**headers, "Retry-After": retry_after})
