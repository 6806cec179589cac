"""Poisoned rate-limit headers from a misbehaving server (issue 12, items 1 and 2), through the whole
client (retry -> limit -> network), sync and async. Time is fake: the assertions are on how long the client
slept (or would have), never on how long the test took."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from front_client import AsyncFrontClient, FrontClient, RateLimitError
from front_client.limiter import InProcessLimiter, RateLimitPauseError, RateLimitPolicy, RateLimitWaitError
from front_client.testing import FrontEmulator

from tests.faults.conftest_limiter import Script, rate, scripted_server
from tests.support.clock import WALL0, FakeClock
from tests.support.clocked import clocked

__all__ = ["scripted_server"]

POLICY = RateLimitPolicy()  # Front's: 100 per 60 s
BOUND = POLICY.max_reset_windows * POLICY.window_seconds + POLICY.reset_margin_seconds
MODES = ["sync", "async"]


def call_all(mode: str, server: FrontEmulator, time: FakeClock | None, n: int, **options: Any) -> list[Any]:
    """``n`` calls one after the other through one client; each result is a status or the exception."""
    fake: dict[str, Any] = {}
    if time is not None:
        sleep = time.sleep if mode == "sync" else time.async_sleep
        fake = {"clock": time.clock, "wall_clock": time.wall, "sleep": sleep}
    if mode == "sync":
        results: list[Any] = []
        with FrontClient("token", **clocked(base_url=server.base_url, **fake, **options)) as client:
            for i in range(n):
                try:
                    results.append(client.request("GET", f"/contacts/crd_{i}").status_code)
                except Exception as exc:
                    results.append(exc)
        return results

    async def main() -> list[Any]:
        results: list[Any] = []
        async with AsyncFrontClient(
            "token", **clocked(base_url=server.base_url, **fake, **options)
        ) as client:
            for i in range(n):
                try:
                    # Bounded here so a limiter frozen for years fails the test instead of hanging it.
                    results.append((await asyncio.wait_for(client.request("GET", f"/c/{i}"), 20)).status_code)
                except Exception as exc:
                    results.append(exc)
        return results

    return asyncio.run(main())


# -- item 1: X-RateLimit-Reset far ahead ---------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_poisoned_reset_gives_way_to_the_next_consistent_one(
    mode: str, scripted_server: FrontEmulator
) -> None:
    time = FakeClock()
    scripted_server.fallback = Script(
        rate(100, 99, str(WALL0 + 1e9)),  # one poisoned response: the window "ends" in 31 years
        rate(100, 98, str(WALL0 + 30)),  # the next ones are Front's real window
        rate(100, 0, str(WALL0 + 30)),  # spent
        rate(100, 99, str(WALL0 + 91)),  # the next window
    )
    assert call_all(mode, scripted_server, time, 4) == [200] * 4
    assert time.slept == [pytest.approx(30 + POLICY.reset_margin_seconds)]  # to the real reset, not 1e9 s


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "reset",
    [str(WALL0 + 1e9), "1e15", str(int((WALL0 + 1e9) * 1000)), "1e300"],
    ids=["+1e9", "1e15", "ms", "1e300"],
)
def test_a_poisoned_reset_alone_stops_nothing_for_longer_than_the_bound(
    mode: str, reset: str, scripted_server: FrontEmulator
) -> None:
    time = FakeClock()
    scripted_server.fallback = Script(rate(100, 0, reset), rate(100, 99, str(WALL0 + BOUND + 60)))
    results = call_all(mode, scripted_server, time, 2, max_retry_after=600.0)
    assert results == [200, 200]
    assert time.slept == [pytest.approx(BOUND)]  # at most two windows, whatever the header said


@pytest.mark.parametrize("mode", MODES)
def test_a_reset_beyond_the_callers_limits_is_refused_not_waited(
    mode: str, scripted_server: FrontEmulator
) -> None:
    """The issue's case: Remaining 0 and a Reset 400 s ahead, a client with max_retry_after=120,
    max_total_wait=300: it used to wait 401 s."""
    time = FakeClock()
    scripted_server.fallback = Script(rate(100, 0, str(WALL0 + 400)))
    first, second = call_all(
        mode, scripted_server, time, 2, max_retry_after=120.0, max_total_wait=300.0, timeout=10.0
    )
    assert first == 200
    assert isinstance(second, RateLimitWaitError) and isinstance(second, RateLimitError)
    assert second.scope == "global" and second.max_wait == 120.0
    assert second.retry_after is not None
    assert 120.0 < second.retry_after <= BOUND
    assert "max_wait" in str(second) and "not sent" in str(second)
    assert time.slept == []
    assert scripted_server.total_received == 1  # the refused call was not sent


@pytest.mark.parametrize("mode", MODES)
def test_an_absurd_reset_on_a_real_clock_raises_a_typed_error_not_overflow(
    mode: str, scripted_server: FrontEmulator
) -> None:
    """``Reset: 1e15`` (read as milliseconds: 31,000 years) once made the sync call die with a raw
    OverflowError (timestamp out of range for platform time_t) and the async one wait for ever."""
    scripted_server.fallback = Script(rate(100, 0, "1e15"))
    first, second = call_all(mode, scripted_server, None, 2, max_retry_after=30.0)
    assert first == 200
    assert isinstance(second, RateLimitWaitError), repr(second)
    assert second.retry_after is not None
    assert second.retry_after <= BOUND


# -- item 2: an absurd Retry-After ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("retry_after", ["1e9", "Fri, 31 Dec 9999 23:59:59 GMT"], ids=["1e9", "year 9999"])
def test_an_absurd_retry_after_pauses_at_most_the_ceiling_and_reset_clears_it(
    mode: str, retry_after: str, scripted_server: FrontEmulator
) -> None:
    time = FakeClock()
    too_many = rate(100, 50, str(WALL0 + 30), status=429, Retry_After=retry_after)
    scripted_server.fallback = Script(too_many, rate(100, 98, str(WALL0 + 30)))
    limiter = InProcessLimiter(
        clock=time.clock, wall_clock=time.wall, sleep=time.sleep, async_sleep=time.async_sleep
    )
    first, second = call_all(mode, scripted_server, time, 2, limiter=limiter)
    assert isinstance(first, RateLimitError)  # not slept through: over max_retry_after
    assert isinstance(second, RateLimitPauseError)  # the pause: refused at once, unsent...
    assert second.retry_after == pytest.approx(POLICY.pause_ceiling_seconds)  # ...for an hour at most
    assert time.slept == [] and scripted_server.total_received == 1

    if mode == "sync":
        limiter.reset()
    else:
        asyncio.run(limiter.reset_async())
    budget = limiter.stats().budget
    assert budget is not None and budget.paused_for == 0.0 and not budget.known
    assert call_all(mode, scripted_server, time, 1, limiter=limiter) == [200]  # served again at once
    assert time.slept == []
