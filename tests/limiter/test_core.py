"""The sans-I/O core: decisions for a given clock, table and headers (no threads, no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest
from front_client.limiter.core import LimiterCore, Permit, Refusal, Wait
from front_client.limiter.headers import RateHeaders, parse_rate_headers
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.state import LimiterState, UnreadableState
from front_client.tiers import normalize_tier

POLICY = RateLimitPolicy(
    global_limit=5,
    window_seconds=10.0,
    reset_margin_seconds=0.0,
    tier_margin_seconds=0.0,
    tier_rates={"1": (1, 1.0), "2": (3, 1.0)},
)


def headers(
    limit: int, remaining: int, reset_in: float, retry_after: float | None = None, tier: str | None = None
) -> RateHeaders:
    return RateHeaders(limit, remaining, reset_in, retry_after, tier)


def grant(core: LimiterCore, now: float, method: str = "GET", path: str = "/contacts", **kw: Any) -> Permit:
    result = core.try_acquire(now, method, path, **kw)
    assert isinstance(result, Permit), result
    return result


def wait(core: LimiterCore, now: float, method: str = "GET", path: str = "/contacts", **kw: Any) -> Wait:
    result = core.try_acquire(now, method, path, **kw)
    assert isinstance(result, Wait), result
    return result


def synced(
    now: float = 0.0, limit: int = 5, remaining: int | None = None, reset_in: float = 10.0
) -> LimiterCore:
    """A core whose probe came back: window [now-?, now+reset_in), limit from headers."""
    core = LimiterCore(POLICY)
    probe = grant(core, now)
    assert probe.probe
    core.observe(now, probe, 200, headers(limit, limit - 1 if remaining is None else remaining, reset_in))
    return core


def test_probe_first_then_burst() -> None:
    core = LimiterCore(POLICY)
    probe = grant(core, 0.0)
    w = wait(core, 0.0)
    assert w.poll and "first response" in w.reason
    core.observe(0.01, probe, 200, headers(5, 4, 9.99))
    assert [grant(core, 0.02).probe for _ in range(4)] == [False] * 4
    assert wait(core, 0.02).reason == "global"


def test_probe_times_out_and_cancel_releases_it() -> None:
    timeout = POLICY.probe_timeout_seconds
    core = LimiterCore(POLICY)
    assert grant(core, 0.0).probe
    before = wait(core, timeout - 0.5)  # no response yet, probe not timed out: still one at a time
    assert before.poll and "first response" in before.reason and before.seconds == pytest.approx(0.5)
    assert grant(core, timeout + 0.1).probe  # the first one never came back: another probe may go
    assert "first response" in wait(core, timeout + 0.1).reason  # and it is alone again
    core2 = LimiterCore(POLICY)
    core2.cancel(0.0, grant(core2, 0.0))  # the probe was never sent: the next request may probe at once
    assert core2.budget(0.0).used == 0
    assert grant(core2, 0.0).probe


def test_budget_exhausted_waits_until_the_reset_then_resumes() -> None:
    core = synced(reset_in=10.0)
    for _ in range(4):
        grant(core, 1.0)
    w = wait(core, 1.0)
    assert w.seconds == pytest.approx(9.0)
    grant(core, 10.0)  # the window rolled at the server's reset
    assert core.budget(10.0).used == 1


def test_global_margin_holds_requests_back_from_the_learnt_limit() -> None:
    policy = RateLimitPolicy(global_limit=100, window_seconds=10.0, reset_margin_seconds=0.0, global_margin=2)
    core = LimiterCore(policy)
    probe = grant(core, 0.0)
    core.observe(0.0, probe, 200, headers(5, 4, 10.0))  # the plan: 5 per window, 2 of them held back
    assert core.budget(0.0).remaining == 2
    grant(core, 0.1)
    grant(core, 0.1)
    assert wait(core, 0.1).reason == "global"  # 3 permits (the probe and 2), not 5
    assert [isinstance(core.try_acquire(10.0, "GET", "/c"), Permit) for _ in range(4)] == [True] * 3 + [False]


def test_learns_a_lower_limit_from_headers() -> None:
    core = synced(limit=2, remaining=1)  # policy says 5, the plan says 2
    grant(core, 0.1)
    assert wait(core, 0.1).reason == "global"
    assert core.state.limit == 2


def test_learns_a_higher_limit_from_headers() -> None:
    core = synced(limit=8, remaining=7)
    for _ in range(7):
        grant(core, 0.1)
    assert wait(core, 0.1).reason == "global"


def test_a_late_response_from_before_a_limit_change_does_not_undo_it() -> None:
    core = synced(limit=5, remaining=4)
    before, after = grant(core, 0.1), grant(core, 0.1)
    core.observe(0.2, after, 200, headers(4, 1, 9.8))  # the plan changed between the two requests
    core.observe(0.3, before, 200, headers(5, 2, 9.7))  # older news, arriving last
    assert core.state.limit == 4
    later = grant(core, 0.3)
    assert wait(core, 0.3).reason == "global"
    core.observe(0.4, later, 200, headers(7, 3, 9.6))  # a newer request: the limit changes again
    assert core.state.limit == 7


def test_outside_usage_from_remaining() -> None:
    core = synced(remaining=4)
    p = grant(core, 0.1)
    # Someone else of the company spent 2 meanwhile: the server counted 4, we sent 2.
    core.observe(0.2, p, 200, headers(5, 1, 9.8))
    assert core.state.outside == 2
    grant(core, 0.3)
    assert wait(core, 0.3).reason == "global"


def test_out_of_order_responses_do_not_invent_outside_usage() -> None:
    core = synced(remaining=4)
    permits = [grant(core, 0.1) for _ in range(4)]
    # The server processed them in reverse order: the first permit's response reports the lowest remaining.
    for remaining, p in zip([0, 1, 2, 3], permits, strict=True):
        core.observe(0.2, p, 200, headers(5, remaining, 9.8))
    assert core.state.outside == 0


def test_lowered_limit_mid_window_blocks_until_reset() -> None:
    core = synced(remaining=4)
    p = grant(core, 0.1)
    grant(core, 0.1)
    core.observe(0.2, p, 200, headers(2, 0, 9.8))
    assert wait(core, 0.3).seconds == pytest.approx(9.7)
    grant(core, 10.0)


def test_global_429_pauses_everyone_and_the_retry_does_not_wait_twice() -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0)
    assert core.observe(1.0, p, 429, headers(5, 3, 9.0, retry_after=2.5)) == "global"
    assert wait(core, 1.0).seconds == pytest.approx(2.5)
    assert wait(core, 3.4).reason == "global pause (429)"
    grant(core, 3.5)  # the retry layer slept Retry-After: no second wait


def test_tier_429_pauses_only_that_tier() -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0, "PATCH", "/conversations/cnv_1")
    assert core.observe(1.0, p, 429, headers(5, 3, 9.0, retry_after=0.5, tier="2")) == "2"
    assert wait(core, 1.1, "PATCH", "/conversations/cnv_2").reason == "tier 2 pause (429)"
    grant(core, 1.1)  # untiered traffic goes on
    grant(core, 1.5, "PATCH", "/conversations/cnv_2")


def test_429_without_retry_after_uses_the_default() -> None:
    core = synced()
    p = grant(core, 1.0)
    core.observe(1.0, p, 429, RateHeaders())
    assert wait(core, 1.0).seconds == pytest.approx(POLICY.default_retry_after)


def test_tier_rates_are_a_sliding_log_counted_from_responses() -> None:
    core = synced(limit=100, remaining=99)
    p = grant(core, 1.0, "POST", "/exports")
    in_flight = wait(core, 1.5, "POST", "/teams/tim_1/exports")  # same tier 1, first still in flight
    assert in_flight.poll and in_flight.reason == "tier 1"
    core.observe(1.1, p, 200, RateHeaders())  # it reached Front at some instant before 1.1
    w = wait(core, 1.5, "POST", "/teams/tim_1/exports")
    assert w.reason == "tier 1" and w.seconds == pytest.approx(0.6)
    grant(core, 2.1, "POST", "/teams/tim_1/exports")
    permits = [grant(core, 2.0, "PATCH", "/conversations/c") for _ in range(3)]
    for p in permits:
        core.observe(2.0, p, 200, RateHeaders())
    assert wait(core, 2.5, "PATCH", "/conversations/c").seconds == pytest.approx(0.5)
    assert core.budget(2.5).tier_remaining == {"1": 0, "2": 0}


def test_tier_counted_from_send_when_configured() -> None:
    policy = RateLimitPolicy(
        tier_count_from_response=False, tier_margin_seconds=0.0, learn_from_headers=False
    )
    core = LimiterCore(policy)
    grant(core, 1.0, "POST", "/exports")
    assert wait(core, 1.2, "POST", "/exports").seconds == pytest.approx(0.8)


def test_a_lost_in_flight_permit_stops_blocking_its_tier() -> None:
    policy = RateLimitPolicy(inflight_timeout_seconds=5.0, tier_margin_seconds=0.0, learn_from_headers=False)
    core = LimiterCore(policy)
    grant(core, 0.0, "POST", "/exports")  # never observed
    assert wait(core, 5.5, "POST", "/exports").reason == "tier 1"
    grant(core, 6.0, "POST", "/exports")


def test_tier_margin_spaces_requests() -> None:
    policy = RateLimitPolicy(tier_margin_seconds=0.1, learn_from_headers=False)
    core = LimiterCore(policy)
    grant(core, 0.0, "POST", "/exports")
    assert wait(core, 0.0, "POST", "/exports").seconds == pytest.approx(1.1)


def test_cancel_gives_global_and_tier_slots_back() -> None:
    core = synced(remaining=4)
    permits = [grant(core, 0.1, "PATCH", "/conversations/c") for _ in range(3)]
    wait(core, 0.1, "PATCH", "/conversations/c")
    core.cancel(0.1, permits[0])
    grant(core, 0.1, "PATCH", "/conversations/c")
    grant(core, 0.1)
    assert wait(core, 0.1).reason == "global"
    core.cancel(0.1, permits[1])
    grant(core, 0.1)


def test_earlier_waiters_hold_their_place() -> None:
    core = synced(remaining=4)
    # 4 slots left; 4 earlier waiters: a newcomer must queue.
    assert wait(core, 0.1, ahead=4).reason == "global"
    grant(core, 0.1, ahead=3)
    grant(core, 0.1, "PATCH", "/conversations/c", ahead_in_tier=2)
    assert wait(core, 0.1, "PATCH", "/conversations/c", ahead_in_tier=2).reason == "tier 2"


def test_a_tier_waiter_holds_a_global_slot_only_if_its_tier_lets_it_go_in_this_window() -> None:
    core = synced(limit=100, remaining=99, reset_in=10.0)  # window ends at 10.0; tier 1 = 1 per 1.0 s
    core.observe(1.0, grant(core, 1.0, "POST", "/exports"), 200, RateHeaders())
    # Behind 7 other tier-1 waiters: it goes at 9.0 at the earliest, inside this window.
    assert wait(core, 1.0, "POST", "/exports", ahead_in_tier=7).holds_global
    # Behind 9: not before 11.0, so the slot it would keep in this window is free for others.
    assert not wait(core, 1.0, "POST", "/exports", ahead_in_tier=9).holds_global
    assert not wait(core, 9.5, "POST", "/exports", ahead_in_tier=1).holds_global
    assert wait(core, 1.0, ahead=98).holds_global  # a wait for the global budget always holds its place


def test_stale_response_from_a_finished_window_is_ignored() -> None:
    core = synced(remaining=4, reset_in=10.0)
    old = grant(core, 9.9)
    grant(core, 10.5)  # new window
    core.observe(10.6, old, 200, headers(5, 0, -0.6))  # says "0 left" about the window that ended
    assert core.budget(10.6).used == 1


def test_server_in_a_newer_window_than_ours() -> None:
    policy = RateLimitPolicy(global_limit=5, window_seconds=10.0, reset_margin_seconds=1.0)
    core = LimiterCore(policy)
    probe = grant(core, 0.0)
    core.observe(0.0, probe, 200, headers(5, 4, 10.0))
    permits = [grant(core, 1.0) for _ in range(4)]
    # at 10.2 we still wait for our margin, but a response says the server has rolled.
    assert wait(core, 10.2).seconds == pytest.approx(0.8)
    core.observe(10.2, permits[-1], 200, headers(5, 4, 9.8))
    assert core.state.window_end == pytest.approx(20.0)
    assert core.budget(10.2).used == 1
    grant(core, 10.2)  # the server's new window has room: no need to wait for ours


def test_learning_disabled_ignores_headers_but_honours_429() -> None:
    policy = RateLimitPolicy(global_limit=3, window_seconds=10.0, learn_from_headers=False)
    core = LimiterCore(policy)
    p = grant(core, 0.0)
    assert not p.probe
    core.observe(0.0, p, 429, headers(1, 0, 5.0, retry_after=1.0))
    assert core.state.limit == 3
    assert wait(core, 0.5).reason == "global pause (429)"


def test_state_round_trips_through_json() -> None:
    core = synced(remaining=4)
    grant(core, 0.5, "POST", "/exports")
    copy = LimiterCore(POLICY, LimiterState.from_json(core.state.to_json()))
    assert copy.state == core.state
    assert copy.try_acquire(0.6, "POST", "/exports") == core.try_acquire(0.6, "POST", "/exports")


def test_parse_rate_headers() -> None:
    wall = 1_700_000_000.0
    rate = parse_rate_headers(
        {
            "x-ratelimit-limit": "50",
            "X-RateLimit-Remaining": "7",
            "X-RATELIMIT-RESET": str(wall + 12.5),
            "Retry-After": "1.25",
            "X-Front-Tier": "2",
        },
        wall,
    )
    assert rate == RateHeaders(50, 7, pytest.approx(12.5), 1.25, "2")  # type: ignore[arg-type]
    ms = parse_rate_headers({"X-RateLimit-Reset": str(int((wall + 3) * 1000))}, wall)
    assert ms.reset_in == pytest.approx(3.0)
    date = format_datetime(datetime.fromtimestamp(wall + 30, UTC), usegmt=True)
    assert parse_rate_headers({"Retry-After": date}, wall).retry_after == pytest.approx(30.0)
    assert parse_rate_headers({"Retry-After": "soon", "X-RateLimit-Limit": "x"}, wall) == RateHeaders()


# -- X-Front-Tier as Front may spell it ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2", "tier-2", "Tier 2", " 2 ", "TIER_2", "tier2", "Tier: 2"])
def test_x_front_tier_is_normalised_to_the_tables_name(value: str) -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0)  # an untiered request: only the header says which tier
    rate = parse_rate_headers({"Retry-After": "0.5", "X-Front-Tier": value}, 0.0)
    assert core.observe(1.0, p, 429, rate) == "2"
    assert set(core.budget(1.0).tier_paused_for) == {"2"}
    assert wait(core, 1.1, "PATCH", "/conversations/cnv_2").reason == "tier 2 pause (429)"
    grant(core, 1.1)  # the global scope is not paused


@pytest.mark.parametrize(
    ("value", "name"),
    [("2", "2"), ("tier-1", "1"), ("Tier 01", "1"), ("burst tier 2", "2"), ("tier-9", None), ("", None)],
)
def test_normalize_tier(value: str, name: str | None) -> None:
    assert normalize_tier(value, {"1", "2"}) == name
    assert normalize_tier("Burst", {"burst"}) == "burst"


def test_an_unknown_tier_pauses_the_tier_of_the_request_that_got_the_429() -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0, "PATCH", "/conversations/cnv_1")
    assert core.observe(1.0, p, 429, headers(5, 3, 9.0, retry_after=0.5, tier="burst-x")) == "2"
    assert set(core.budget(1.0).tier_paused_for) == {"2"}  # no scope named "burst-x"
    assert wait(core, 1.1, "PATCH", "/conversations/cnv_2").reason == "tier 2 pause (429)"
    grant(core, 1.1)


def test_an_unknown_tier_on_an_untiered_request_pauses_the_global_scope() -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0)
    assert core.observe(1.0, p, 429, headers(5, 3, 9.0, retry_after=0.5, tier="tier-9")) == "global"
    assert core.budget(1.0).tier_paused_for == {}
    assert wait(core, 1.1).reason == "global pause (429)"


# -- a 429 pause longer than the caller's max_pause is refused, not waited --------------------------------
def test_a_global_pause_longer_than_max_pause_is_refused() -> None:
    core = synced(remaining=4)
    core.observe(1.0, grant(core, 1.0), 429, headers(5, 3, 9.0, retry_after=300.0))
    used = core.budget(2.0).used
    refusal = core.try_acquire(2.0, "GET", "/contacts", max_pause=120.0)
    assert isinstance(refusal, Refusal)
    assert refusal.seconds == pytest.approx(299.0)
    assert (refusal.scope, refusal.tier) == ("global", None)
    assert wait(core, 2.0).reason == "global pause (429)"  # no max_pause: the old wait
    assert wait(core, 2.0, max_pause=300.0).seconds == pytest.approx(299.0)  # within it: a wait
    assert core.budget(2.0).used == used  # a refusal takes nothing
    assert isinstance(core.try_acquire(181.0, "GET", "/contacts", max_pause=120.0), Wait)  # 120 s left


def test_a_tier_pause_longer_than_max_pause_refuses_that_tier_only() -> None:
    core = synced(remaining=4)
    p = grant(core, 1.0, "PATCH", "/conversations/cnv_1")
    core.observe(1.0, p, 429, headers(5, 3, 9.0, retry_after=200.0, tier="2"))
    refusal = core.try_acquire(1.0, "PATCH", "/conversations/c", max_pause=120.0)
    assert isinstance(refusal, Refusal) and (refusal.scope, refusal.tier) == ("2", "2")
    assert refusal.seconds == pytest.approx(200.0)
    grant(core, 1.0, max_pause=120.0)  # untiered traffic goes on
    grant(core, 1.0, "POST", "/exports", max_pause=120.0)  # and so does tier 1


def test_an_ordinary_budget_wait_is_never_refused() -> None:
    core = synced(remaining=4, reset_in=10.0)
    for _ in range(4):
        grant(core, 1.0)
    assert wait(core, 1.0, max_pause=0.5).seconds == pytest.approx(9.0)  # window not yet reset


# -- headers are evidence, not orders: what one response can do is bounded ----------------------------------
@pytest.mark.parametrize("reset_in", [1e9, 1e12, 1e300], ids=["now+1e9", "1e15 as ms", "1e300"])
def test_a_reset_far_ahead_moves_the_window_end_no_further_than_the_bound(reset_in: float) -> None:
    core = synced(remaining=4)  # window of 10 s, ends at 10.0
    core.observe(1.0, grant(core, 1.0), 200, headers(5, 0, reset_in))
    bound = POLICY.max_reset_windows * POLICY.window_seconds
    assert core.state.window_end == pytest.approx(1.0 + bound)
    assert wait(core, 1.0).seconds == pytest.approx(bound)  # not decades


def test_a_huge_reset_header_is_parsed_without_overflow() -> None:
    wall = 1_700_000_000.0
    for value in ("1e15", "1e300", str(wall + 1e9), "99999999999999999999999"):
        rate = parse_rate_headers({"X-RateLimit-Reset": value, "X-RateLimit-Remaining": "0"}, wall)
        core = synced(remaining=4)
        core.observe(1.0, grant(core, 1.0), 200, rate)
        assert core.budget(1.0).resets_in is not None
        assert core.budget(1.0).resets_in <= POLICY.max_reset_windows * POLICY.window_seconds  # type: ignore[operator]


def test_a_later_sane_reset_wins_over_an_outlier() -> None:
    core = synced(remaining=4)  # window ends at 10.0
    poisoned, sane = grant(core, 1.0), grant(core, 1.0)
    core.observe(1.1, poisoned, 200, headers(5, 2, 1e9))
    assert core.state.window_end == pytest.approx(21.1)  # believed only up to 2 windows
    core.observe(1.2, sane, 200, headers(5, 1, 8.8))  # consistent with Front's window: it wins
    assert core.state.window_end == pytest.approx(10.0)
    assert core.budget(1.2).used == 4  # what was counted stays counted
    grant(core, 1.2)
    assert wait(core, 1.2).seconds == pytest.approx(8.8)


def test_a_stored_state_out_of_bounds_is_brought_within_them() -> None:
    core = synced(remaining=4)
    core.state.window_end, core.state.paused_until = 1e12, 1e12  # written by a client without the bounds
    core.state.tier_paused["2"] = 1e12
    budget = core.budget(1.0)
    assert budget.resets_in == pytest.approx(POLICY.max_reset_windows * POLICY.window_seconds)
    assert budget.paused_for == pytest.approx(POLICY.pause_ceiling_seconds)
    assert budget.tier_paused_for["2"] == pytest.approx(POLICY.pause_ceiling_seconds)


@pytest.mark.parametrize("retry_after", [1e9, 1e300])
def test_a_429_pause_has_a_ceiling(retry_after: float) -> None:
    core = synced(remaining=4)
    first, tiered = grant(core, 1.0), grant(core, 1.0, "PATCH", "/conversations/c")
    core.observe(1.0, first, 429, headers(5, 3, 9.0, retry_after=retry_after))
    core.observe(1.0, tiered, 429, headers(5, 3, 9.0, retry_after=retry_after, tier="2"))
    budget = core.budget(1.0)
    assert budget.paused_for == pytest.approx(POLICY.pause_ceiling_seconds)
    assert budget.tier_paused_for == {"2": pytest.approx(POLICY.pause_ceiling_seconds)}
    refusal = core.try_acquire(1.0, "GET", "/contacts", max_pause=120.0)
    assert isinstance(refusal, Refusal) and refusal.seconds == pytest.approx(POLICY.pause_ceiling_seconds)


def test_reset_forgets_what_responses_taught() -> None:
    core = synced(limit=2, remaining=1, reset_in=10.0)
    core.observe(1.0, grant(core, 1.0), 429, headers(2, 0, 9.0, retry_after=1e9))
    assert isinstance(core.try_acquire(1.0, "GET", "/c", max_pause=120.0), Refusal)
    seq = core.state.next_seq
    core.reset()
    assert core.state.limit == POLICY.global_limit and not core.state.known
    assert core.state.paused_until == 0.0 and core.state.window_end is None
    assert core.state.next_seq == core.state.window_first_seq == seq  # older permits stay older
    probe = grant(core, 1.0, max_pause=120.0)
    assert probe.probe  # learns the budget again
    assert "first response" in wait(core, 1.0).reason


def test_reset_keeps_the_tier_slots_our_requests_hold() -> None:
    core = synced(limit=100, remaining=99)
    grant(core, 1.0, "POST", "/exports")  # in flight
    core.reset()
    core.observe(1.0, grant(core, 1.0), 200, headers(100, 98, 9.0))
    assert wait(core, 1.0, "POST", "/exports").reason == "tier 1"


# -- max_wait: any wait longer than the caller accepts is refused -----------------------------------------
def test_a_wait_longer_than_max_wait_is_refused() -> None:
    core = synced(remaining=4, reset_in=10.0)
    for _ in range(4):
        grant(core, 1.0)
    refusal = core.try_acquire(1.0, "GET", "/contacts", max_wait=5.0)
    assert isinstance(refusal, Refusal)
    assert (refusal.kind, refusal.scope) == ("wait", "global")
    assert refusal.seconds == pytest.approx(9.0)
    assert wait(core, 1.0, max_wait=9.5).seconds == pytest.approx(9.0)
    assert core.budget(1.0).used == 5  # a refusal takes nothing
    p = grant(core, 10.0, "POST", "/exports")
    core.observe(10.0, p, 200, RateHeaders())
    tier = core.try_acquire(10.5, "POST", "/exports", max_wait=0.1)
    assert isinstance(tier, Refusal) and (tier.kind, tier.scope) == ("wait", "1")


def test_a_wait_on_another_response_is_not_refused_by_max_wait() -> None:
    core = LimiterCore(POLICY)
    grant(core, 0.0)  # the probe: the others wait for its response, an end nobody knows
    assert wait(core, 0.0, max_wait=0.0).poll


# -- the stored state: versioned, anything else unreadable -----------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "not json{",
        b"\xff\xfe",
        "[1, 2]",
        '{"limit": 5, "sliding": true}',
        '{"schema": 2, "limit": 5}',
        "{}",
        '{"limit": "5"}',
        '{"limit": 0}',
        '{"limit": 5, "paused_until": Infinity}',
        '{"limit": 5, "window_end": NaN}',
        '{"limit": 5, "granted": -3}',
        '{"limit": 5, "tier_sent": {"1": ["x"]}}',
        '{"limit": 5, "known": 1}',
    ],
)
def test_a_state_this_client_cannot_read_is_refused(raw: str | bytes) -> None:
    with pytest.raises(UnreadableState):
        LimiterState.from_json(raw)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not json{", "not JSON (Expecting value"),
        ("[1, 2]", "a JSON list, not an object"),
        ('{"limit": 5, "sliding": true, "extra": 1}', "unknown field(s) 'extra', 'sliding'"),
        ('{"limit": "5"}', "field 'limit' has an unusable value '5'"),
        ("{}", "no 'limit'"),
    ],
)
def test_an_unreadable_state_says_what_is_wrong_with_it(raw: str, says: str) -> None:
    """The reason reaches the log when a shared state is replaced: it names what was found."""
    with pytest.raises(UnreadableState) as refused:
        LimiterState.from_json(raw)
    assert str(refused.value).startswith(says)
