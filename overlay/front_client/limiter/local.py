"""The in-process shell: one ``LimiterCore`` behind a ``threading.Lock``, usable from threads and from
asyncio tasks (on any number of loops) at the same time.

Waiters queue in FIFO order. Whoever changes the state (a new caller, a response, a cancel, a waiter whose
time is up) runs ``_dispatch``, which walks the queue once: it grants whatever the core allows, telling the
core how many earlier waiters compete for the same budget, and wakes the waiters it granted or whose wait got
shorter. A thread waits on a ``threading.Event``, a task on an ``asyncio.Event`` set through its loop's
``call_soon_threadsafe``: nobody spins, and the loop is never blocked. The waiting logic itself is one
generator (``_steps``) driven by a sync and an async driver that differ only in how they block.

A 429 pause with more than ``max_pause`` seconds left is not waited: the core answers a ``Refusal`` and the
caller gets ``RateLimitPauseError`` at once, also a caller that was already queued when the 429 came.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import cast

from front_client.limiter.base import DEFAULT_MAX_PAUSE, LimiterStats, WaitHook, _Recorder, check_max_pause
from front_client.limiter.core import LimiterCore, Permit, Refusal, Wait, parse_rate_headers
from front_client.limiter.errors import LimiterTimeout
from front_client.limiter.policy import RateLimitPolicy

__all__ = ["InProcessLimiter"]


class _Waiter:
    def __init__(self, method: str, path: str, tier: str | None) -> None:
        self.method, self.path, self.tier = method, path, tier
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
            self.event.wait(seconds)
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
                async with asyncio.timeout(seconds):
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
    ``retry_after`` = the time left, and the scope / tier) at once. Ordinary budget waits (a spent window,
    a busy tier) are not capped by it. The client's default limiter gets the client's ``max_retry_after``.
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
    ) -> None:
        self.policy = policy if policy is not None else RateLimitPolicy()
        self.max_pause = check_max_pause(max_pause)
        self._core = LimiterCore(self.policy)
        self._clock, self._wall_clock = clock, wall_clock
        self._sleep, self._async_sleep = sleep, async_sleep
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._recorder = _Recorder(on_wait)

    # -- the shared waiting logic ------------------------------------------------------------------------
    def _tier_name(self, method: str, path: str) -> str | None:
        tier = self.policy.tier_for(method, path)
        return None if tier is None else tier.name

    def _dispatch(self, now: float, caller: _Waiter | None = None) -> None:
        """Under the lock: grant in FIFO order what the budget allows; wake whom it concerns."""
        ahead = 0
        ahead_in_tier: dict[str, int] = {}
        for waiter in list(self._queue):
            in_tier = ahead_in_tier.get(waiter.tier, 0) if waiter.tier is not None else 0
            result = self._core.try_acquire(
                now, waiter.method, waiter.path, ahead=ahead, ahead_in_tier=in_tier, max_pause=self.max_pause
            )
            if isinstance(result, Refusal):  # a 429 pause longer than max_pause: out of the queue, raises
                waiter.refusal = result
                self._queue.remove(waiter)
                if waiter is not caller:
                    waiter.wake()
                continue
            if isinstance(result, Permit):
                waiter.permit = result
                self._queue.remove(waiter)
                if waiter is not caller:
                    waiter.wake()
                continue
            waiter.wait = result
            if result.holds_global:
                ahead += 1
            if waiter.tier is not None:
                ahead_in_tier[waiter.tier] = in_tier + 1
            if waiter is not caller and now + result.seconds < waiter.sleep_until - 1e-6:
                waiter.wake()

    def _steps(self, waiter: _Waiter, timeout: float | None) -> Generator[float, None, Permit]:
        """Queue ``waiter``; yield how long to block until it holds a permit, then return the permit."""
        start = self._clock()
        deadline = None if timeout is None else start + timeout
        announced = False
        with self._lock:
            self._queue.append(waiter)
        while True:
            now = self._clock()
            with self._lock:
                if waiter.permit is None and waiter.refusal is None:
                    self._dispatch(now, caller=waiter)
                permit, wait, refusal = waiter.permit, waiter.wait, waiter.refusal
                seconds = 0.0
                if permit is None and refusal is None:
                    assert wait is not None
                    seconds = wait.seconds if deadline is None else min(wait.seconds, deadline - now)
                    waiter.sleep_until = now + seconds
            if permit is not None:
                self._recorder.granted(now - start if announced else 0.0)
                return permit
            if refusal is not None:
                assert self.max_pause is not None
                raise self._recorder.refused(waiter.method, waiter.path, refusal, self.max_pause)
            assert wait is not None
            if seconds <= 0:
                self._recorder.timed_out()
                raise LimiterTimeout(
                    f"{waiter.method} {waiter.path}: no budget within {timeout}s (waiting for {wait.scope})"
                )
            if not announced:
                announced = True
                self._recorder.waiting(waiter.method, waiter.path, wait)
            yield seconds

    def _abandon(self, waiter: _Waiter) -> None:
        """The caller gave up (timeout, cancellation, error): leave the queue, return a late permit."""
        with self._lock:
            if waiter in self._queue:
                self._queue.remove(waiter)
            permit, waiter.permit = waiter.permit, None
            if permit is not None:
                self._core.cancel(self._clock(), permit)
            self._dispatch(self._clock())
        if permit is not None:
            self._recorder.granted(0.0)
            self._recorder.cancelled()

    # -- public API --------------------------------------------------------------------------------------
    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit:
        """Block this thread until ``method path`` may be sent. Raises ``LimiterTimeout``."""
        waiter = _ThreadWaiter(method.upper(), path, self._tier_name(method, path))
        steps = self._steps(waiter, timeout)
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
        """Wait (without blocking the loop) until ``method path`` may be sent. Raises ``LimiterTimeout``."""
        waiter = _AsyncWaiter(method.upper(), path, self._tier_name(method, path))
        steps = self._steps(waiter, timeout)
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

    def stats(self) -> LimiterStats:
        with self._lock:
            budget = self._core.budget(self._clock())
        return self._recorder.snapshot(budget)
