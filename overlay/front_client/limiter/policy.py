"""The limiter's configuration: Front's defaults, every number overridable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from front_client.tiers import Tier, TierTable, load_tier_table

__all__ = ["RateLimitPolicy"]


@dataclass(frozen=True)
class RateLimitPolicy:
    """How much to send.

    - ``global_limit`` / ``window_seconds``: the company's budget until headers say otherwise (Front: 100 per
      60 s by default; some plans get 50 or 200). With ``learn_from_headers`` the limit, the remaining budget
      and the window's end are resynchronised from ``X-RateLimit-*`` on every response.
    - ``tier_rates``: overrides of the tier table's rates, ``{"2": (3, 1.0)}`` = 3 requests per 1.0 s.
    - ``tier_table``: the table (default: the packaged ``tiers.json``).
    - ``global_margin``: requests per window held back (for traffic you do not route through a limiter).
    - ``reset_margin_seconds``: how long after the announced reset we start the next window (covers an
      integer-rounded ``X-RateLimit-Reset`` and small clock skew).
    - ``tier_margin_seconds``: extra spacing added to each tier period (covers network jitter).
    - ``tier_count_from_response``: count a tier slot from the response (the request reached Front at some
      instant before it) rather than from the permit: safe whatever the latency; costs one response
      latency of spacing per tiered request when a tier is saturated. ``inflight_timeout_seconds``: a
      permit never observed stops occupying its tier slot after this long.
    - ``probe_first``: before the first headers arrive only one request is sent, to learn the real limit
      (plans differ: 50, 100, 200 per minute); ``probe_timeout_seconds``: if its response does not come
      back within this time another one may go. ``False`` when the limit is the same for every company
      (``partner_app()``): the first burst goes at once; the headers still correct the limit.
    - ``default_retry_after``: the pause after a 429 that has no ``Retry-After``.

    Headers are evidence, not orders: no single response can stop the limiter for long.

    - ``max_reset_windows``: an ``X-RateLimit-Reset`` further ahead than this many windows (a poisoned value,
      a timestamp in milliseconds read wrong by a proxy, a clock far off) is believed only that far: Front's
      window ends at most one window from now; the slack covers clock skew. A later response whose Reset
      is within one window then wins.
    - ``pause_ceiling_seconds``: the longest a 429 can pause a scope, whatever its ``Retry-After`` says
      (``1e9``, an HTTP date in the year 9999). Front asks for seconds, a minute at most.
    """

    global_limit: int = 100
    window_seconds: float = 60.0
    tier_rates: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    tier_table: TierTable | None = None
    global_margin: int = 0
    reset_margin_seconds: float = 1.0
    tier_margin_seconds: float = 0.05
    tier_count_from_response: bool = True
    inflight_timeout_seconds: float = 60.0
    learn_from_headers: bool = True
    probe_first: bool = True
    probe_timeout_seconds: float = 10.0
    default_retry_after: float = 1.0
    max_reset_windows: float = 2.0
    pause_ceiling_seconds: float = 3600.0

    @classmethod
    def partner_app(cls, **overrides: Any) -> RateLimitPolicy:
        """The budget of a partner app's OAuth installation: 120 requests per minute per company, apart
        from the company's own (plan) budget. Source: https://dev.frontapp.com/docs/rate-limiting, "Partner
        rate limits" (checked 2026-12). Being the same for every company, it is not probed first
        (``probe_first=False``); the headers still adapt it if Front answers otherwise."""
        return cls(**{"global_limit": 120, "window_seconds": 60.0, "probe_first": False, **overrides})

    def __post_init__(self) -> None:
        if self.global_limit < 1:
            raise ValueError("global_limit must be >= 1")
        if self.window_seconds <= 0:
            raise ValueError("window_seconds must be > 0")
        if self.global_margin < 0 or self.reset_margin_seconds < 0 or self.tier_margin_seconds < 0:
            raise ValueError("margins must be >= 0")
        if not self.max_reset_windows >= 1:
            raise ValueError("max_reset_windows must be >= 1 (a window ends at most one window from now)")
        if not self.pause_ceiling_seconds > 0:
            raise ValueError("pause_ceiling_seconds must be > 0")
        table = self.tier_table if self.tier_table is not None else load_tier_table()
        if self.tier_rates:
            table = table.with_rates(self.tier_rates)
        object.__setattr__(self, "_table", table)

    @property
    def table(self) -> TierTable:
        """The tier table with ``tier_rates`` applied."""
        table: TierTable = self.__dict__["_table"]
        return table

    def tier_for(self, method: str, path: str) -> Tier | None:
        return self.table.tier_for(method, path)
