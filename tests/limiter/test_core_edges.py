"""Edges of the core's decisions: the tier margin holds a request back, a 429 pause is never shortened, a
late give-back cannot free a slot of a later window, and a pause exactly ``max_pause`` long is waited."""

from __future__ import annotations

from typing import Any

import pytest
from front_client.limiter import LimiterCore, Permit, RateHeaders, RateLimitPolicy, Refusal, Wait

POLICY = RateLimitPolicy(
    global_limit=5,
    window_seconds=10.0,
    reset_margin_seconds=0.0,
    tier_margin_seconds=0.0,
    tier_rates={"1": (1, 1.0), "2": (3, 1.0)},
)
PATCH = ("PATCH", "/conversations/cnv_1")
EXPORT = ("POST", "/exports")


def grant(core: LimiterCore, now: float, method: str = "GET", path: str = "/contacts", **kw: Any) -> Permit:
    result = core.try_acquire(now, method, path, **kw)
    assert isinstance(result, Permit), result
    return result


def wait(core: LimiterCore, now: float, method: str = "GET", path: str = "/contacts", **kw: Any) -> Wait:
    result = core.try_acquire(now, method, path, **kw)
    assert isinstance(result, Wait), result
    return result


def synced(policy: RateLimitPolicy = POLICY) -> LimiterCore:
    """Probe answered at 0.0: limit 5, 4 left, the window ends at 10.0."""
    core = LimiterCore(policy)
    core.observe(0.0, grant(core, 0.0), 200, RateHeaders(5, 4, 10.0))
    return core


def too_many(retry_after: float, tier: str | None = None) -> RateHeaders:
    return RateHeaders(5, 3, 9.0, retry_after, tier)


# -- the tier margin ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("from_response", [True, False])
def test_the_tier_margin_holds_an_early_request_back(from_response: bool) -> None:
    """Tier 1 is 1 request per 1.0 s; with a 0.1 s margin the next one may go 1.1 s after, not 1.0 s."""
    policy = RateLimitPolicy(
        tier_margin_seconds=0.1, learn_from_headers=False, tier_count_from_response=from_response
    )
    core = LimiterCore(policy)
    core.observe(0.0, grant(core, 0.0, *EXPORT), 200, RateHeaders())  # its slot counts from 0.0 either way
    early = wait(core, 1.05, *EXPORT)  # past the tier's period, inside its margin
    assert early.scope == "tier 1" and early.seconds == pytest.approx(0.05)
    assert core.budget(1.05).tier_remaining["1"] == 0
    assert core.budget(1.1).tier_remaining["1"] == 1
    grant(core, 1.1, *EXPORT)


def test_without_a_margin_the_period_is_exact() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *EXPORT), 200, RateHeaders())
    assert wait(core, 1.99, *EXPORT).seconds == pytest.approx(0.01)
    grant(core, 2.0, *EXPORT)


# -- a pause is never shortened -----------------------------------------------------------------------------
def test_a_shorter_later_tier_retry_after_does_not_shorten_the_pause() -> None:
    core = synced()
    first, second = grant(core, 1.0, *PATCH), grant(core, 1.0, *PATCH)
    assert core.observe(1.0, first, 429, too_many(5.0, tier="2")) == "2"
    assert core.observe(1.1, second, 429, too_many(0.5, tier="2")) == "2"  # would end the pause at 1.6
    paused = wait(core, 2.0, *PATCH)
    assert paused.scope == "tier 2 pause (429)" and paused.seconds == pytest.approx(4.0)
    assert core.budget(2.0).tier_paused_for == {"2": pytest.approx(4.0)}
    grant(core, 6.0, *PATCH)


def test_a_longer_later_tier_retry_after_lengthens_the_pause() -> None:
    core = synced()
    first, second = grant(core, 1.0, *PATCH), grant(core, 1.0, *PATCH)
    core.observe(1.0, first, 429, too_many(0.5, tier="2"))
    core.observe(1.1, second, 429, too_many(5.0, tier="2"))
    assert wait(core, 2.0, *PATCH).seconds == pytest.approx(4.1)


def test_a_shorter_later_global_retry_after_does_not_shorten_the_pause() -> None:
    core = synced()
    first, second = grant(core, 1.0), grant(core, 1.0)
    assert core.observe(1.0, first, 429, too_many(5.0)) == "global"
    assert core.observe(1.1, second, 429, too_many(0.5)) == "global"
    paused = wait(core, 2.0)
    assert paused.scope == "global pause (429)" and paused.seconds == pytest.approx(4.0)
    assert core.budget(2.0).paused_for == pytest.approx(4.0)


# -- give-backs across windows ------------------------------------------------------------------------------
def test_cancelling_a_permit_of_the_previous_window_does_not_free_a_slot_of_this_one() -> None:
    core = synced()
    old = grant(core, 9.9)  # window 1, never sent
    current = [grant(core, 10.5) for _ in range(5)]  # window 2 (from 10.0) is full
    assert wait(core, 10.5).scope == "global"
    core.cancel(10.5, old)
    assert core.budget(10.5).used == 5
    assert wait(core, 10.5).scope == "global"  # still full: the old permit never counted here
    core.cancel(10.5, current[0])  # a permit of this window does give its slot back
    assert core.budget(10.5).used == 4
    grant(core, 10.5)


def test_cancelling_when_nothing_is_counted_does_not_go_below_zero() -> None:
    core = LimiterCore(RateLimitPolicy(global_limit=5, learn_from_headers=False))
    permit = grant(core, 1.0)
    core.cancel(1.0, permit)
    core.cancel(1.0, permit)  # given back twice (a shell's bug): the count stays at 0, never -1
    assert (core.budget(1.0).used, core.budget(1.0).remaining) == (0, 5)
    assert [isinstance(core.try_acquire(1.0, "GET", "/c"), Permit) for _ in range(6)] == [True] * 5 + [False]


# -- max_pause at its edge ----------------------------------------------------------------------------------
def test_a_pause_exactly_max_pause_long_is_waited_not_refused() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0), 429, too_many(120.0))
    at_cap = core.try_acquire(1.0, "GET", "/contacts", max_pause=120.0)
    assert isinstance(at_cap, Wait) and at_cap.seconds == pytest.approx(120.0)
    over = core.try_acquire(1.0, "GET", "/contacts", max_pause=119.5)
    assert isinstance(over, Refusal) and over.seconds == pytest.approx(120.0)


def test_a_tier_pause_exactly_max_pause_long_is_waited_not_refused() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *PATCH), 429, too_many(30.0, tier="2"))
    assert isinstance(core.try_acquire(1.0, *PATCH, max_pause=30.0), Wait)
    refused = core.try_acquire(1.0, *PATCH, max_pause=29.0)
    assert isinstance(refused, Refusal) and refused.tier == "2"
