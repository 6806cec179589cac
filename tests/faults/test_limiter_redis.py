"""RedisLimiter against poisoned headers and foreign stored state (issue 12, items 1, 2 and 9), on a real
redis-server. Sync and async. Nothing here sleeps: waits are refused, or looked at through ``stats()``."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import fields
from typing import Any, TypeVar

import pytest
import redis
from front_client.limiter import (
    LimiterTimeout,
    Permit,
    RateLimitPauseError,
    RateLimitPolicy,
    RateLimitWaitError,
    RedisLimiter,
)
from front_client.limiter.state import STATE_SCHEMA, LimiterState

from tests.faults.conftest_limiter import redis_server, redis_url

__all__ = ["redis_server", "redis_url"]

T = TypeVar("T")
MODES = ["sync", "async"]
POLICY = RateLimitPolicy()  # Front's: 100 per 60 s
KEY = "front_client:limiter:company:acme"


def limiter(url: str, **options: Any) -> RedisLimiter:
    return RedisLimiter(url, company_key="acme", **options)


def run(mode: str, sync: Callable[[], T], async_: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``sync()`` or, in a fresh event loop, ``await async_()``."""
    if mode == "sync":
        return sync()
    return asyncio.run(async_())


def acquire(mode: str, lim: RedisLimiter, path: str = "/a", timeout: float | None = None) -> Permit:
    async def in_loop() -> Permit:
        try:
            return await lim.acquire_async("GET", path, timeout)
        finally:
            await lim.aclose()

    return run(mode, lambda: lim.acquire("GET", path, timeout), in_loop)


def observe(mode: str, lim: RedisLimiter, permit: Permit, status: int, headers: dict[str, str]) -> None:
    async def in_loop() -> None:
        await lim.observe_async(permit, status, headers)
        await lim.aclose()

    run(mode, lambda: lim.observe(permit, status, headers), in_loop)


def reset(mode: str, lim: RedisLimiter) -> None:
    async def in_loop() -> None:
        await lim.reset_async()
        await lim.aclose()

    run(mode, lim.reset, in_loop)


def stored(url: str) -> dict[bytes, bytes]:
    client = redis.Redis.from_url(url)
    try:
        return client.hgetall(KEY)  # type: ignore[return-value]
    finally:
        client.close()


# -- item 1: one process's poisoned Reset cannot block the others for long ----------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_poisoned_reset_seen_by_one_process_is_bounded_for_all(mode: str, redis_url: str) -> None:
    poisoned, other = limiter(redis_url), limiter(redis_url, max_wait=60.0)

    def headers(remaining: int, reset: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset,
        }

    probe = acquire(mode, poisoned)
    observe(mode, poisoned, probe, 200, headers(99, str(time.time() + 20)))
    before, after = acquire(mode, poisoned, "/b"), acquire(mode, poisoned, "/c")
    observe(mode, poisoned, before, 200, headers(0, "1e15"))  # 31,000 years ahead
    with pytest.raises(RateLimitWaitError) as caught:
        acquire(mode, other)
    assert caught.value.retry_after is not None
    bound = POLICY.max_reset_windows * POLICY.window_seconds + POLICY.reset_margin_seconds
    assert 60.0 < caught.value.retry_after <= bound + 1.0  # two windows at most, for every process
    # The next response agrees with Front's window: it wins, for every process.
    observe(mode, poisoned, after, 200, headers(0, str(time.time() + 20)))
    with pytest.raises(LimiterTimeout):  # an ordinary wait now (~21 s), within max_wait: not refused
        acquire(mode, other, timeout=0.0)
    for lim in (poisoned, other):
        lim.close()


# -- item 2: an absurd Retry-After ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_an_absurd_pause_has_a_ceiling_does_not_keep_the_key_alive_and_reset_clears_it(
    mode: str, redis_url: str
) -> None:
    first, second = limiter(redis_url), limiter(redis_url)
    observe(mode, first, acquire(mode, first), 429, {"Retry-After": "1e9"})
    with pytest.raises(RateLimitPauseError) as caught:
        acquire(mode, second)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after <= POLICY.pause_ceiling_seconds  # an hour at most, not 31 years

    client = redis.Redis.from_url(redis_url)
    client.pexpire(KEY, 5_000)  # as if the last request was sent an hour ago, less 5 s
    for _ in range(3):
        with pytest.raises(RateLimitPauseError):
            acquire(mode, second)
    assert 0 < client.pttl(KEY) <= 5_000  # refused acquires wrote nothing: the key still expires
    client.close()

    reset(mode, second)  # for every process sharing the key
    permit = acquire(mode, first)
    assert permit.probe  # served at once, learning the budget again
    for lim in (first, second):
        lim.close()


# -- item 9: a stored state from another version ------------------------------------------------------------
READABLE = LimiterState(limit=100).to_json().encode()
FOREIGN_STATES = {  # (v: the compare-and-set counter, f: the schema, s: the state)
    "garbage JSON": (b"7", b"1", b"{not json"),
    "unknown field": (b"7", b"1", json.dumps({"limit": 100, "sliding_log": []}).encode()),
    "newer schema": (b"7", b"2", json.dumps({"buckets": {}, "limit": 100}).encode()),
    "newer schema, same fields": (b"7", b"2", READABLE),
    "non-integer schema": (b"7", b"1.1", READABLE),
    "non-integer version": (b"v2.beta", b"1", READABLE),
    "wrong type": (b"7", b"1", json.dumps({"limit": "100"}).encode()),
    "not finite": (b"7", b"1", b'{"limit": 100, "paused_until": -Infinity}'),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", sorted(FOREIGN_STATES))
def test_a_state_this_client_cannot_read_is_replaced_safely_with_one_warning(
    mode: str, case: str, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    version, schema, state = FOREIGN_STATES[case]
    client = redis.Redis.from_url(redis_url)
    client.hset(KEY, mapping={"v": version, "f": schema, "s": state})
    client.close()
    caplog.set_level(logging.WARNING, logger="front_client.limiter")
    lim = limiter(redis_url)

    probe = acquire(mode, lim)  # no raw JSONDecodeError / TypeError / ValueError
    assert probe.probe  # a fresh state: the budget is learnt again...
    with pytest.raises(LimiterTimeout):  # ...one request at a time, never "unlimited"
        acquire(mode, lim, "/b", timeout=0.0)
    observe(mode, lim, probe, 200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    acquire(mode, lim, "/c")

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert KEY in warnings[0].getMessage() and "cannot read" in warnings[0].getMessage()
    saved = stored(redis_url)
    assert saved[b"f"] == str(STATE_SCHEMA).encode()
    assert LimiterState.from_json(saved[b"s"]).limit == 100
    assert saved[b"v"].isdigit()
    lim.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_state_from_before_the_schema_field_is_read_as_is(
    mode: str, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The layout of schema 1 is the one released clients write (without ``f``): read, no warning; and
    what this client writes stays readable by them (the JSON carries the same fields, no more)."""
    client = redis.Redis.from_url(redis_url)
    spent = LimiterState(limit=100, known=True, synced=True, window_end=None, granted=0, outside=0)
    client.hset(KEY, mapping={"v": b"41", "s": spent.to_json().encode()})
    client.close()
    caplog.set_level(logging.WARNING, logger="front_client.limiter")
    lim = limiter(redis_url)
    permit = acquire(mode, lim)
    assert not permit.probe  # the stored state was used: the budget was known
    assert [r for r in caplog.records if r.levelno == logging.WARNING] == []
    saved = stored(redis_url)
    assert saved[b"v"] == b"42"
    assert set(json.loads(saved[b"s"])) == {f.name for f in fields(LimiterState)}
    lim.close()
