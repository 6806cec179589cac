"""Edges of the core's decisions: the tier margin holds a request back, a 429 pause is never shortened, a
late give-back cannot free a slot of a later window, and a pause exactly ``max_pause`` long is waited."""

from __future__ import annotations

from typing import Any

import pytest
from front_client.limiter.core import Budget, LimiterCore, Permit, Refusal, Wait
from front_client.limiter.headers import RateHeaders, parse_rate_headers
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.state import LimiterState

from tests.limiter.test_core import POLICY, grant

PATCH = ("PATCH", "/conversations/cnv_1")
EXPORT = ("POST", "/exports")


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
    assert early.reason == "tier 1" and early.seconds == pytest.approx(0.05)
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
    assert paused.reason == "tier 2 pause (429)" and paused.seconds == pytest.approx(4.0)
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
    assert paused.reason == "global pause (429)" and paused.seconds == pytest.approx(4.0)
    assert core.budget(2.0).paused_for == pytest.approx(4.0)


# -- give-backs across windows ------------------------------------------------------------------------------
def test_cancelling_a_permit_of_the_previous_window_does_not_free_a_slot_of_this_one() -> None:
    core = synced()
    old = grant(core, 9.9)  # window 1, never sent
    current = [grant(core, 10.5) for _ in range(5)]  # window 2 (from 10.0) is full
    assert wait(core, 10.5).reason == "global"
    core.cancel(10.5, old)
    assert core.budget(10.5).used == 5
    assert wait(core, 10.5).reason == "global"  # still full: the old permit never counted here
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


# -- X-RateLimit-* values at their edges --------------------------------------------------------------------
WALL = 1_700_000_000.0


@pytest.mark.parametrize(
    ("reset", "reset_in"),
    [
        ("30", 30.0),  # a small number is already relative
        ("100000000", 1e8),  # 1e8 itself still is
        ("1700000012.5", 12.5),  # a UNIX timestamp
        ("100000000.5", 100000000.5 - WALL),  # just above 1e8: a (very old) timestamp
        ("1700000003000", 3.0),  # milliseconds
        ("100000000000", 1e11 - WALL),  # 1e11 itself is seconds (the year 5138)
        ("100000000000.5", 100000000.0005 - WALL),  # just above: milliseconds
    ],
)
def test_reset_as_relative_seconds_timestamp_or_milliseconds(reset: str, reset_in: float) -> None:
    assert parse_rate_headers({"X-RateLimit-Reset": reset}, WALL).reset_in == pytest.approx(reset_in)


def test_numbers_that_are_not_finite_are_ignored() -> None:
    headers = {"X-RateLimit-Limit": "inf", "X-RateLimit-Remaining": "nan", "X-RateLimit-Reset": "-inf"}
    assert parse_rate_headers(headers, WALL) == RateHeaders()


def test_a_limit_of_one_and_a_remaining_of_zero_are_kept() -> None:
    rate = parse_rate_headers({"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0"}, WALL)
    assert (rate.limit, rate.remaining) == (1, 0)
    rate = parse_rate_headers({"X-RateLimit-Limit": "0", "X-RateLimit-Remaining": "-3"}, WALL)
    assert (rate.limit, rate.remaining) == (None, 0)


# -- learning from the first response -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "rate",
    [RateHeaders(), RateHeaders(limit=5, remaining=4), RateHeaders(reset_in=10.0)],
    ids=["no headers", "limit only", "reset only"],
)
def test_once_the_probe_is_answered_no_request_probes_again(rate: RateHeaders) -> None:
    core = LimiterCore(POLICY)
    core.observe(0.0, grant(core, 0.0), 200, rate)
    assert [grant(core, 0.1).probe for _ in range(3)] == [False] * 3
    assert core.budget(0.1).known


def test_a_new_probe_may_go_exactly_when_the_first_one_times_out() -> None:
    core = LimiterCore(POLICY)
    grant(core, 0.0)
    waiting = wait(core, 1.0)
    assert waiting.reason == "first response (learning the limit)"
    assert waiting.poll and waiting.seconds == pytest.approx(POLICY.probe_timeout_seconds - 1.0)
    assert grant(core, POLICY.probe_timeout_seconds).probe


def test_the_first_response_sets_the_window_and_the_outside_usage() -> None:
    core = LimiterCore(POLICY)
    assert core.budget(0.0).resets_in is None and not core.budget(0.0).known  # nothing learnt yet
    core.observe(0.0, grant(core, 0.0), 200, RateHeaders(5, 2, 0.5))  # 3 counted, 1 of them ours
    assert core.budget(0.2) == Budget(
        limit=5,
        used=3,
        remaining=2,
        resets_in=pytest.approx(0.3),  # type: ignore[arg-type]
        paused_for=0.0,
        known=True,
        tier_remaining={"1": 1, "2": 3},
        tier_paused_for={},
    )


def test_a_plan_of_one_request_per_window() -> None:
    core = LimiterCore(POLICY)
    core.observe(0.0, grant(core, 0.0), 200, RateHeaders(1, 0, 10.0))
    assert wait(core, 0.1).reason == "global"
    assert core.budget(0.1).remaining == 0


def test_a_margin_as_large_as_the_limit_still_lets_one_request_through() -> None:
    policy = RateLimitPolicy(global_limit=3, global_margin=5, learn_from_headers=False)
    core = LimiterCore(policy)
    grant(core, 0.0)
    assert wait(core, 0.0).reason == "global"


# -- windows -------------------------------------------------------------------------------------------------
def test_after_several_idle_windows_the_window_ends_on_the_servers_schedule() -> None:
    core = synced()  # windows end at 10, 20, 30, 40...
    assert core.budget(35.0).resets_in == pytest.approx(5.0)
    assert core.budget(35.0).used == 0


@pytest.mark.parametrize(("reset_in", "kept"), [(10.0, True), (9.0, True), (4.0, True), (5.0, True)])
def test_a_reset_near_our_window_end_is_the_same_window(reset_in: float, kept: bool) -> None:
    """Our window ends at 10.0; at 5.0 a response says it ends at 5.0 + reset_in: within half a window of
    10.0 (either way) it is the same window, so our 3 permits still count."""
    core = synced()
    grant(core, 1.0)
    last = grant(core, 1.0)
    core.observe(1.0 if reset_in == 4.0 else 5.0, last, 200, RateHeaders(5, 4, reset_in))
    now = 1.0 if reset_in == 4.0 else 5.0
    budget = core.budget(now)
    assert budget.resets_in == pytest.approx(reset_in)
    assert budget.used == 3


def test_a_server_window_newer_than_ours_counts_from_the_permit_on() -> None:
    core = synced()
    grant(core, 1.0)
    last = grant(core, 1.0)
    core.observe(5.0, last, 200, RateHeaders(5, 1, 20.0))  # a new window, ending at 25.0, 4 counted
    budget = core.budget(5.0)
    assert budget.resets_in == pytest.approx(20.0)
    assert budget.used == 4  # our last permit, and 3 others' (outside)


def test_a_permit_granted_before_we_rolled_but_counted_in_the_new_window() -> None:
    core = synced()  # window ends at 10.0
    late = grant(core, 9.9)
    current = grant(core, 10.1)  # we rolled: the new window counts 1
    assert core.budget(10.1).used == 1
    core.observe(10.2, late, 200, RateHeaders(5, 4, 9.8))  # the server counted it in its new window
    assert core.budget(10.2).used == 2  # both ours, though the server had not yet seen the second
    core.cancel(10.2, current)
    assert core.budget(10.2).used == 1


# -- pauses and holding a place ------------------------------------------------------------------------------
def test_no_pause_is_no_refusal_even_with_max_pause_zero() -> None:
    core = synced()
    grant(core, 0.1, *PATCH, max_pause=0.0)
    grant(core, 0.1, max_pause=0.0)


def test_a_short_tier_pause_early_on_ends_on_time() -> None:
    core = synced()
    core.observe(0.25, grant(core, 0.25, *PATCH), 429, too_many(0.25, tier="2"))
    assert core.budget(0.375).tier_paused_for == {"2": 0.125}
    assert core.budget(0.5).tier_paused_for == {}  # over at exactly 0.5
    grant(core, 0.5, *PATCH)


def test_a_tiered_request_waiting_for_the_global_budget_holds_its_place() -> None:
    core = synced()
    for _ in range(4):
        grant(core, 9.5)
    waiting = wait(core, 9.5, *PATCH)
    assert waiting.reason == "global" and waiting.holds_global


def test_a_tier_pause_ending_inside_the_window_holds_the_global_place() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *PATCH), 429, too_many(4.0, tier="2"))  # paused until 5.0
    waiting = wait(core, 4.0, *PATCH)
    assert waiting.reason == "tier 2 pause (429)" and waiting.holds_global


# -- slots counted from the permit (tier_count_from_response=False) -----------------------------------------
SENT_POLICY = RateLimitPolicy(
    tier_count_from_response=False, tier_margin_seconds=0.0, learn_from_headers=False
)


def test_counted_from_the_permit_a_response_adds_no_second_slot() -> None:
    core = LimiterCore(SENT_POLICY)
    core.observe(0.5, grant(core, 0.0, *EXPORT), 200, RateHeaders())
    assert wait(core, 0.9, *EXPORT).seconds == pytest.approx(0.1)  # from the permit at 0.0, not 0.5
    grant(core, 1.0, *EXPORT)


def test_counted_from_the_permit_a_cancel_gives_the_slot_back() -> None:
    core = LimiterCore(SENT_POLICY)
    core.cancel(0.0, grant(core, 0.0, *EXPORT))
    grant(core, 0.0, *EXPORT)


@pytest.mark.parametrize("policy", [POLICY, SENT_POLICY], ids=["from response", "from permit"])
def test_a_permit_from_a_lost_state_is_observed_and_cancelled_without_error(policy: RateLimitPolicy) -> None:
    """A shared backend's state can expire while requests are in flight: their permits name a tier the new
    state has not seen yet."""
    old = LimiterCore(policy)
    permit = grant(old, 20.0, *EXPORT)
    fresh = LimiterCore(policy)
    fresh.observe(20.5, permit, 200, RateHeaders())
    LimiterCore(policy).cancel(20.5, permit)
    assert fresh.budget(20.5).tier_remaining["1"] == 1


def test_a_lost_in_flight_permit_counts_from_its_timeout() -> None:
    policy = RateLimitPolicy(inflight_timeout_seconds=5.0, tier_margin_seconds=0.0, learn_from_headers=False)
    core = LimiterCore(policy)
    grant(core, 0.0, *EXPORT)  # never observed
    at_timeout = wait(core, 5.0, *EXPORT)  # no longer in flight: counted as sent at 5.0
    assert at_timeout.seconds == pytest.approx(1.0) and not at_timeout.poll
    grant(core, 6.0, *EXPORT)


def test_the_state_is_stored_compact() -> None:
    raw = synced().state.to_json()
    assert " " not in raw and LimiterState.from_json(raw) == synced().state


# -- which wait is reported, and whether a tier waiter holds its global place -------------------------------
def test_of_several_reasons_to_wait_the_longest_is_reported() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *PATCH), 429, too_many(2.0, tier="2"))  # tier 2 paused until 3.0
    for _ in range(3):
        grant(core, 1.0)  # and the window (until 10.0) is full
    waiting = wait(core, 1.0, *PATCH)
    assert waiting.reason == "global" and waiting.seconds == pytest.approx(9.0)


def test_permits_say_what_they_are_for() -> None:
    core = synced()
    permit = grant(core, 1.0, *PATCH)
    assert (permit.method, permit.path, permit.tier, permit.granted_at, permit.probe) == (
        *PATCH,
        "2",
        1.0,
        False,
    )


@pytest.mark.parametrize(("sent_at", "now", "holds"), [(4.5, 5.0, True), (9.4, 9.5, False)])
def test_a_tier_waiter_holds_its_place_only_if_its_slot_frees_in_this_window(
    sent_at: float, now: float, holds: bool
) -> None:
    core = synced()  # window ends at 10.0; tier 1: one request per 1.0 s
    core.observe(sent_at, grant(core, sent_at, *EXPORT), 200, RateHeaders())
    waiting = wait(core, now, *EXPORT)
    assert waiting.reason == "tier 1" and waiting.holds_global is holds


def test_a_tier_waiter_behind_a_request_in_flight_holds_its_place_for_one_period() -> None:
    core = synced()
    grant(core, 8.5, *EXPORT)  # in flight: frees the tier 1.0 s after its response at the earliest
    assert wait(core, 8.5, *EXPORT).holds_global  # 9.5 < 10.0
    assert not wait(core, 9.1, *EXPORT).holds_global  # 10.1: after the window


def test_waiters_ahead_in_a_tier_free_in_batches_of_its_rate() -> None:
    core = synced()
    for _ in range(3):
        grant(core, 8.8, *PATCH)  # tier 2 (3 per 1.0 s) all in flight
    # One earlier waiter: it and this one share the next batch of 3, a period after the responses.
    assert wait(core, 8.8, *PATCH, ahead_in_tier=1).holds_global  # 9.8 < 10.0


def test_the_reset_margin_extends_the_window_a_tier_waiter_can_still_use() -> None:
    policy = RateLimitPolicy(
        global_limit=5, window_seconds=10.0, reset_margin_seconds=1.0, tier_margin_seconds=0.0
    )
    core = synced(policy)  # our window ends at 10.0, used until 11.0
    core.observe(9.5, grant(core, 9.5, *EXPORT), 200, RateHeaders())
    assert wait(core, 9.5, *EXPORT).holds_global  # frees at 10.5 < 11.0


# -- how many of a tier's requests fit before an instant (the shells' fairness) -----------------------------
def test_a_free_tier_fits_its_rate_from_now_until_the_instant() -> None:
    """Tier 2 is 3 per 1.0 s: until 0.5 its 3 free slots; until 2.5, each slot again at 1.0 and 2.0."""
    core = synced()
    assert core.tier_slots_before(0.0, "2", 0.5) == 3
    assert core.tier_slots_before(0.0, "2", 2.5) == 9
    assert core.tier_slots_before(0.0, "1", 2.5) == 3
    assert core.tier_slots_before(0.0, "2", 0.0) == 0  # nothing fits before now
    assert core.tier_slots_before(0.0, "9", 5.0) == 0  # no such tier


def test_a_sent_request_s_slot_frees_a_period_after_it() -> None:
    core = synced()
    core.observe(0.0, grant(core, 0.0, *PATCH), 200, RateHeaders())  # counted from 0.0: free again at 1.0
    assert core.tier_slots_before(0.2, "2", 0.5) == 2
    assert core.tier_slots_before(0.2, "2", 1.5) == 5  # 2 free (at 0.2 and 1.2 each) + the sent one's at 1.0


def test_a_request_in_flight_frees_its_slot_a_period_from_now() -> None:
    core = synced()
    grant(core, 0.0, *PATCH)  # in flight, never answered yet
    assert core.tier_slots_before(0.5, "2", 1.0) == 2
    assert core.tier_slots_before(0.5, "2", 1.6) == 5  # 2 free (at 0.5 and 1.5) + the in-flight one's at 1.5


def test_the_tier_margin_lengthens_the_period_of_every_slot() -> None:
    policy = RateLimitPolicy(learn_from_headers=False, tier_margin_seconds=0.5, tier_rates={"1": (1, 1.0)})
    core = LimiterCore(policy)
    assert core.tier_slots_before(0.0, "1", 3.1) == 3  # at 0.0, 1.5 and 3.0 (a period of 1.5 s)
    core.observe(0.0, grant(core, 0.0, *EXPORT), 200, RateHeaders())
    assert core.tier_slots_before(0.0, "1", 3.1) == 2  # at 1.5 and 3.0


def test_a_tier_pause_delays_every_slot_to_its_end() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *PATCH), 429, too_many(2.0, tier="2"))  # paused until 3.0
    assert core.tier_slots_before(1.0, "2", 3.0) == 0
    assert core.tier_slots_before(1.0, "2", 3.5) == 3


# -- max_wait: the refusal names the wait it refused --------------------------------------------------------
def refused(
    core: LimiterCore, now: float, method: str = "GET", path: str = "/contacts", **kw: Any
) -> Refusal:
    result = core.try_acquire(now, method, path, **kw)
    assert isinstance(result, Refusal), result
    return result


def test_max_wait_refuses_the_rest_of_a_global_pause_and_waits_one_exactly_that_long() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0), 429, too_many(5.0))  # paused until 6.0
    assert refused(core, 2.0, max_wait=3.9) == Refusal(4.0, "global", "wait")
    assert wait(core, 2.0, max_wait=4.0).seconds == pytest.approx(4.0)


def test_max_wait_refuses_the_rest_of_a_tier_pause_naming_the_tier() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *PATCH), 429, too_many(2.0, tier="2"))  # tier 2 paused until 3.0
    assert refused(core, 2.0, *PATCH, max_wait=0.5) == Refusal(1.0, "2", "wait")


def test_max_wait_refuses_a_busy_tier_for_the_time_until_its_slot_frees() -> None:
    core = synced()
    core.observe(1.0, grant(core, 1.0, *EXPORT), 200, RateHeaders())  # tier 1 free again at 2.0
    assert refused(core, 1.5, *EXPORT, max_wait=0.1) == Refusal(0.5, "1", "wait")


def test_max_wait_counts_the_reset_margin_of_a_spent_window() -> None:
    policy = RateLimitPolicy(
        global_limit=5, window_seconds=10.0, reset_margin_seconds=0.5, tier_margin_seconds=0.0
    )
    core = synced(policy)
    while isinstance(core.try_acquire(1.0, "GET", "/contacts"), Permit):
        pass
    assert refused(core, 2.0, max_wait=1.0) == Refusal(8.5, "global", "wait")  # 10.0 + 0.5


# -- an outlier window end, at its bounds -------------------------------------------------------------------
def test_a_window_end_exactly_one_window_ahead_is_no_outlier_a_short_late_reset_is_stale() -> None:
    core = synced()  # window ends at 10.0
    poisoned, late = grant(core, 1.0), grant(core, 1.0)
    core.observe(1.0, poisoned, 200, RateHeaders(5, 2, 1e9))
    assert core.state.window_end == pytest.approx(21.0)  # believed up to 2 windows
    core.observe(11.0, late, 200, RateHeaders(5, 2, 2.0))  # ours ends 10.0 s on: a window can
    assert core.state.window_end == 21.0


def test_the_reset_margin_widens_what_a_window_end_may_be_before_it_is_an_outlier() -> None:
    policy = RateLimitPolicy(
        global_limit=5, window_seconds=10.0, reset_margin_seconds=1.0, tier_margin_seconds=0.0
    )
    core = synced(policy)  # window ends at 10.0
    core.observe(0.5, grant(core, 0.5), 200, RateHeaders(5, 2, 2.0))  # 9.5 s ahead: within 10 + 1
    assert core.state.window_end == 10.0


def test_the_partner_budget_is_not_probed_first_but_still_learnt() -> None:
    """Plans differ (50 / 100 / 200 a minute), so a company's budget is probed with one request first;
    the partner budget is the same for every company: the first burst goes at once."""
    plan = LimiterCore(RateLimitPolicy())
    assert isinstance(plan.try_acquire(0.0, "GET", "/a"), Permit)
    assert isinstance(plan.try_acquire(0.0, "GET", "/b"), Wait)  # waits for the probe's answer
    partner = LimiterCore(RateLimitPolicy.partner_app())
    permits = [partner.try_acquire(0.0, "GET", f"/{i}") for i in range(120)]
    assert all(isinstance(p, Permit) for p in permits)
    assert isinstance(partner.try_acquire(0.0, "GET", "/121"), Wait)  # 120 a minute
    first = permits[0]
    assert isinstance(first, Permit)
    partner.observe(0.1, first, 200, RateHeaders(limit=60, remaining=0, reset_in=59.9))
    assert partner.state.limit == 60  # Front's headers still win
