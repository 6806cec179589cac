"""LimitingTransport / AsyncLimitingTransport: what happens to a permit when the inner transport raises.

A fake clock drives the limiter and every wait is a recorded fake sleep, so the assertions are on the sleeps,
the instants the requests reached the (mock) network and the limiter's stats, never on elapsed time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
import pytest
from front_client import AsyncFrontClient, FrontClient
from front_client.limiter import InProcessLimiter, RateLimitPolicy, RedisLimiter
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport, _base_path, route_path

from tests.support.clock import FakeClock

TIER_1 = ("POST", "/exports")  # tier 1: 1 request per second
OTHER_TIER_1 = ("POST", "/teams/tim_1/exports")
UNTIERED = ("GET", "/tags")
MODES = ["sync", "async"]


@dataclass
class Network:
    """A mock network on a fake clock: the first request raises ``error`` (if any) after ``latency``
    seconds, the others get a 200 at once. ``sent_at``: the clock when each request reached it."""

    error: httpx.TransportError | None
    latency: float = 0.0
    clock: FakeClock = field(default_factory=FakeClock)
    sent_at: list[float] = field(default_factory=list)

    @property
    def slept(self) -> list[float]:
        return self.clock.slept

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent_at.append(self.clock.now)
        if len(self.sent_at) == 1 and self.error is not None:
            self.clock.advance(self.latency)
            raise self.error
        return httpx.Response(200)

    def limiter(self) -> InProcessLimiter:
        # No header learning (no probe), no tier margin: tier 1 frees exactly 1.0 s after a response.
        policy = RateLimitPolicy(learn_from_headers=False, tier_margin_seconds=0.0)
        clock = self.clock
        return InProcessLimiter(policy, clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep)


async def send_two(mode: str, network: Network, limiter: InProcessLimiter) -> int:
    """Send a tier-1 request (which fails as ``network`` says), then another one; the second one's status."""
    mock = httpx.MockTransport(network.handler)
    if mode == "sync":
        with httpx.Client(base_url="https://api.test", transport=LimitingTransport(mock, limiter)) as client:
            with pytest.raises(httpx.TransportError):
                client.request(*TIER_1)
            return client.request(*OTHER_TIER_1).status_code
    transport = AsyncLimitingTransport(mock, limiter)
    async with httpx.AsyncClient(base_url="https://api.test", transport=transport) as client:
        with pytest.raises(httpx.TransportError):
            await client.request(*TIER_1)
        return (await client.request(*OTHER_TIER_1)).status_code


@pytest.mark.parametrize("mode", MODES)
async def test_a_connect_error_gives_the_tier_slot_back(mode: str) -> None:
    """Never sent: the server did not count it, so the next tier-1 request goes at once."""
    network = Network(httpx.ConnectError("connection refused"))
    limiter = network.limiter()
    assert await send_two(mode, network, limiter) == 200
    assert network.slept == []  # not delayed by the failed request's tier slot...
    assert network.sent_at == [0.0, 0.0]
    stats = limiter.stats()
    assert (stats.sent, stats.cancelled, stats.waited, stats.responses) == (1, 1, 0, 1)
    assert stats.budget is not None and stats.budget.used == 1  # ...nor by its global slot


@pytest.mark.parametrize("mode", MODES)
async def test_a_read_timeout_holds_the_tier_slot_for_one_period_from_the_error(mode: str) -> None:
    """Sent, no response: Front may have counted it, so the tier slot counts from the error, for one tier
    period (not until ``inflight_timeout_seconds`` as a permit nobody observed would)."""
    network = Network(httpx.ReadTimeout("no response"), latency=0.5)
    limiter = network.limiter()
    assert limiter.policy.inflight_timeout_seconds == 60.0
    assert await send_two(mode, network, limiter) == 200
    assert network.slept == [pytest.approx(1.0)]  # one wait: the tier period after the error at 0.5
    assert network.sent_at == [0.0, pytest.approx(1.5)]
    stats = limiter.stats()
    assert (stats.sent, stats.cancelled, stats.waited, stats.responses) == (2, 0, 1, 1)
    assert stats.waited_seconds == pytest.approx(1.0)
    assert stats.budget is not None and stats.budget.used == 2  # the timed-out request counts


@pytest.mark.parametrize("mode", MODES)
async def test_a_connect_error_gives_the_tier_slot_back_in_redis(mode: str, redis_url: str) -> None:
    """The same through the shared backend (Redis' clock: the second request may not wait at all)."""
    network = Network(httpx.ConnectError("connection refused"))
    policy = RateLimitPolicy(learn_from_headers=False, tier_margin_seconds=0.0)
    # acquire_timeout 0: no wait allowed (a slot still held by the failed request would raise LimiterTimeout).
    limiter = RedisLimiter(redis_url, company_key=f"connect-error-{mode}", policy=policy, acquire_timeout=0)
    mock = httpx.MockTransport(network.handler)
    if mode == "sync":
        transport = LimitingTransport(mock, limiter)
        with httpx.Client(base_url="https://api.test", transport=transport) as client:
            with pytest.raises(httpx.ConnectError):
                client.request(*TIER_1)
            assert client.request(*OTHER_TIER_1).status_code == 200
    else:
        async_transport = AsyncLimitingTransport(mock, limiter)
        async with httpx.AsyncClient(base_url="https://api.test", transport=async_transport) as client:
            with pytest.raises(httpx.ConnectError):
                await client.request(*TIER_1)
            assert (await client.request(*OTHER_TIER_1)).status_code == 200
        await limiter.aclose()
    stats = limiter.stats()
    assert (stats.sent, stats.cancelled, stats.waited, stats.timeouts) == (1, 1, 0, 0)
    limiter.close()


@pytest.mark.parametrize("mode", MODES)
async def test_tiers_are_matched_below_a_base_url_path(mode: str) -> None:
    """An API gateway mounting Front under ``/front``: ``/front/exports`` is still tier 1 for the limiter."""
    network = Network(error=None)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return network.handler(request)

    limiter = network.limiter()
    mock = httpx.MockTransport(handler)
    base_url = "https://gateway.test/front/"
    if mode == "sync":
        with FrontClient("token", base_url=base_url, transport=mock, limiter=limiter) as client:
            statuses = [client.request(*call).status_code for call in (TIER_1, OTHER_TIER_1, UNTIERED)]
    else:
        async with AsyncFrontClient("token", base_url=base_url, transport=mock, limiter=limiter) as aclient:
            statuses = [
                (await aclient.request(*call)).status_code for call in (TIER_1, OTHER_TIER_1, UNTIERED)
            ]
    assert statuses == [200, 200, 200]
    assert seen == ["/front/exports", "/front/teams/tim_1/exports", "/front/tags"]
    assert network.slept == [pytest.approx(1.0)]  # the second tier-1 request waited for the first's second
    assert network.sent_at == [0.0, pytest.approx(1.0), pytest.approx(1.0)]  # untiered: no wait


@pytest.mark.parametrize(
    ("url", "base_url", "route"),
    [
        ("https://gateway.test/front/exports", "https://gateway.test/front", "/exports"),
        ("https://gateway.test/front", "https://gateway.test/front/", "/"),
        ("https://gateway.test/frontier/exports", "https://gateway.test/front", "/frontier/exports"),
        ("https://acme.api.frontapp.com/exports", "https://gateway.test/front", "/exports"),
        ("https://api2.frontapp.com/exports", "https://api2.frontapp.com", "/exports"),
        ("https://api2.frontapp.com/exports", None, "/exports"),
    ],
)
def test_the_route_is_the_path_below_the_base_url(url: str, base_url: str | None, route: str) -> None:
    assert route_path(httpx.URL(url), _base_path(base_url)) == route
