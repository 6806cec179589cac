"""A partner app's installations on one Redis (issue 22): a budget and a key per installation over shared
connections, Front's partner budget as a policy, idle keys expiring, and at most two Redis round trips per
request (counted by a real redis-server)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from front_client.limiter import RateLimitPolicy, RedisLimiter
from front_client.limiter.core import LimiterCore
from front_client.limiter.state import LimiterState
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport

ONE_SLOT = RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)
MODES = ["sync", "async"]


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def script_calls(client: redis.Redis) -> int:
    """Round trips the limiter made so far: its script calls, as the server counted them."""
    stats = client.info("commandstats")
    return sum(
        int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("evalsha", "eval", "script")
    )


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "100"})


def test_partner_app_policy_is_fronts_partner_budget() -> None:
    policy = RateLimitPolicy.partner_app()
    assert (policy.global_limit, policy.window_seconds) == (
        120,
        60.0,
    )  # dev.frontapp.com: 120 rpm per company
    assert RateLimitPolicy.partner_app(global_margin=10).global_margin == 10


def test_each_installation_has_its_own_budget_key_and_shares_the_connections(
    redis_url: str, redis_client: redis.Redis
) -> None:
    acme = RedisLimiter(redis_url, installation="acme", policy=ONE_SLOT)
    globex = acme.for_installation("globex")
    acme.acquire("GET", "/contacts")  # acme's one slot
    assert globex.acquire("GET", "/contacts", timeout=0).path == "/contacts"  # globex's own, untouched
    with pytest.raises(Exception, match="no budget"):
        acme.for_installation("acme").acquire("GET", "/contacts", timeout=0)  # acme's is spent, for all
    assert sorted(key.decode() for key in redis_client.scan_iter("*")) == [
        "front_client:limiter:installation:acme",
        "front_client:limiter:installation:globex",
    ]
    assert acme.for_installation("globex") is globex  # one object per installation while in use
    assert acme.for_installation("acme") is acme
    assert globex._connections is acme._connections  # one pool, whatever the number of installations
    assert globex.policy is acme.policy and globex.max_pause == acme.max_pause
    assert (acme.stats().sent, globex.stats().sent) == (1, 1)  # counters per installation
    globex.close()  # not the owner: the shared client stays open...
    globex.reset()  # ...(a round trip) and globex's slot is free again
    assert globex.acquire("GET", "/tags", timeout=0).path == "/tags"
    acme.close()


def test_an_installation_is_not_the_company_it_belongs_to(redis_url: str) -> None:
    """Front counts a partner app's OAuth calls apart from the company's own API-token calls."""
    assert RedisLimiter(redis_url, installation="acme").key == "front_client:limiter:installation:acme"
    assert RedisLimiter(redis_url, company_key="acme").key == "front_client:limiter:company:acme"
    with pytest.raises(ValueError, match="exactly one"):
        RedisLimiter(redis_url, installation="acme", company_key="acme")
    with pytest.raises(ValueError, match="empty"):
        RedisLimiter(redis_url, installation="")


def test_an_idle_installations_key_expires_after_its_ttl(redis_url: str, redis_client: redis.Redis) -> None:
    policy = RateLimitPolicy(global_limit=5, window_seconds=0.5, learn_from_headers=False)
    limiter = RedisLimiter(redis_url, installation="idle", policy=policy, key_ttl=1.0)
    limiter.acquire("GET", "/contacts")
    assert 0 < redis_client.pttl(limiter.key) <= 1000
    time.sleep(1.3)
    assert redis_client.exists(limiter.key) == 0
    with pytest.raises(ValueError, match="at least one window"):
        RedisLimiter(redis_url, installation="x", policy=policy, key_ttl=0.1)
    assert RedisLimiter(redis_url, installation="x").key_ttl == 3600.0  # default: max(1 h, 10 windows)
    limiter.close()


@pytest.mark.parametrize("mode", MODES)
async def test_at_most_two_round_trips_per_request(
    mode: str, redis_url: str, redis_client: redis.Redis
) -> None:
    """A request that does not wait costs one compare-and-set to acquire and one to observe; a new
    installation's first request included. (A wait costs a read per look: the bench counts those.)"""
    limiter = RedisLimiter(redis_url, installation="warm-up", policy=RateLimitPolicy.partner_app())
    installations = [limiter.for_installation(f"company-{i}") for i in range(5)]
    mock = httpx.MockTransport(ok)
    if mode == "sync":
        limiter.acquire("GET", "/warm-up")  # loads the scripts (SCRIPT LOAD): once per Redis
        before = script_calls(redis_client)
        for installation in installations:
            with httpx.Client(
                base_url="https://api.test", transport=LimitingTransport(mock, installation)
            ) as c:
                assert [c.get(f"/contacts/{i}").status_code for i in range(4)] == [200] * 4
    else:
        await limiter.acquire_async("GET", "/warm-up")
        before = script_calls(redis_client)
        for installation in installations:
            transport = AsyncLimitingTransport(mock, installation)
            async with httpx.AsyncClient(base_url="https://api.test", transport=transport) as ac:
                assert [(await ac.get(f"/contacts/{i}")).status_code for i in range(4)] == [200] * 4
        await limiter.aclose()
    requests = 5 * 4
    assert script_calls(redis_client) - before <= 2 * requests
    assert sum(i.stats().sent for i in installations) == requests
    limiter.close()


def test_another_process_writing_costs_one_more_round_trip_not_a_wrong_decision(
    redis_url: str, redis_client: redis.Redis
) -> None:
    """Two limiters on one key stand for two processes: each compare-and-set that finds the other's write
    gets the current state in the same reply and decides again on it."""
    policy = RateLimitPolicy(global_limit=3, window_seconds=1000.0, learn_from_headers=False)
    first = RedisLimiter(redis_url, installation="shared", policy=policy)
    second = RedisLimiter(redis_url, installation="shared", policy=policy)
    first.acquire("GET", "/a")
    second.acquire("GET", "/b")  # a new key for `second`: its guess conflicts, the reply corrects it
    before = script_calls(redis_client)
    first.acquire("GET", "/c")  # remembered state is stale (second wrote): one conflict, then written
    assert script_calls(redis_client) - before == 2
    with pytest.raises(Exception, match="no budget"):
        second.acquire("GET", "/d", timeout=0)  # 3 of 3 taken, whoever took them
    budget = first.stats().budget
    assert budget is not None and budget.used == 3
    first.close()
    second.close()


def test_a_waiting_request_reads_at_most_every_other_look(redis_url: str, redis_client: redis.Redis) -> None:
    """The first look believes the wait it finds in memory; the look after the sleep, if it must wait
    again, asks Redis: a reset by another process is seen within two looks, and nothing spins on memory."""
    policy = RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)
    slept: list[float] = []
    limiter = RedisLimiter(redis_url, installation="w", policy=policy, sleep=slept.append)  # sleeps: none
    other_process = RedisLimiter(redis_url, installation="w", policy=policy)
    limiter.acquire("GET", "/a")
    before = script_calls(redis_client)
    with pytest.raises(Exception, match="no budget"):
        limiter.acquire("GET", "/b", timeout=0.2)  # real time runs out; every sleep returned at once
    looks = len(slept) + 1
    assert script_calls(redis_client) - before <= looks // 2 + 1
    other_process.reset()  # the window is free again for everybody
    slept.clear()
    assert limiter.acquire("GET", "/c").path == "/c"  # memory says wait; the next look reads: free
    assert len(slept) <= 1


def test_a_process_remembering_an_expired_key_cannot_overwrite_its_successor(
    redis_url: str, redis_client: redis.Redis
) -> None:
    """Versions of a new key start at random: after an expiry, the key made again by another process never
    carries the version a process remembers from before (which would let a stale state through)."""
    policy = RateLimitPolicy(global_limit=2, window_seconds=1000.0, learn_from_headers=False)
    first = RedisLimiter(redis_url, installation="aba", policy=policy)
    second = RedisLimiter(redis_url, installation="aba", policy=policy)
    first.acquire("GET", "/a")  # first remembers the key as it wrote it: 1 of 2 used
    remembered = redis_client.hget(first.key, "v")
    redis_client.delete(first.key)  # expired
    second.acquire("GET", "/b")  # the key again, made by second: one write, as first's was
    assert redis_client.hget(first.key, "v") != remembered
    first.acquire("GET", "/c")  # decided again on the real state (1 used), not on its memory
    with pytest.raises(Exception, match="no budget"):
        second.acquire("GET", "/d", timeout=0)


def test_the_stored_state_is_compact_json() -> None:
    """What each installation's key holds (its memory in Redis): JSON without padding, and read back whole."""
    state = LimiterCore.initial_state(RateLimitPolicy.partner_app())
    raw = state.to_json()
    assert ", " not in raw and ": " not in raw
    assert LimiterState.from_json(raw) == state
