"""The limiter inside the real client stack (retry -> limit -> network) against the emulator: raw
``client.request`` calls are paced by the tier table too, and a 429 caused by someone else is waited out and
retried by the overlay's retry layer without losing or doubling a request. Sync (16 threads) and asyncio (64
tasks) run the same tests."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from front_client import AsyncFrontClient, FrontClient
from front_client.limiter import InProcessLimiter
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.limiter.harness import Call, policy_for, trigger_after, untiered

LIMITS = EmulatorLimits.scaled(global_limit=20, window_seconds=1.0, tier_period=0.25)
MODES = ["sync, 16 threads", "async, 64 tasks"]


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits.scaled(20, 1.0, 0.25), stateful=False) as em:
        yield em


def send_all(
    mode: str, limiter: InProcessLimiter, emulator: FrontEmulator, calls: Sequence[Call]
) -> list[int]:
    """Every call through one shared client; the final status of each."""
    if mode.startswith("sync"):
        with (
            FrontClient("token", base_url=emulator.base_url, limiter=limiter) as client,
            ThreadPoolExecutor(16) as pool,
        ):
            return list(pool.map(lambda call: client.request(*call).status_code, calls))

    async def main() -> list[int]:
        async with AsyncFrontClient("token", base_url=emulator.base_url, limiter=limiter) as client:
            gate = asyncio.Semaphore(64)

            async def one(method: str, path: str) -> int:
                async with gate:
                    return (await client.request(method, path)).status_code

            return await asyncio.gather(*(one(*call) for call in calls))

    return asyncio.run(main())


@pytest.mark.parametrize("mode", MODES)
def test_raw_requests_on_tiered_and_untiered_routes_get_no_429(mode: str, emulator: FrontEmulator) -> None:
    calls: list[Call] = [("POST", "/exports")] * 4 + [("POST", "/teams/tim_1/exports")] * 2
    calls += [("PATCH", f"/conversations/cnv_{i}") for i in range(6)]
    calls += [
        ("POST", f"/channels/cha_{i}/inbound_messages") for i in range(6)
    ]  # Channel API, not in the spec
    calls += untiered(22)
    limiter = InProcessLimiter(policy_for(LIMITS))
    assert send_all(mode, limiter, emulator, calls) == [200] * len(calls)
    assert emulator.responses_429 == 0, (emulator.global_429, dict(emulator.tier_429))
    assert emulator.served == Counter(calls)
    assert sum(emulator.tier_window_counts("1")) == 6 and max(emulator.tier_window_counts("1")) == 1
    assert sum(emulator.tier_window_counts("2")) == 12 and max(emulator.tier_window_counts("2")) == 3
    assert emulator.window_counts() == [20, 20]
    stats = limiter.stats()
    assert (stats.sent, stats.responses, stats.responses_429) == (40, 40, 0)


@pytest.mark.parametrize("mode", MODES)
def test_outside_burn_is_waited_out_and_retried_by_the_client(mode: str, emulator: FrontEmulator) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS))
    trigger_after(emulator, 22, lambda: emulator.burn())  # someone else spends the rest of window 2
    calls = untiered(50)
    assert send_all(mode, limiter, emulator, calls) == [200] * 50  # every call succeeded for its caller
    assert emulator.served == Counter(calls)  # each one passed Front's limits exactly once
    assert emulator.responses_429 > 0  # the requests already on their way met the burn...
    stats = limiter.stats()
    assert stats.global_429 == emulator.responses_429  # ...the limiter saw each one and paused everyone...
    assert stats.sent == emulator.total_received == 50 + emulator.responses_429  # ...and each retry met it
    assert emulator.responses_429 <= 20  # the pause stopped the pile-up: at most one window's worth
