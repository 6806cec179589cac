"""A Tier 2 burst of ``POST /channels/{id}/inbound_messages`` against the Front emulator: no 429 at all.

The emulator enforces Tier 2 (3 requests per period, counted apart from the global budget) and checks
every JWT; the client's limiter knows the route is Tier 2 from the one tier table, and waits before
sending instead of collecting 429s. Scaled: the tier period is 0.25 s instead of Front's 1 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from front_channel_api.api.messages import sync_inbound_message
from front_client import AsyncFrontChannelClient, FrontChannelClient, InProcessLimiter, RateLimitPolicy
from front_client.testing import EmulatorLimits, FrontEmulator

from .conftest import APP_SECRET, APP_UID, CHANNEL_ID
from .jwt_check import JWTCheckingRoute
from .test_client import MESSAGE

BURST = 12
TIER_PERIOD = 0.25


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(
        EmulatorLimits.scaled(global_limit=100, window_seconds=60.0, tier_period=TIER_PERIOD),
        stateful=False,
    ) as em:
        yield em


def scaled_limiter() -> InProcessLimiter:
    return InProcessLimiter(RateLimitPolicy(tier_rates={"2": (3, TIER_PERIOD)}))


def check(emulator: FrontEmulator, route: JWTCheckingRoute, uids: list[str]) -> None:
    assert emulator.responses_429 == 0, f"{emulator.responses_429} responses were 429"
    assert route.refused == [] and len(route.claims) == BURST
    assert len({c["jti"] for c in route.claims}) == BURST
    assert sorted(uids) == sorted(f"msg_{i}" for i in range(1, BURST + 1))
    counts = emulator.tier_window_counts("2")
    assert sum(counts) == BURST and max(counts) <= 3


def test_a_threaded_burst_of_inbound_messages_gets_no_429(emulator: FrontEmulator) -> None:
    route = JWTCheckingRoute(APP_SECRET).install(emulator)
    with FrontChannelClient(
        channel_id=CHANNEL_ID, app_uid=APP_UID, app_secret=APP_SECRET, base_url=emulator.base_url,
        limiter=scaled_limiter(), max_retries=0,
    ) as client, ThreadPoolExecutor(max_workers=6) as pool:  # fmt: skip
        answers = list(
            pool.map(
                lambda _i: sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE), range(BURST)
            )
        )
    check(emulator, route, [str(a.message_uid) for a in answers if a is not None])


async def test_an_asyncio_burst_of_inbound_messages_gets_no_429(emulator: FrontEmulator) -> None:
    route = JWTCheckingRoute(APP_SECRET).install(emulator)
    async with AsyncFrontChannelClient(
        channel_id=CHANNEL_ID, app_uid=APP_UID, app_secret=APP_SECRET, base_url=emulator.base_url,
        limiter=scaled_limiter(), max_retries=0,
    ) as client:  # fmt: skip
        answers = await asyncio.gather(
            *(sync_inbound_message.asyncio(CHANNEL_ID, client=client, body=MESSAGE) for _ in range(BURST))
        )
    check(emulator, route, [str(a.message_uid) for a in answers if a is not None])
