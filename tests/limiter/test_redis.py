"""RedisLimiter: a real redis-server (random loopback port) shared by processes."""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio
from front_client import FrontClient
from front_client.limiter import (
    LimiterBackendError,
    LimiterTimeout,
    RateLimitPauseError,
    RateLimitPolicy,
    RedisLimiter,
)
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.emulator.redis_server import free_port
from tests.limiter.harness import policy_for
from tests.limiter.workers import redis_worker

LIMITS = EmulatorLimits.scaled(global_limit=20, window_seconds=1.0, tier_period=0.25)


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits.scaled(20, 1.0, 0.25), stateful=False) as em:
        yield em


@pytest.mark.parametrize("use_asyncio", [False, True], ids=["threads", "asyncio"])
def test_two_processes_share_one_budget(redis_url: str, emulator: FrontEmulator, use_asyncio: bool) -> None:
    calls = [("GET", f"/contacts/{i}") for i in range(20)]
    calls += [("PATCH", f"/conversations/c{i}") for i in range(5)]
    start_at = time.time() + 1.0  # both processes start sending together (after their imports)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(
                redis_worker, redis_url, emulator.base_url, "acme", LIMITS, calls, 8, use_asyncio, start_at
            )
            for _ in range(2)
        ]
        results = [future.result(timeout=60) for future in futures]
    assert [statuses for statuses, _ in results] == [[200] * 25] * 2
    assert emulator.responses_429 == 0, (emulator.global_429, dict(emulator.tier_429))
    assert [seen for _, seen in results] == [0, 0]
    assert emulator.total_received == 50
    assert emulator.window_counts()[:2] == [20, 20]  # together they filled each window, no more


def test_keys_are_namespaced_by_a_token_hash(redis_url: str) -> None:
    token = "front-api-token-that-must-not-leak"
    limiter = RedisLimiter(redis_url, token=token, policy=RateLimitPolicy(learn_from_headers=False))
    limiter.acquire("GET", "/contacts")
    client = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in client.scan_iter("*")]
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    assert keys == [f"front_client:limiter:token:{digest}"]
    dump = "".join(str(v) for v in client.hgetall(keys[0]).values())
    assert token not in dump and token not in "".join(keys)
    assert RedisLimiter(redis_url, company_key="acme").key == "front_client:limiter:company:acme"
    with pytest.raises(ValueError):
        RedisLimiter(redis_url)
    with pytest.raises(ValueError):
        RedisLimiter(redis_url, token="t", company_key="c")
    client.close()


def test_a_429_seen_by_one_process_pauses_the_others(redis_url: str) -> None:
    policy = RateLimitPolicy(learn_from_headers=False, global_limit=100)
    first = RedisLimiter(redis_url, company_key="acme", policy=policy)
    second = RedisLimiter(redis_url, company_key="acme", policy=policy)
    other_company = RedisLimiter(redis_url, company_key="globex", policy=policy)
    permit = first.acquire("GET", "/a")
    first.observe(permit, 429, {"Retry-After": "0.3"})
    second.acquire("GET", "/b")
    other_company.acquire("GET", "/c")
    assert second.stats().waited == 1
    assert other_company.stats().waited == 0
    assert first.stats().global_429 == 1


def test_front_client_with_a_redis_limiter(redis_url: str, emulator: FrontEmulator) -> None:
    """The README's set-up: one RedisLimiter per worker, passed to the client."""
    limiter = RedisLimiter(redis_url, token="front-token", policy=policy_for(LIMITS))
    with FrontClient("front-token", base_url=emulator.base_url, limiter=limiter) as client:
        assert [client.request("GET", f"/contacts/{i}").status_code for i in range(3)] == [200] * 3
    assert emulator.total_received == limiter.stats().sent == 3
    limiter.close()


def one_slot_limiter(redis_url: str) -> RedisLimiter:
    policy = RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)
    return RedisLimiter(redis_url, company_key="acme", policy=policy)


def test_a_timed_out_acquire_takes_nothing(redis_url: str) -> None:
    limiter = one_slot_limiter(redis_url)
    first = limiter.acquire("GET", "/first")
    with pytest.raises(LimiterTimeout):
        limiter.acquire("GET", "/late", timeout=0.05)
    limiter.cancel(first)
    assert limiter.acquire("GET", "/next", timeout=0).path == "/next"  # the one slot was free again
    assert limiter.stats().timeouts == 1


async def test_a_task_cancelled_while_its_permit_is_being_stored_gives_it_back(redis_url: str) -> None:
    limiter = one_slot_limiter(redis_url)
    binding = limiter._connections.for_running_loop()
    stored, reply = asyncio.Event(), asyncio.Event()

    async def cas_with_a_slow_reply(**kwargs: Any) -> Any:
        result = await binding.cas(**kwargs)  # Redis has stored the permit...
        stored.set()
        await reply.wait()  # ...but the caller is cancelled before the reply reaches it
        return result

    limiter._connections._async[asyncio.get_running_loop()] = replace(binding, cas=cas_with_a_slow_reply)  # type: ignore[arg-type]
    task = asyncio.create_task(limiter.acquire_async("GET", "/cancelled"))
    await stored.wait()
    task.cancel()
    reply.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(500):  # the permit is handed back in the background
        if limiter.stats().cancelled:
            break
        await asyncio.sleep(0.01)
    limiter._connections._async[asyncio.get_running_loop()] = binding
    assert (await limiter.acquire_async("GET", "/next", timeout=0)).path == "/next"
    stats = limiter.stats()
    assert (stats.sent, stats.cancelled) == (1, 1)
    await limiter.aclose()


@pytest.mark.parametrize("record", ["observe", "cancel"])
async def test_a_task_cancelled_before_its_permit_is_settled_still_settles_it(
    redis_url: str, record: str
) -> None:
    """Cancelled while queued for this loop's Redis lock (another task's transaction is on the wire): the
    response (or the unsent request's give-back) is still written, so the tier slot is not held for
    ``inflight_timeout_seconds`` (60 s) in every process sharing the budget."""
    policy = RateLimitPolicy(learn_from_headers=False, tier_margin_seconds=0.0, tier_rates={"1": (1, 0.05)})
    limiter = RedisLimiter(redis_url, company_key=f"cancelled-{record}", policy=policy)
    permit = await limiter.acquire_async("POST", "/exports")
    async with limiter._async_locks[asyncio.get_running_loop()]:
        if record == "observe":
            task = asyncio.create_task(limiter.observe_async(permit, 200, {}))
        else:
            task = asyncio.create_task(limiter.cancel_async(permit))
        await asyncio.sleep(0)  # it is now waiting for the lock
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    for _ in range(500):  # the lock is free: the record is written in the background
        stats = limiter.stats()
        if stats.responses or stats.cancelled:
            break
        await asyncio.sleep(0.01)
    # Tier 1 here is 1 request per 0.05 s: the slot is free again within a second, not after 60 s.
    assert (await limiter.acquire_async("POST", "/exports", timeout=1.0)).path == "/exports"
    stats = limiter.stats()
    assert (stats.responses, stats.cancelled) == ((1, 0) if record == "observe" else (0, 1))
    await limiter.aclose()


async def test_aclose_waits_for_a_response_still_being_recorded(redis_url: str) -> None:
    limiter = RedisLimiter(
        redis_url, company_key="aclose-waits", policy=RateLimitPolicy(learn_from_headers=False)
    )
    permit = await limiter.acquire_async("POST", "/exports")
    binding = limiter._connections.for_running_loop()
    slow_redis = asyncio.Event()

    async def slow_cas(**kwargs: Any) -> Any:
        await slow_redis.wait()
        return await binding.cas(**kwargs)

    limiter._connections._async[asyncio.get_running_loop()] = replace(binding, cas=slow_cas)  # type: ignore[arg-type]
    task = asyncio.create_task(limiter.observe_async(permit, 200, {}))
    await asyncio.sleep(0)  # its transaction is waiting for Redis...
    task.cancel()  # ...when its caller is cancelled
    with pytest.raises(asyncio.CancelledError):
        await task
    asyncio.get_running_loop().call_later(0.1, slow_redis.set)
    assert limiter.stats().responses == 0  # still in the background
    await limiter.aclose()
    assert limiter.stats().responses == 1  # written before aclose returned


def unreachable_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_redis_unreachable_raises_and_sends_nothing(emulator: FrontEmulator) -> None:
    limiter = RedisLimiter(unreachable_url(), company_key="acme", socket_timeout=0.5)
    transport = LimitingTransport(httpx.HTTPTransport(), limiter)
    with (
        httpx.Client(base_url=emulator.base_url, transport=transport) as client,
        pytest.raises(LimiterBackendError, match="unavailable"),
    ):
        client.get("/contacts")
    assert emulator.total_received == 0


async def test_redis_unreachable_async(emulator: FrontEmulator) -> None:
    limiter = RedisLimiter(unreachable_url(), company_key="acme", socket_timeout=0.5)
    transport = AsyncLimitingTransport(httpx.AsyncHTTPTransport(), limiter)
    async with httpx.AsyncClient(base_url=emulator.base_url, transport=transport) as client:
        with pytest.raises(LimiterBackendError):
            await client.get("/contacts")
    assert emulator.total_received == 0


def test_redis_going_down_mid_run_stops_sending(emulator: FrontEmulator) -> None:
    from tests.emulator.redis_server import RedisServer

    with RedisServer() as server:
        limiter = RedisLimiter(server.url, company_key="acme", policy=policy_for(LIMITS), socket_timeout=0.5)
        transport = LimitingTransport(httpx.HTTPTransport(), limiter)
        with httpx.Client(base_url=emulator.base_url, transport=transport) as client:
            assert client.get("/contacts/1").status_code == 200
            server.stop()
            with pytest.raises(LimiterBackendError):
                client.get("/contacts/2")
    assert emulator.total_received == 1


async def test_async_acquire_and_observe(redis_url: str, emulator: FrontEmulator) -> None:
    limiter = RedisLimiter(redis_url, company_key="acme", policy=policy_for(LIMITS))
    transport = AsyncLimitingTransport(httpx.AsyncHTTPTransport(), limiter)
    async with httpx.AsyncClient(base_url=emulator.base_url, transport=transport) as client:
        responses = await asyncio.gather(*(client.get(f"/contacts/{i}") for i in range(25)))
    assert [r.status_code for r in responses] == [200] * 25
    assert emulator.responses_429 == 0
    stats = limiter.stats()
    assert (stats.sent, stats.responses) == (25, 25)
    assert stats.budget is not None and stats.budget.limit == 20
    await limiter.aclose()


# -- RedisLimiter(client=...): async callers use the same Redis as the given client --------------------------
async def test_async_callers_use_the_redis_of_the_given_client(redis_url: str) -> None:
    port = redis.Redis.from_url(redis_url).connection_pool.connection_kwargs["port"]
    assert port != 6379  # the fixture's server is not on the default port the URL argument names
    client = redis.Redis(host="127.0.0.1", port=port, db=2, socket_timeout=2.0)
    limiter = RedisLimiter(client=client, company_key="acme", policy=one_slot_policy())
    first = await limiter.acquire_async("GET", "/first")  # async: the given client's server and db
    with pytest.raises(LimiterTimeout):  # one budget: the sync path sees the async permit...
        limiter.acquire("GET", "/sync", timeout=0)
    await limiter.cancel_async(first)
    sync_permit = limiter.acquire("GET", "/sync", timeout=0)
    with pytest.raises(LimiterTimeout):  # ...and the async path sees the sync one
        await limiter.acquire_async("GET", "/async", timeout=0)
    assert sync_permit.path == "/sync"
    assert client.exists(limiter.key) == 1  # db 2 of that server holds the state
    assert redis.Redis.from_url(redis_url).exists(limiter.key) == 0  # not db 0
    await limiter.aclose()
    client.close()


async def test_an_explicit_async_client_is_used(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    given = redis.asyncio.Redis.from_url(redis_url)
    closed: list[str] = []
    for name in ("aclose", "close"):  # (a closed redis.asyncio client still answers: it reconnects)

        async def spy(*args: Any, name: str = name, **kwargs: Any) -> None:
            closed.append(name)

        monkeypatch.setattr(given, name, spy)
    client = redis.Redis.from_url(redis_url)
    limiter = RedisLimiter(client=client, async_client=given, company_key="acme", policy=one_slot_policy())
    assert limiter._connections.for_running_loop().client is given
    await limiter.acquire_async("GET", "/first")
    with pytest.raises(LimiterTimeout):
        limiter.acquire("GET", "/second", timeout=0)
    await limiter.aclose()
    assert closed == []  # not ours to close
    monkeypatch.undo()
    await given.aclose()
    client.close()


class CustomConnection(redis.Connection):
    """A connection class the limiter cannot know the asyncio twin of (as with Sentinel or a proxy)."""


def test_a_client_whose_async_twin_cannot_be_derived_fails_at_construction(redis_url: str) -> None:
    pool = redis.ConnectionPool(connection_class=CustomConnection, host="127.0.0.1", port=1)
    with pytest.raises(ValueError, match="async_client="):
        RedisLimiter(client=redis.Redis(connection_pool=pool), company_key="acme")
    sync_only = RedisLimiter(client=redis.Redis(connection_pool=pool), company_key="acme", async_client=False)
    assert sync_only.key.endswith(":company:acme")
    with pytest.raises(TypeError, match="async_client="):
        RedisLimiter(client=redis.asyncio.Redis.from_url(redis_url), company_key="acme")  # type: ignore[arg-type]


async def test_a_sync_only_limiter_says_so_to_async_callers(redis_url: str) -> None:
    limiter = RedisLimiter(client=redis.Redis.from_url(redis_url), company_key="acme", async_client=False)
    with pytest.raises(TypeError, match="async_client=False"):
        await limiter.acquire_async("GET", "/a")


def test_errors_name_the_given_clients_server_without_its_password() -> None:
    port = free_port()
    client = redis.Redis(host="127.0.0.1", port=port, password="hunter2", socket_timeout=0.5)
    limiter = RedisLimiter(client=client, company_key="acme")
    with pytest.raises(LimiterBackendError) as caught:
        limiter.acquire("GET", "/a")
    assert f"127.0.0.1:{port}" in str(caught.value) and "hunter2" not in str(caught.value)
    assert "6379" not in str(caught.value)


# -- max_pause: a long 429 pause seen by any process is refused, not slept ----------------------------------
@pytest.mark.parametrize("use_asyncio", [False, True], ids=["sync", "async"])
async def test_a_pause_over_max_pause_is_refused(redis_url: str, use_asyncio: bool) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def async_sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = RateLimitPolicy(learn_from_headers=False)
    first = RedisLimiter(redis_url, company_key="acme", policy=policy)
    second = RedisLimiter(
        redis_url, company_key="acme", policy=policy, sleep=sleep, async_sleep=async_sleep, max_pause=60.0
    )
    first.observe(first.acquire("GET", "/a"), 429, {"Retry-After": "300"})
    with pytest.raises(RateLimitPauseError) as caught:
        if use_asyncio:
            await second.acquire_async("GET", "/b")
        else:
            second.acquire("GET", "/b")
    assert caught.value.retry_after == pytest.approx(300.0, abs=5.0)
    assert (caught.value.scope, caught.value.max_pause) == ("global", 60.0)
    assert slept == []
    assert second.stats().refused == 1
    await second.aclose()


def one_slot_policy() -> RateLimitPolicy:
    return RateLimitPolicy(global_limit=1, window_seconds=1000.0, learn_from_headers=False)


def test_close_leaves_a_given_client_open(redis_url: str) -> None:
    given = redis.Redis.from_url(redis_url)
    closed: list[bool] = []
    original_close = given.close

    def spy_close() -> None:
        closed.append(True)
        original_close()

    given.close = spy_close  # type: ignore[method-assign]
    RedisLimiter(client=given, company_key="acme", async_client=False).close()
    assert closed == []  # the caller's client is theirs to close
    given.close()
    assert closed == [True]
