"""InProcessLimiter against the emulator (real HTTP, scaled windows). Assertions are on counts."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from front_client import FrontClientError, RateLimitError
from front_client.limiter import (
    InProcessLimiter,
    LimiterError,
    LimiterTimeout,
    Permit,
    RateLimitPauseError,
    RateLimitPolicy,
    RateLimitRefusedError,
    RateLimitWaitError,
    WaitEvent,
)
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.limiter.harness import Call, policy_for, run_tasks, run_threads, trigger_after, untiered
from tests.support.clock import FakeClock

LIMITS = EmulatorLimits.scaled(global_limit=20, window_seconds=1.0, tier_period=0.25)


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits.scaled(20, 1.0, 0.25), stateful=False) as em:
        yield em


def run(mode: str, limiter: InProcessLimiter, emulator: FrontEmulator, calls: Sequence[Call]) -> list[int]:
    if mode == "1 thread":
        return run_threads(limiter, emulator.base_url, calls, 1)
    if mode == "16 threads":
        return run_threads(limiter, emulator.base_url, calls, 16)
    return asyncio.run(run_tasks(limiter, emulator.base_url, calls, 64))


MODES = ["1 thread", "16 threads", "64 tasks"]


@pytest.mark.parametrize("mode", MODES)
def test_no_429_and_full_windows(mode: str, emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    statuses = run(mode, limiter, emulator, untiered(50))
    assert statuses == [200] * 50
    assert emulator.responses_429 == 0
    assert emulator.total_received == 50
    # Every window but the last was used to the full: the limiter did not hold back.
    assert emulator.window_counts() == [20, 20, 10]
    stats = limiter.stats()
    assert (stats.sent, stats.responses, stats.responses_429) == (50, 50, 0)
    assert stats.waited > 0


def mixed_calls() -> list[Call]:
    calls: list[Call] = []
    for i in range(8):
        calls += [
            ("POST", "/exports"),
            ("PATCH", f"/conversations/cnv_{i}"),
            ("PATCH", f"/conversations/c{i}"),
            ("PUT", f"/conversations/cnv_{i}/assignee/"),
            ("GET", f"/contacts/{i}?q=1"),
        ]
    return calls  # 8 tier-1, 24 tier-2, 8 untiered


@pytest.mark.parametrize("mode", MODES)
def test_mixed_tiers_no_429(mode: str, emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    calls = mixed_calls()
    statuses = run(mode, limiter, emulator, calls)
    assert statuses == [200] * len(calls)
    assert emulator.responses_429 == 0, (emulator.global_429, dict(emulator.tier_429))
    assert emulator.received[("POST", "/exports")] == 8
    assert sum(emulator.tier_window_counts("1")) == 8 and max(emulator.tier_window_counts("1")) == 1
    assert sum(emulator.tier_window_counts("2")) == 24 and max(emulator.tier_window_counts("2")) <= 3
    assert emulator.total_received == len(calls)


@pytest.mark.parametrize("mode", ["16 threads", "64 tasks"])
def test_server_lowers_its_limit_mid_run(mode: str, emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    trigger_after(emulator, 25, lambda: emulator.set_limit(8))
    statuses = run(mode, limiter, emulator, untiered(40))
    assert statuses == [200] * 40
    # Only requests already on their way when the limit dropped can meet a 429; after that the client
    # sends 8 per window. A client that ignored X-RateLimit-Limit would collect 12 per window.
    concurrency = 16 if mode == "16 threads" else 64
    assert emulator.responses_429 <= min(concurrency, 20)
    assert limiter.stats().budget is not None and limiter.stats().budget.limit == 8  # type: ignore[union-attr]
    windows = emulator.window_counts()
    assert all(count == 8 for count in windows[2:-1]), windows
    assert emulator.total_received == 40 + emulator.responses_429


@pytest.mark.parametrize("mode", ["16 threads", "64 tasks"])
def test_server_raises_its_limit_mid_run(mode: str, emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    # Raised while window 1 is full and the client waits for window 2, so every response of window 2 says
    # 30 (raised during a burst, the responses already past the limit check would still say 20).
    trigger_after(emulator, 20, lambda: emulator.set_limit(30))
    statuses = run(mode, limiter, emulator, untiered(80))
    assert statuses == [200] * 80
    assert emulator.responses_429 == 0
    # The client starts window 2 believing in 20; the first responses teach it 30 and it sends 10 more.
    # Sticking to the configured 20 would give [20, 20, 20, 20].
    assert emulator.window_counts() == [20, 30, 30]
    assert limiter.stats().budget is not None and limiter.stats().budget.limit == 30  # type: ignore[union-attr]


# An outside client burning the whole window (429s, waited out and retried): test_client_stack.py, through
# the overlay's own retry layer.


def test_outside_client_spending_part_of_each_window_is_detected(emulator: FrontEmulator) -> None:
    """A steady outside consumer: the limiter learns it from X-RateLimit-Remaining, without 429s."""
    limiter = InProcessLimiter(policy_for(LIMITS))
    trigger_after(emulator, 1, lambda: emulator.burn(10))  # 10 of window 1 gone right after our probe
    statuses = run_threads(limiter, emulator.base_url, untiered(30), 1)
    assert statuses == [200] * 30
    assert emulator.responses_429 == 0
    assert emulator.window_counts()[0] == 20


def test_threads_and_tasks_share_one_limiter(emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    with ThreadPoolExecutor(1) as pool:
        threaded = pool.submit(run_threads, limiter, emulator.base_url, untiered(25), 8)
        tasked = asyncio.run(run_tasks(limiter, emulator.base_url, untiered(25), 16))
        assert threaded.result() == [200] * 25
    assert tasked == [200] * 25
    assert emulator.responses_429 == 0
    assert emulator.window_counts() == [20, 20, 10]


# -- waiting semantics, with a fake clock (the waits are woken by events, never by the clock) ------------
def exhausted(limit: int = 1) -> tuple[InProcessLimiter, Permit]:
    """A limiter with a 1000-second window whose only slot is taken."""
    policy = RateLimitPolicy(global_limit=limit, window_seconds=1000.0, learn_from_headers=False)
    limiter = InProcessLimiter(policy, clock=FakeClock())
    return limiter, limiter.acquire("GET", "/a")


def test_timeout_raises_and_counts() -> None:
    limiter, _ = exhausted()
    with pytest.raises(LimiterTimeout):
        limiter.acquire("GET", "/b", timeout=0.0)
    assert limiter.stats().timeouts == 1
    assert limiter._queue == []


@pytest.mark.parametrize("use_asyncio", [False, True], ids=["sync", "async"])
async def test_acquire_timeout_bounds_every_acquire_of_the_limiter(use_asyncio: bool) -> None:
    """The limiter's own ``acquire_timeout`` is what the client's transport gets (it passes no timeout):
    a request queued longer than that is not sent."""
    clock = FakeClock()
    policy = RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)
    limiter = InProcessLimiter(
        policy, clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep, acquire_timeout=30.0
    )
    limiter.acquire("GET", "/a")
    with pytest.raises(LimiterTimeout, match=r"within 30\.0s"):
        if use_asyncio:
            await limiter.acquire_async("GET", "/b")
        else:
            limiter.acquire("GET", "/b")
    assert clock.slept == [30.0]  # waited its 30 s (of a 1000 s window), then gave up
    assert limiter.stats().timeouts == 1
    with pytest.raises(ValueError, match="acquire_timeout"):
        InProcessLimiter(acquire_timeout=-1.0)


def test_a_timed_out_waiter_gives_its_place_back() -> None:
    limiter = InProcessLimiter(
        RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)
    )
    first = limiter.acquire("GET", "/first")
    with ThreadPoolExecutor(1) as pool:
        # The queue: an impatient waiter, then a patient one.
        impatient = pool.submit(limiter.acquire, "GET", "/impatient", 0.05)
        with pytest.raises(LimiterTimeout):
            impatient.result(5)
        patient = pool.submit(limiter.acquire, "GET", "/patient")
        while not limiter._queue:  # queued
            threading.Event().wait(0.001)
        limiter.cancel(first)  # the one slot comes free: it goes to the patient waiter, not to a ghost
        assert patient.result(5).path == "/patient"
    assert limiter._queue == []
    stats = limiter.stats()
    assert (stats.timeouts, stats.sent, stats.cancelled) == (1, 1, 1)


async def test_async_timeout_raises() -> None:
    limiter, _ = exhausted()
    with pytest.raises(LimiterTimeout):
        await limiter.acquire_async("GET", "/b", timeout=0.0)


def test_fifo_order_across_threads() -> None:
    limiter, first = exhausted()
    order: list[int] = []

    def worker(i: int) -> None:
        permit = limiter.acquire("GET", f"/{i}")
        order.append(i)
        limiter.cancel(permit)  # hand the one slot to the next in line

    threads = []
    for i in range(6):
        thread = threading.Thread(target=worker, args=(i,))
        thread.start()
        threads.append(thread)
        while len(limiter._queue) < i + 1:  # queued in this order
            threading.Event().wait(0.001)
    limiter.cancel(first)
    for thread in threads:
        thread.join(5)
    assert order == list(range(6))


async def test_cancelled_waiter_leaves_the_queue_and_returns_a_late_permit() -> None:
    limiter, first = exhausted()
    a = asyncio.create_task(limiter.acquire_async("GET", "/a"))
    await asyncio.sleep(0.01)
    b = asyncio.create_task(limiter.acquire_async("GET", "/b"))
    await asyncio.sleep(0.01)
    assert len(limiter._queue) == 2
    limiter.cancel(first)  # the slot goes to a...
    a.cancel()  # ...which is cancelled before it could take it: b must get it
    permit_b = await asyncio.wait_for(b, 5)
    with pytest.raises(asyncio.CancelledError):
        await a
    assert permit_b.path == "/b"
    assert limiter._queue == []


async def test_cancelled_waiter_does_not_hold_its_place() -> None:
    limiter, first = exhausted()
    a = asyncio.create_task(limiter.acquire_async("GET", "/a"))
    await asyncio.sleep(0.01)
    b = asyncio.create_task(limiter.acquire_async("GET", "/b"))
    await asyncio.sleep(0.01)
    a.cancel()
    with pytest.raises(asyncio.CancelledError):
        await a
    limiter.cancel(first)
    assert (await asyncio.wait_for(b, 5)).path == "/b"


def test_wait_hook_and_log_line(caplog: pytest.LogCaptureFixture) -> None:
    events: list[WaitEvent] = []
    clock = FakeClock()
    policy = RateLimitPolicy(
        global_limit=1, window_seconds=30.0, learn_from_headers=False, reset_margin_seconds=0.0
    )
    limiter = InProcessLimiter(policy, clock=clock, sleep=clock.sleep, on_wait=events.append)
    caplog.set_level(logging.INFO, logger="front_client.limiter")
    limiter.acquire("GET", "/a")
    clock.now = 10.0
    limiter.acquire("GET", "/b")
    assert [(e.path, e.reason, e.seconds) for e in events] == [("/b", "global", 20.0)]
    assert clock.slept == [20.0]
    assert any("waiting 20.000s" in r.getMessage() and "/b" in r.getMessage() for r in caplog.records)
    stats = limiter.stats()
    assert (stats.sent, stats.waited, stats.waited_seconds) == (2, 1, 20.0)


def test_injected_sleep_drives_a_fake_clock() -> None:
    clock = FakeClock()
    policy = RateLimitPolicy(
        global_limit=2, window_seconds=60.0, learn_from_headers=False, reset_margin_seconds=0.0
    )
    limiter = InProcessLimiter(policy, clock=clock, sleep=clock.sleep)
    for i in range(5):
        limiter.acquire("GET", f"/{i}")
    assert clock.slept == [60.0, 60.0]  # the 3rd and the 5th request waited for the next window
    stats = limiter.stats()
    assert (stats.sent, stats.waited, stats.waited_seconds) == (5, 2, 120.0)
    assert stats.budget is not None and (stats.budget.used, stats.budget.remaining) == (1, 1)


# -- a 429 pause longer than max_pause: refused at once, never slept ---------------------------------------
def paused_limiter(
    retry_after: str, tier: str | None = None, **options: float | None
) -> tuple[InProcessLimiter, FakeClock, list[float]]:
    """A limiter on a fake clock (sleeps recorded) that has just seen a 429 with ``retry_after``."""
    clock = FakeClock()
    policy = RateLimitPolicy(learn_from_headers=False)
    sleeps = {"sleep": clock.sleep, "async_sleep": clock.async_sleep}
    limiter = InProcessLimiter(policy, clock=clock, **sleeps, **options)  # type: ignore[arg-type]
    permit = limiter.acquire("PATCH" if tier else "GET", "/conversations/cnv_1")
    headers = {"Retry-After": retry_after, **({"X-Front-Tier": tier} if tier else {})}
    limiter.observe(permit, 429, headers)
    return limiter, clock, clock.slept


@pytest.mark.parametrize("use_asyncio", [False, True], ids=["sync", "async"])
async def test_a_pause_over_max_pause_is_refused_at_once(use_asyncio: bool) -> None:
    limiter, clock, slept = paused_limiter("300")  # the default max_pause: 120 s
    clock.now += 10.0
    with pytest.raises(RateLimitPauseError) as caught:
        if use_asyncio:
            await limiter.acquire_async("GET", "/contacts")
        else:
            limiter.acquire("GET", "/contacts")
    error = caught.value
    assert isinstance(error, RateLimitError) and isinstance(error, FrontClientError)
    assert isinstance(error, LimiterError)
    assert (error.status, error.retry_after, error.scope, error.tier) == (429, 290.0, "global", None)
    assert (error.method, error.url, error.max_pause) == ("GET", "/contacts", 120.0)
    assert "not sent" in str(error) and "290" in str(error)
    assert slept == []
    assert limiter._queue == []
    stats = limiter.stats()
    assert (stats.sent, stats.refused, stats.waited) == (1, 1, 0)


def test_a_pause_within_max_pause_is_waited() -> None:
    limiter, _, slept = paused_limiter("300", max_pause=600.0)
    limiter.acquire("GET", "/contacts")
    assert slept == [300.0]
    limiter, _, slept = paused_limiter("300", max_pause=None)  # None: no cap
    limiter.acquire("GET", "/contacts")
    assert slept == [300.0]
    with pytest.raises(ValueError, match="max_pause"):
        InProcessLimiter(max_pause=-1.0)


def test_a_tier_pause_over_max_pause_refuses_that_tier_only() -> None:
    limiter, _, slept = paused_limiter("200", tier="tier-2")
    with pytest.raises(RateLimitPauseError) as caught:
        limiter.acquire("PATCH", "/conversations/cnv_2")
    assert (caught.value.retry_after, caught.value.scope, caught.value.tier) == (200.0, "2", "2")
    limiter.acquire("GET", "/contacts")
    assert slept == []


def test_a_queued_waiter_is_refused_when_a_long_pause_arrives() -> None:
    limiter, first = exhausted()  # (a fake clock: the pause left is exactly Retry-After)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(limiter.acquire, "GET", "/waiting")  # the window is spent: an ordinary wait
        while not limiter._queue:
            threading.Event().wait(0.001)
        limiter.observe(first, 429, {"Retry-After": "3600"})  # now it would wait an hour: refused instead
        with pytest.raises(RateLimitPauseError) as caught:
            waiting.result(5)
    assert caught.value.retry_after == pytest.approx(3600.0)
    assert limiter._queue == []


def test_the_two_refusals_are_siblings_under_one_refused_error() -> None:
    """A wait refused over ``max_wait`` is not a pause: one base class catches both, neither is the other."""
    assert issubclass(RateLimitPauseError, RateLimitRefusedError)
    assert issubclass(RateLimitWaitError, RateLimitRefusedError)
    assert not issubclass(RateLimitWaitError, RateLimitPauseError)
    assert not issubclass(RateLimitPauseError, RateLimitWaitError)
    assert issubclass(RateLimitRefusedError, RateLimitError)
    assert issubclass(RateLimitRefusedError, LimiterError)
    limiter, _ = exhausted()  # a 1000 s window whose one slot is taken
    limiter.max_wait = 60.0
    with pytest.raises(RateLimitRefusedError) as caught:
        limiter.acquire("GET", "/b")
    assert type(caught.value) is RateLimitWaitError
    assert (caught.value.max_wait, caught.value.scope) == (60.0, "global")
    assert not hasattr(caught.value, "max_pause")
