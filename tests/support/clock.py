"""The one fake clock of the test suite: time moves only when a test (or a recorded sleep) moves it."""

from __future__ import annotations

import asyncio

__all__ = ["WALL0", "FakeClock"]

WALL0 = 1_800_000_000.0  # the fake wall clock (UNIX seconds) at fake monotonic time 0


class FakeClock:
    """Monotonic seconds (call it, or ``clock``) and the matching wall time (``wall``: ``WALL0 + now``).

    ``sleep`` / ``async_sleep`` advance it and record each sleep in ``slept``, so a test asserts how long the
    code under test *would* have waited, never how long the test took; ``async_sleep`` also yields to the
    event loop once, as a real sleep would. ``advance`` moves it without recording a sleep.
    """

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return WALL0 + self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)
