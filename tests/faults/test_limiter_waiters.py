"""Many waiters on one in-process limiter (issue 12, item 5): 1,000 asyncio tasks or 500 threads get no
429 and cost the limiter a bounded number of decisions and wake-ups per request, however many wait (it used
to re-examine every queued waiter on every event and wake them all at each window's edge: O(n^2), event-loop
stalls, then 429s). Counts only; the speed itself is a ``make bench`` row."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from front_client.limiter import InProcessLimiter
from front_client.limiter.local import _AsyncWaiter, _ThreadWaiter
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.limiter.harness import policy_for, run_tasks, run_threads, untiered

# 50 a second: a pace this shared 2-core machine keeps up with while other suites run. (Faster, a window's
# burst can take longer to send than the window lasts: requests granted in one window then reach the
# server in the next, whatever the limiter decides.)
LIMITS = EmulatorLimits.scaled(global_limit=50, window_seconds=1.0, tier_period=0.25)
# Per request, whatever the number of waiters: its own decision, a look when it reaches the head, the
# decision after each response...
MAX_DECISIONS_PER_REQUEST = 8
MAX_WAKES_PER_REQUEST = 3


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits.scaled(50, 1.0, 0.25), stateful=False) as em:
        yield em


class Counted:
    """Counts the core's decisions and the waiters' wake-ups of one limiter."""

    def __init__(self, limiter: InProcessLimiter, monkeypatch: pytest.MonkeyPatch) -> None:
        self.decisions = self.wakes = 0
        self._lock = threading.Lock()
        core = limiter._core
        decide = core.try_acquire

        def counted_decide(*args: Any, **kwargs: Any) -> Any:
            self.decisions += 1  # under the limiter's lock
            return decide(*args, **kwargs)

        monkeypatch.setattr(core, "try_acquire", counted_decide)
        for cls in (_ThreadWaiter, _AsyncWaiter):
            wake = cls.wake

            def counted_wake(waiter: Any, wake: Any = wake) -> None:
                with self._lock:
                    self.wakes += 1
                wake(waiter)

            monkeypatch.setattr(cls, "wake", counted_wake)


@pytest.mark.parametrize(("mode", "waiters"), [("asyncio tasks", 1000), ("threads", 500)])
def test_many_waiters_no_429_and_constant_work_per_request(
    mode: str, waiters: int, emulator: FrontEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    counted = Counted(limiter, monkeypatch)
    calls = untiered(waiters)
    if mode == "threads":
        statuses = run_threads(limiter, emulator.base_url, calls, waiters)
    else:
        statuses = asyncio.run(run_tasks(limiter, emulator.base_url, calls, waiters))
    assert statuses == [200] * waiters
    assert emulator.responses_429 == 0
    assert emulator.total_received == waiters
    assert limiter._queue == []
    per_request = (counted.decisions / waiters, counted.wakes / waiters)
    print(f"{mode}: %.2f decisions, %.2f wakes per request" % per_request)
    assert counted.decisions <= MAX_DECISIONS_PER_REQUEST * waiters, counted.decisions / waiters
    assert counted.wakes <= MAX_WAKES_PER_REQUEST * waiters, counted.wakes / waiters


def test_tiered_and_untiered_waiters_keep_their_order_across_lanes() -> None:
    """Only lane heads are examined, yet FIFO holds across lanes: a later untiered request does not take
    the global slot an earlier tiered one can use in this window."""
    from front_client.limiter import RateLimitPolicy

    policy = RateLimitPolicy(global_limit=2, window_seconds=1000.0, learn_from_headers=False)
    limiter = InProcessLimiter(policy)
    first, second = limiter.acquire("GET", "/a"), limiter.acquire("GET", "/b")  # the window is spent
    order: list[str] = []

    def worker(method: str, path: str) -> None:
        limiter.acquire(method, path)
        order.append(path)

    threads = []
    for method, path in [("PATCH", "/conversations/c1"), ("GET", "/contacts/1"), ("GET", "/contacts/2")]:
        thread = threading.Thread(target=worker, args=(method, path))
        thread.start()
        threads.append(thread)
        while len(limiter._queue) < len(threads):
            threading.Event().wait(0.001)
    limiter.cancel(first)  # one slot: the tiered request came first, it gets it
    while not order:
        threading.Event().wait(0.001)
    limiter.cancel(second)
    while len(order) < 2:
        threading.Event().wait(0.001)
    assert order == ["/conversations/c1", "/contacts/1"]
    assert [w.path for w in limiter._queue] == ["/contacts/2"]
    limiter.reset()  # a fresh budget: the last one goes too
    for thread in threads:
        thread.join(5)
    assert order == ["/conversations/c1", "/contacts/1", "/contacts/2"]
