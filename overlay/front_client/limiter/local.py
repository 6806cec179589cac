"""The in-process shell: one ``LimiterCore`` behind a ``threading.Lock``, usable from threads and from
asyncio tasks (on any number of loops) at the same time.

Waiters queue in *lanes*, one per tier plus one for untiered requests: all the waiters of a lane need the
same budget, so if its head cannot go, nobody behind it can, and only heads are ever examined. Whoever
changes the state (a new caller, a response, a cancel, a head whose time is up) runs ``_dispatch``: it takes
the lane heads in arrival order, grants what the core allows (telling it how many earlier waiters of other
lanes hold a slot of the current window: FIFO across lanes, while an untiered request is never stuck behind
a request waiting only for its tier), and stops at the first head of each lane that has to wait. It wakes
the waiters it granted, and a head that must look again sooner than it planned (a newly promoted head
has planned nothing). Only heads sleep with a timer; the others sleep until woken. So a dispatch costs
O(lanes + permits granted), not O(waiters), and nobody wakes just to find it must wait again: 1,000
waiters cost what 10 do. A thread waits on a ``threading.Event``, a task on an ``asyncio.Event`` set
through its loop's ``call_soon_threadsafe``: nobody spins, and the loop is never blocked. The waiting
logic itself is one generator (``_steps``) driven by a sync and an async driver that differ only in how
they block.

A 429 pause with more than ``max_pause`` seconds left, or any wait longer than ``max_wait``, is not waited:
the core answers a ``Refusal`` and the caller gets ``RateLimitPauseError`` (``RateLimitWaitError``; both
are ``RateLimitRefusedError``) at once, also a caller that was already queued when the 429 came.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import cast

from front_client.limiter.base import DEFAULT_MAX_PAUSE, LimiterStats, WaitHook, _Recorder, check_max_pause
from front_client.limiter.core import LimiterCore, Permit, Refusal, Wait
from front_client.limiter.errors import LimiterTimeout
from front_client.limiter.headers import parse_rate_headers
from front_client.limiter.policy import RateLimitPolicy

__all__ = ["InProcessLimiter"]

# The longest a waiter blocks in one go (it then simply looks again): well within what
# ``threading.Event.wait`` accepts on every platform, whatever a misconfigured policy asks for.
_MAX_BLOCK = 3600.0


class _Waiter:
    def __init__(self, method: str, path: str, tier: str | None) -> None:
        self.method, self.path, self.tier = method, path, tier
        self.arrival = 0  # the place in line, across lanes (set when queued)
        self.permit: Permit | None = None
        self.wait: Wait | None = None
        self.refusal: Refusal | None = None
        # When the waiter will look again by itself; -inf while it is not blocked.
        self.sleep_until = -math.inf

    def wake(self) -> None:
        raise NotImplementedError


class _ThreadWaiter(_Waiter):
    def __init__(self, method: str, path: str, tier: str | None) -> None:
        super().__init__(method, path, tier)
        self.event = threading.Event()

    def wake(self) -> None:
        self.event.set()

    def block(self, seconds: float, sleep: Callable[[float], None] | None) -> None:
        if sleep is not None:
            sleep(seconds)
        else:
            self.event.wait(None if math.isinf(seconds) else min(seconds, _MAX_BLOCK))
        self.event.clear()


class _AsyncWaiter(_Waiter):
    def __init__(self, method: str, path: str, tier: str | None) -> None:
        import asyncio  # here, not at the top: a sync-only program need not import asyncio (~25 ms)

        super().__init__(method, path, tier)
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there any more
            self.loop.call_soon_threadsafe(self.event.set)

    async def block(self, seconds: float, sleep: Callable[[float], Awaitable[None]] | None) -> None:
        if sleep is not None:
            await sleep(seconds)
        else:
            import asyncio

            try:
                async with asyncio.timeout(None if math.isinf(seconds) else min(seconds, _MAX_BLOCK)):
                    await self.event.wait()
            except TimeoutError:
                pass
        self.event.clear()


class InProcessLimiter:
    """The default limiter: the company budget as seen by this process.

    ``clock`` (monotonic seconds) drives every decision; ``wall_clock`` only converts
    ``X-RateLimit-Reset`` timestamps. ``sleep`` / ``async_sleep`` replace the event waits (for tests with a
    fake clock; the waiter then cannot be woken early). ``on_wait`` is called (outside any lock) once per
    request that has to wait.

    ``max_pause`` (seconds, default 120 like the client's ``max_retry_after``; ``None``: no cap): after a
    429, its ``Retry-After`` pauses the global scope or the tier. A request that would have to wait longer
    than ``max_pause`` for such a pause is not sent and not slept: ``acquire`` raises
    :class:`~front_client.limiter.errors.RateLimitPauseError` (a ``RateLimitError`` carrying
    ``retry_after`` = the time left, and the scope / tier) at once. The client's default limiter gets the
    client's ``max_retry_after``.

    ``max_wait`` (seconds, default ``None``: no cap): the longest wait of any kind (a spent window, a busy
    tier, a pause) a request accepts; a longer one raises
    :class:`~front_client.limiter.errors.RateLimitWaitError` at once. It bounds each wait the budget
    announces, not a place in a long queue (bound that with ``acquire_timeout``). The client's default
    limiter gets ``min(max_retry_after, max_total_wait)``.

    ``acquire_timeout`` (seconds, default ``None``: none): the longest a request waits in this limiter in
    all (its place in a queue of other waiters included); then ``acquire`` raises
    :class:`~front_client.limiter.errors.LimiterTimeout` and the request is not sent. ``acquire(...,
    timeout=...)`` overrides it for one call.

    ``reset()`` forgets what responses taught (limit, window, 429 pauses): the way out of a state you know
    to be wrong.
    """

    def __init__(
        self,
        policy: RateLimitPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        on_wait: WaitHook | None = None,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        max_pause: float | None = DEFAULT_MAX_PAUSE,
        max_wait: float | None = None,
        acquire_timeout: float | None = None,
    ) -> None:
        self.policy = policy if policy is not None else RateLimitPolicy()
        self.max_pause = check_max_pause(max_pause)
        self.max_wait = check_max_pause(max_wait, "max_wait")
        self.acquire_timeout = check_max_pause(acquire_timeout, "acquire_timeout")
        self._core = LimiterCore(self.policy)
        self._clock, self._wall_clock = clock, wall_clock
        self._sleep, self._async_sleep = sleep, async_sleep
        self._lock = threading.Lock()
        # One FIFO per lane: None for untiered requests, else the tier's name.
        self._lanes: dict[str | None, deque[_Waiter]] = {}
        # Per blocked lane after the last dispatch: its head's wait.
        self._lane_waits: dict[str | None, Wait] = {}
        self._arrivals = itertools.count()
        self._recorder = _Recorder(on_wait)

    @property
    def _queue(self) -> list[_Waiter]:
        """Every waiter, in arrival order (for tests and debugging)."""
        with self._lock:
            return sorted((w for lane in self._lanes.values() for w in lane), key=lambda w: w.arrival)

    # -- the shared waiting logic ------------------------------------------------------------------------
    def _tier_name(self, method: str, path: str) -> str | None:
        tier = self.policy.tier_for(method, path)
        return None if tier is None else tier.name

    def _holding(self, lane: str | None, wait: Wait, now: float) -> int:
        """How many waiters of a blocked lane hold a slot of the current global window: all of an
        untiered lane; of a tier's, as many as the tier lets go before the window ends."""
        if lane is None:
            return len(self._lanes[lane])
        if not wait.holds_global:
            return 0
        window_end = self._core.state.window_end
        assert window_end is not None
        until = window_end + self.policy.reset_margin_seconds
        return min(len(self._lanes[lane]), self._core.tier_slots_before(now, lane, until))

    def _dispatch(self, now: float, caller: _Waiter | None = None) -> None:
        """Under the lock: grant in FIFO order what the budget allows; wake whom it concerns."""
        blocked: dict[str | None, int] = {}  # lane -> how many of its waiters hold a global slot
        self._lane_waits = {}
        while True:
            head: _Waiter | None = None
            for lane, waiters in self._lanes.items():
                if waiters and lane not in blocked and (head is None or waiters[0].arrival < head.arrival):
                    head = waiters[0]
            if head is None:
                return
            ahead = 0
            for lane, holding in blocked.items():
                if holding:  # of those, the ones that came before this head
                    before = bisect.bisect_left(self._lanes[lane], head.arrival, key=lambda w: w.arrival)
                    ahead += min(holding, before)
            result = self._core.try_acquire(
                now, head.method, head.path, ahead=ahead, max_pause=self.max_pause, max_wait=self.max_wait
            )
            if isinstance(result, Wait):
                head.wait = result
                self._lane_waits[head.tier] = result
                blocked[head.tier] = self._holding(head.tier, result, now)
                if head is not caller and now + result.seconds < head.sleep_until - 1e-6:
                    head.wake()  # newly at the head, or its wait got shorter
                continue
            self._lanes[head.tier].popleft()
            if isinstance(result, Permit):
                head.permit = result
            else:  # a refusal (pause over max_pause, wait over max_wait): out of the queue, raises
                head.refusal = result
            if head is not caller:
                head.wake()

    def _steps(self, waiter: _Waiter, timeout: float | None) -> Generator[float, None, Permit]:
        """Queue ``waiter``; yield how long to block until it holds a permit, then return the permit."""
        start = self._clock()
        deadline = None if timeout is None else start + timeout
        announced = False
        injected = (
            self._sleep is not None if isinstance(waiter, _ThreadWaiter) else self._async_sleep is not None
        )
        with self._lock:
            waiter.arrival = next(self._arrivals)
            self._lanes.setdefault(waiter.tier, deque()).append(waiter)
        while True:
            now = self._clock()
            with self._lock:
                if waiter.permit is None and waiter.refusal is None:
                    self._dispatch(now, caller=waiter)
                permit, refusal = waiter.permit, waiter.refusal
                wait: Wait | None = None
                seconds = 0.0
                if permit is None and refusal is None:
                    lane = self._lanes[waiter.tier]
                    wait = self._lane_waits[waiter.tier]
                    # Only a head sleeps with a timer; the others are woken when they reach the head. (An
                    # injected sleep cannot be woken: it sleeps as long as the head's wait.)
                    seconds = wait.seconds if lane[0] is waiter or injected else math.inf
                    if deadline is not None:
                        seconds = min(seconds, deadline - now)
                    waiter.sleep_until = now + seconds
            if permit is not None:
                self._recorder.granted(now - start if announced else 0.0)
                return permit
            if refusal is not None:
                raise self._recorder.refused(
                    waiter.method, waiter.path, refusal, self.max_pause, self.max_wait
                )
            assert wait is not None
            if seconds <= 0:
                self._recorder.timed_out()
                raise LimiterTimeout(
                    f"{waiter.method} {waiter.path}: no budget within {timeout}s (waiting for {wait.reason})"
                )
            if not announced:
                announced = True
                self._recorder.waiting(waiter.method, waiter.path, wait)
            yield seconds

    def _abandon(self, waiter: _Waiter) -> None:
        """The caller gave up (timeout, cancellation, error): leave the queue, return a late permit."""
        with self._lock:
            lane = self._lanes.get(waiter.tier)
            if lane is not None and waiter in lane:
                lane.remove(waiter)
            permit, waiter.permit = waiter.permit, None
            if permit is not None:
                self._core.cancel(self._clock(), permit)
            self._dispatch(self._clock())
        if permit is not None:
            self._recorder.granted(0.0)
            self._recorder.cancelled()

    # -- public API --------------------------------------------------------------------------------------
    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit:
        """Block this thread until ``method path`` may be sent. Raises ``LimiterTimeout`` after ``timeout``
        seconds (default: ``acquire_timeout``)."""
        waiter = _ThreadWaiter(method.upper(), path, self._tier_name(method, path))
        steps = self._steps(waiter, self.acquire_timeout if timeout is None else timeout)
        try:
            seconds = next(steps)
            while True:
                waiter.block(seconds, self._sleep)
                seconds = next(steps)
        except StopIteration as done:
            return cast(Permit, done.value)
        except BaseException:
            self._abandon(waiter)
            raise

    async def acquire_async(self, method: str, path: str, timeout: float | None = None) -> Permit:
        """Wait (without blocking the loop) until ``method path`` may be sent. Raises ``LimiterTimeout``
        after ``timeout`` seconds (default: ``acquire_timeout``)."""
        waiter = _AsyncWaiter(method.upper(), path, self._tier_name(method, path))
        steps = self._steps(waiter, self.acquire_timeout if timeout is None else timeout)
        try:
            seconds = next(steps)
            while True:
                await waiter.block(seconds, self._async_sleep)
                seconds = next(steps)
        except StopIteration as done:
            return cast(Permit, done.value)
        except BaseException:
            self._abandon(waiter)
            raise

    def observe(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        """After any response (``status_code`` 0: sent but no response): resync, pause on 429."""
        now, rate = self._clock(), parse_rate_headers(headers, self._wall_clock())
        with self._lock:
            paused = self._core.observe(now, permit, status_code, rate)
            self._dispatch(now)
        self._recorder.observed(status_code, paused)

    def cancel(self, permit: Permit) -> None:
        """The request was never sent: give its slot back."""
        with self._lock:
            now = self._clock()
            self._core.cancel(now, permit)
            self._dispatch(now)
        self._recorder.cancelled()

    async def observe_async(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        self.observe(permit, status_code, headers)

    async def cancel_async(self, permit: Permit) -> None:
        self.cancel(permit)

    def reset(self) -> None:
        """Forget what responses taught (the limit, the window, outside usage, 429 pauses), as if just
        made: the next request probes the budget again. For a state known to be wrong (a poisoned header
        from a misbehaving proxy, say); waiters refused or paused by it are served again at once."""
        with self._lock:
            self._core.reset()
            self._dispatch(self._clock())

    async def reset_async(self) -> None:
        self.reset()

    def stats(self) -> LimiterStats:
        with self._lock:
            budget = self._core.budget(self._clock())
        return self._recorder.snapshot(budget)
