"""Small ones: "1 attempt", a tier 429 naming its tier, a tier-2 ID holding an encoded ``/``."""

from __future__ import annotations

import httpx
import pytest
from front_client import InProcessLimiter, RateLimitError, RateLimitPolicy, ServerError
from front_client.limiter.transport import route_path
from front_client.tiers import tier_for
from front_core_api.api.conversations import get_conversation_by_id, update_conversation
from front_core_api.models.update_conversation import UpdateConversation

from tests.overlay.conftest import Reply, error_body

from .conftest import Driver


@pytest.mark.parametrize(
    ("max_retries", "wording"), [(0, "gave up after 1 attempt"), (2, "gave up after 3 attempts")]
)
async def test_attempts_are_counted_in_english(api: Driver, max_retries: int, wording: str) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(503, json=error_body(503, "Unavailable", "later")))
    with pytest.raises(ServerError) as caught:
        await api.call(api.client(max_retries=max_retries), get_conversation_by_id, "cnv_1")
    assert str(caught.value).endswith(wording)


async def test_a_tier_429_names_its_tier(api: Driver) -> None:
    headers = {"Retry-After": "500", "X-Front-Tier": "tier-2"}  # above max_retry_after: not slept
    api.front.on(
        "PATCH", "/conversations/cnv_1", Reply(429, json=error_body(429, "Too Many", "slow"), headers=headers)
    )
    with pytest.raises(RateLimitError) as caught:
        await api.call_detailed(
            api.client(), update_conversation, "cnv_1", body=UpdateConversation(status="archived")
        )
    assert caught.value.tier == "2"
    assert "burst tier 2 (3 per 1 s)" in str(caught.value)


async def test_a_global_429_names_no_tier(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(429, json=error_body(429, "Too Many", "slow")))
    with pytest.raises(RateLimitError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    assert caught.value.tier is None and "tier" not in str(caught.value)


def test_the_route_is_the_raw_path() -> None:
    url = httpx.URL("https://api2.frontapp.com/front/conversations/cnv%2F1?x=%2F")
    assert route_path(url, "/front") == "/conversations/cnv%2F1"
    assert tier_for("PATCH", route_path(url, "/front")) is not None


async def test_a_tier_2_id_with_an_encoded_slash_keeps_its_tier(api: Driver) -> None:
    """Four PATCHes of ``cnv/1`` (sent as ``cnv%2F1``): tier 2 allows 3 a second, so the 4th waits."""
    api.front.on("PATCH", "/conversations/cnv%2F1", Reply(200, json={}))  # one segment, as sent
    policy = RateLimitPolicy(learn_from_headers=False, tier_margin_seconds=0.0)
    limiter = InProcessLimiter(policy, clock=api.clock, sleep=api._sleep, async_sleep=api._async_sleep)
    client = api.client(limiter=limiter)
    for _ in range(4):
        await api.call_detailed(client, update_conversation, "cnv/1", body=UpdateConversation(status="open"))
    assert api.front.count("PATCH", "/conversations/cnv%2F1") == 4
    assert api.sleeps == [pytest.approx(1.0)]  # the 4th waited for the tier; the global budget had room
