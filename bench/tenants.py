"""Multi-tenant row of the limiter bench: a partner app serving many Front companies (installations) from
several worker processes that share one redis-server.

The emulator (``front_client.testing``) has one global budget today, not one per token, so the bench gives
it a handler that counts a budget per bearer token (:class:`TenantBudgets`, a fixed window per company, as
Front counts): each installation's token is its company. Each worker process holds one ``RedisLimiter``
and reaches every installation through ``for_installation`` (one connection pool); every call of one
company may land on any worker (call ``j`` of company ``i`` goes to worker ``(i + j) % workers``), as with
a shared job queue. Measured: 429s (server side), each company's throughput against its budget (the
fewest windows its calls need, over the time they took), Redis round trips per request (the server's
count of script calls), Redis memory per installation (``MEMORY USAGE`` of its key), and whether the idle
keys are gone after their TTL.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import httpx
import redis
from front_client.limiter import RateLimitPolicy, RedisLimiter
from front_client.limiter.transport import AsyncLimitingTransport
from front_client.testing import EmulatorLimits, EmulatorRequest, EmulatorResponse, FrontEmulator

from tests.emulator import RedisServer

INSTALLATIONS, WORKERS = 1000, 4
BUDGET, WINDOW = 2, 20.0  # per company: 2 requests per 20 s window (Front's partner budget: 120 per 60 s)
WINDOWS_OF_DEMAND = 3  # each company asks for 3 windows' worth of calls at once
# Company i starts at i / INSTALLATIONS of a window: installations are not in step (all 1,000 windows opening
# at one instant would be a burst of 2,000 requests every window, past what this machine sends in seconds).
KEY_TTL = WINDOW  # the shortest allowed: idle keys go one window after their last request
START_DELAY = 3.0  # spawned workers import httpx, redis and the client first: all start at this delay
TARGET_EFFICIENCY, TARGET_ROUND_TRIPS = 0.9, 2.0


def token_of(installation: int) -> str:
    return f"tok-{installation}"


class TenantBudgets:
    """An emulator handler: ``budget`` requests per ``window`` seconds per bearer token, in fixed windows
    starting at a token's first request after the previous window ended; ``X-RateLimit-*`` on every
    answer, 429 with a fractional ``Retry-After`` past the budget."""

    def __init__(self, budget: int, window: float) -> None:
        self.budget, self.window = budget, window
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # token -> (window end, count)
        self.served: dict[str, list[float]] = defaultdict(list)
        self.refused: dict[str, int] = defaultdict(int)

    def __call__(self, request: EmulatorRequest) -> EmulatorResponse:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        now = time.time()
        with self._lock:
            end, count = self._windows.get(token, (0.0, 0))
            if now >= end:
                end, count = now + self.window, 0
            if count >= self.budget:
                self.refused[token] += 1
                headers = {"Retry-After": f"{end - now:.3f}", "X-RateLimit-Reset": f"{end:.3f}"}
                return EmulatorResponse(429, {"_error": {"status": 429}}, headers)
            self._windows[token] = (end, count + 1)
            self.served[token].append(now)
        headers = {
            "X-RateLimit-Limit": str(self.budget),
            "X-RateLimit-Remaining": str(self.budget - count - 1),
            "X-RateLimit-Reset": f"{end:.3f}",
        }
        return EmulatorResponse(200, {"ok": True}, headers)


def policy() -> RateLimitPolicy:
    # Front's partner policy, scaled, with Front's default margin after the announced reset (1 s): the
    # loaded bench machine puts up to a second between a permit and the request's arrival.
    return RateLimitPolicy.partner_app(global_limit=BUDGET, window_seconds=WINDOW)


class _Bounded(httpx.AsyncBaseTransport):
    """At most ``limit`` requests inside ``inner`` at once: httpcore's pool scans its whole queue for every
    request, which with 1,500 queued ones costs more than the requests (a bench artefact, not the limiter)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limit: int) -> None:
        self._inner, self._slots = inner, asyncio.Semaphore(limit)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self._slots:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _worker_main(redis_url: str, base_url: str, calls: list[int], start_at: float) -> int:
    # socket_timeout: the machine running the bench is shared and loaded; 1,500 tasks start at once.
    root = RedisLimiter(
        redis_url,
        installation="bench-root",
        policy=policy(),
        key_ttl=KEY_TTL,
        max_sleep=WINDOW,
        socket_timeout=10.0,
    )
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    inner = _Bounded(httpx.AsyncHTTPTransport(limits=limits), 64)
    transports = {i: AsyncLimitingTransport(inner, root.for_installation(f"company-{i}")) for i in set(calls)}
    await asyncio.sleep(max(0.0, start_at - time.time()))
    retried = 0

    async def call(installation: int) -> None:
        nonlocal retried
        await asyncio.sleep(installation / INSTALLATIONS * WINDOW)
        headers = {"Authorization": f"Bearer {token_of(installation)}"}
        while True:
            request = httpx.Request("GET", f"{base_url}/contacts", headers=headers)
            response = await transports[installation].handle_async_request(request)
            await response.aread()
            await response.aclose()
            if response.status_code != 429:
                return
            retried += 1
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    await asyncio.gather(*(call(i) for i in calls))
    await root.aclose()
    await inner.aclose()
    root.close()
    return retried


def tenant_worker(redis_url: str, base_url: str, calls: list[int], start_at: float) -> int:
    """One worker process: every call (an installation number) at once; the 429s it had to retry."""
    return asyncio.run(_worker_main(redis_url, base_url, calls, start_at))


@dataclass(frozen=True)
class TenantsRow:
    spread: bool  # a company's calls on every worker (a shared job queue), else on one worker
    requests: int
    r429: int
    min_efficiency: float
    median_efficiency: float
    round_trips_per_request: float
    memory_per_installation: float  # bytes
    keys_after_ttl: int
    wall: float

    @property
    def meets_target(self) -> bool:
        return (
            self.r429 == 0
            and self.min_efficiency >= TARGET_EFFICIENCY
            and self.round_trips_per_request <= TARGET_ROUND_TRIPS
            and self.keys_after_ttl == 0
        )


def _script_calls(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(
        int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("evalsha", "eval", "script")
    )


def _efficiencies(budgets: TenantBudgets) -> list[float]:
    """Per company: the time its calls need at best (full windows back to back) over the time they took."""
    result = []
    for times in budgets.served.values():
        ideal = (math.ceil(len(times) / BUDGET) - 1) * WINDOW
        took = max(times) - min(times)
        result.append(min(1.0, ideal / took) if took > 0 else 1.0)
    return sorted(result)


def run_tenants(pool: ProcessPoolExecutor, redis_server: RedisServer, spread: bool = True) -> TenantsRow:
    """One row. ``spread``: call ``j`` of company ``i`` on worker ``(i + j) % WORKERS``; else on worker
    ``i % WORKERS``."""
    budgets = TenantBudgets(BUDGET, WINDOW)
    demand = BUDGET * WINDOWS_OF_DEMAND
    plan: list[list[int]] = [[] for _ in range(WORKERS)]
    for i in range(INSTALLATIONS):
        for j in range(demand):
            plan[(i + j if spread else i) % WORKERS].append(i)
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    with FrontEmulator(EmulatorLimits(enabled=False), stateful=False, fallback=budgets) as emulator:
        before = _script_calls(client)
        started = time.monotonic()
        start_at = time.time() + START_DELAY
        futures = [
            pool.submit(tenant_worker, redis_server.url, emulator.base_url, calls, start_at) for calls in plan
        ]
        for future in futures:
            future.result()
        wall = time.monotonic() - started - START_DELAY
        round_trips = _script_calls(client) - before
    keys = [key for key in client.scan_iter("front_client:limiter:installation:company-*")]
    memory = sum(int(client.memory_usage(key) or 0) for key in keys) / max(1, len(keys))
    time.sleep(KEY_TTL + 1.0)  # nobody sends any more: every installation is idle
    left = sum(1 for _ in client.scan_iter("front_client:limiter:installation:company-*"))
    client.close()
    requests = sum(len(times) for times in budgets.served.values())
    assert requests == INSTALLATIONS * demand, "a call was lost or sent twice"
    efficiencies = _efficiencies(budgets)
    return TenantsRow(
        spread=spread,
        requests=requests,
        r429=sum(budgets.refused.values()),
        min_efficiency=efficiencies[0],
        median_efficiency=efficiencies[len(efficiencies) // 2],
        round_trips_per_request=round_trips / requests,
        memory_per_installation=memory,
        keys_after_ttl=left,
        wall=wall,
    )


def tenants_table(rows: list[TenantsRow]) -> str:
    lines = [
        "| a company's calls | requests | 429s | throughput / budget (min, median) "
        "| Redis round trips / request | Redis memory / installation | keys left after TTL | wall (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        where = f"on all {WORKERS} workers" if row.spread else "on one worker"
        lines.append(
            f"| {where} | {row.requests} | {row.r429} "
            f"| {row.min_efficiency:.3f}, {row.median_efficiency:.3f} | {row.round_trips_per_request:.2f} "
            f"| {row.memory_per_installation:.0f} B | {row.keys_after_ttl} | {row.wall:.1f} |"
        )
    return "\n".join(lines)


def tenants_verdict(rows: list[TenantsRow]) -> str:
    missed = [row for row in rows if not row.meets_target]
    if not missed:
        return (
            f"Targets met: 0 x 429, every company >= {TARGET_EFFICIENCY} of its budget, "
            f"<= {TARGET_ROUND_TRIPS:g} Redis round trips per request, idle keys gone after their TTL."
        )
    return "Targets MISSED by: " + ", ".join(
        f"calls {'spread' if row.spread else 'on one worker'} ({row.r429} x 429, "
        f"min {row.min_efficiency:.3f}, {row.round_trips_per_request:.2f} round trips, "
        f"{row.keys_after_ttl} keys left)"
        for row in missed
    )


def describe() -> str:
    return (
        f"Multi-tenant: {INSTALLATIONS} installations x {BUDGET * WINDOWS_OF_DEMAND} calls at once "
        "(company i from i/1000 of a window on), "
        f"{BUDGET} per {WINDOW:g} s each (Front's partner budget, 120 / 60 s, scaled), "
        f"{WORKERS} worker processes on one redis-server, key TTL {KEY_TTL:g} s; "
        "a per-token budget handler on the emulator."
    )
