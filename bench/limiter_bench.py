"""Limiter benchmark: our proactive limiter vs a reactive baseline, against the Front emulator.

    make bench                                   # or: .venv/bin/python -m bench.limiter_bench

Scale: Front's 100 requests / 60 s becomes GLOBAL_LIMIT requests / WINDOW seconds, tier 1 = 1 and tier 2 = 3
requests per TIER_PERIOD seconds (Front: per 1 s); Retry-After is fractional so the baseline is not
penalised by rounding. Per scenario and client:

- requests: calls made (each must end in a 200; retries are not counted here);
- wall: server side, from the first request received to the last (client start-up is left out);
- ideal: what the limits allow for that workload in any order: full global windows back to back, and each
  tier's spacing;
- efficiency = ideal / wall; 429s: as counted by the emulator.

A second table, *many waiters*: 500 and 1,000 asyncio tasks (and 500 threads), each making one call at
once, so every one of them queues in the limiter for up to 50 windows. Besides 429s and wall / ideal it gives
the client's CPU per request (the limiter and httpx, measured on the calling threads, not the emulator's):
flat in the number of waiters means a wake-up costs the same with 1 or 1,000 waiters.

A third table, *multi-tenant* (``bench.tenants``): a partner app's 1,000 installations, each with a small
budget of its own, served by 4 worker processes on one redis-server.

The baseline is plain httpx that only sleeps ``Retry-After`` on a 429 and sends again, like the Front clients
we know of. The multi-process scenarios need ``redis-server`` (skipped with a note when it is missing).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from front_client.limiter import InProcessLimiter
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.testing import EmulatorLimits, FrontEmulator

from bench import tenants
from tests.emulator import RedisServer, find_redis_server
from tests.limiter.harness import Call, policy_for, run_tasks, run_threads, send, send_async, untiered
from tests.limiter.workers import redis_worker

GLOBAL_LIMIT, WINDOW, TIER_PERIOD = 20, 1.0, 0.25
LIMITS = EmulatorLimits.scaled(GLOBAL_LIMIT, WINDOW, TIER_PERIOD)
CLIENTS = ("limiter", "baseline")
# The targets for our client: (minimum efficiency, maximum 429s).
TARGET_ONE_PROCESS = (0.95, 0)
TARGET_REDIS = (0.90, 0)
# Spawned workers import httpx, redis and the client first: they all start sending at this delay.
PROCESS_START_DELAY = 1.5


@dataclass(frozen=True)
class Scenario:
    name: str
    calls: list[Call]  # per process
    asyncio: bool
    concurrency: int  # threads or tasks, per process
    processes: int = 1  # > 1: processes sharing one RedisLimiter budget

    @property
    def all_calls(self) -> list[Call]:
        return self.calls * self.processes

    @property
    def target(self) -> tuple[float, int]:
        return TARGET_REDIS if self.processes > 1 else TARGET_ONE_PROCESS


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    client: str
    wall: float
    r429: int

    @property
    def requests(self) -> int:
        return len(self.scenario.all_calls)

    @property
    def ideal(self) -> float:
        return ideal_time(self.scenario.all_calls)

    @property
    def efficiency(self) -> float:
        return self.ideal / self.wall if self.wall > 0 else 0.0

    @property
    def meets_target(self) -> bool:
        efficiency, max_429 = self.scenario.target
        return self.efficiency >= efficiency and self.r429 <= max_429


def mixed(n: int) -> list[Call]:
    """One call in four on a tier-2 route, the rest untiered."""
    return [
        ("PATCH", f"/conversations/cnv_{i}") if i % 4 == 0 else ("GET", f"/contacts/crd_{i}")
        for i in range(n)
    ]


SCENARIOS = [
    Scenario("1 process, 16 threads, untiered", untiered(100), asyncio=False, concurrency=16),
    Scenario("1 process, 64 asyncio tasks, untiered", untiered(100), asyncio=True, concurrency=64),
    # Longer: the last window's tier-2 calls must be spaced out whatever the client (one tier period that
    # the order-free ideal does not count), and a longer run spreads that fixed cost.
    Scenario("1 process, 16 threads, 1/4 tier 2", mixed(160), asyncio=False, concurrency=16),
    Scenario("1 process, 64 asyncio tasks, 1/4 tier 2", mixed(160), asyncio=True, concurrency=64),
    Scenario("4 processes x 8 threads, Redis", untiered(25), asyncio=False, concurrency=8, processes=4),
    Scenario(
        "4 processes x 16 asyncio tasks, Redis", untiered(25), asyncio=True, concurrency=16, processes=4
    ),
]


def ideal_time(calls: list[Call]) -> float:
    """Full global windows back to back (the first request opens the first window), and for tiered calls the
    tier's spacing: the time from the first request to the last that the limits allow."""
    table = policy_for(LIMITS).table
    best = (math.ceil(len(calls) / GLOBAL_LIMIT) - 1) * WINDOW
    for name, tier in table.tiers.items():
        count = sum(1 for m, p in calls if (t := table.tier_for(m, p)) is not None and t.name == name)
        if count:
            best = max(best, (math.ceil(count / tier.requests) - 1) * tier.per_seconds)
    return best


def run_in_process(scenario: Scenario, client: str, base_url: str) -> None:
    limiter = InProcessLimiter(policy_for(LIMITS)) if client == "limiter" else None
    if scenario.asyncio:
        asyncio.run(run_tasks(limiter, base_url, scenario.calls, scenario.concurrency))
    else:
        run_threads(limiter, base_url, scenario.calls, scenario.concurrency)


def run_processes(
    scenario: Scenario, client: str, base_url: str, redis_url: str, pool: ProcessPoolExecutor
) -> None:
    company_key = f"bench-{time.time_ns()}" if client == "limiter" else None  # a fresh budget per run
    start_at = time.time() + PROCESS_START_DELAY
    futures = [
        pool.submit(
            redis_worker,
            redis_url,
            base_url,
            company_key,
            LIMITS,
            scenario.calls,
            scenario.concurrency,
            scenario.asyncio,
            start_at,
        )
        for _ in range(scenario.processes)
    ]
    for future in futures:
        statuses, _ = future.result()
        assert statuses == [200] * len(scenario.calls), "a call was lost"


def measure(emulator: FrontEmulator, scenario: Scenario, client: str, run: Callable[[], None]) -> Row:
    emulator.reset_stats()
    run()
    assert emulator.served.total() == len(scenario.all_calls), "a call was lost or sent twice"
    times = sorted(request.received_at for request in emulator.requests)
    return Row(scenario, client, times[-1] - times[0], emulator.responses_429)


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | client | requests | wall (s) | ideal (s) | efficiency | 429s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario.name} | {r.client} | {r.requests} | {r.wall:.2f} | {r.ideal:.2f} "
            f"| {r.efficiency:.3f} | {r.r429} |"
        )
    return "\n".join(lines)


def verdict(rows: list[Row]) -> str:
    ours = [row for row in rows if row.client == "limiter"]
    missed = [row for row in ours if not row.meets_target]
    if not missed:
        return "Targets met: every limiter row >= 0.95 efficiency (0.90 for 4 processes on Redis), 0 x 429."
    names = ", ".join(f"{row.scenario.name} ({row.efficiency:.3f}, {row.r429} x 429)" for row in missed)
    return f"Targets MISSED by: {names}"


# -- many waiters: every call queued at once -------------------------------------------------------------
MANY_WAITERS = [(500, True), (1000, True), (500, False)]  # (calls = tasks or threads, asyncio)
TARGET_MANY = 1.05  # wall / ideal at most, with 0 x 429


@dataclass(frozen=True)
class WaitersRow:
    waiters: int
    asyncio: bool
    wall: float
    r429: int
    cpu: float  # client CPU seconds (all calling threads)

    @property
    def name(self) -> str:
        return f"{self.waiters} {'asyncio tasks' if self.asyncio else 'threads'}, 1 call each"

    @property
    def ideal(self) -> float:
        return ideal_time(untiered(self.waiters))

    @property
    def ratio(self) -> float:
        return self.wall / self.ideal if self.ideal > 0 else math.inf

    @property
    def cpu_per_request_ms(self) -> float:
        return 1000.0 * self.cpu / self.waiters


async def _all_tasks(limiter: InProcessLimiter, base_url: str, calls: list[Call]) -> float:
    """One task per call, all at once; the CPU time of this (the loop's) thread."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=len(calls))
    transport = AsyncLimitingTransport(httpx.AsyncHTTPTransport(limits=limits), limiter)
    started = time.thread_time()
    async with httpx.AsyncClient(base_url=base_url, transport=transport, timeout=120) as client:
        responses = await asyncio.gather(*(send_async(client, m, p) for m, p in calls))
    assert [r.status_code for r in responses] == [200] * len(calls), "a call failed"
    return time.thread_time() - started


def _all_threads(limiter: InProcessLimiter, base_url: str, calls: list[Call]) -> float:
    """One thread per call, all at once; the CPU time of those threads."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=len(calls))
    transport = LimitingTransport(httpx.HTTPTransport(limits=limits), limiter)
    lock, cpu, statuses = threading.Lock(), [0.0], []
    with httpx.Client(base_url=base_url, transport=transport, timeout=120) as client:

        def one(method: str, path: str) -> None:
            started = time.thread_time()
            status = send(client, method, path).status_code
            with lock:
                cpu[0] += time.thread_time() - started
                statuses.append(status)

        threads = [threading.Thread(target=one, args=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * len(calls), "a call failed"
    return cpu[0]


def measure_waiters(emulator: FrontEmulator, waiters: int, use_asyncio: bool) -> WaitersRow:
    emulator.reset_stats()
    limiter = InProcessLimiter(policy_for(LIMITS))
    calls = untiered(waiters)
    if use_asyncio:
        cpu = asyncio.run(_all_tasks(limiter, emulator.base_url, calls))
    else:
        cpu = _all_threads(limiter, emulator.base_url, calls)
    assert emulator.served.total() == waiters, "a call was lost or sent twice"
    times = sorted(request.received_at for request in emulator.requests)
    return WaitersRow(waiters, use_asyncio, times[-1] - times[0], emulator.responses_429, cpu)


def waiters_table(rows: list[WaitersRow]) -> str:
    lines = [
        "| waiters | requests | wall (s) | ideal (s) | wall / ideal | 429s | client CPU / request (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.waiters} | {r.wall:.2f} | {r.ideal:.2f} | {r.ratio:.3f} | {r.r429} "
            f"| {r.cpu_per_request_ms:.2f} |"
        )
    return "\n".join(lines)


def waiters_verdict(rows: list[WaitersRow]) -> str:
    missed = [r for r in rows if r.ratio > TARGET_MANY or r.r429 > 0]
    if not missed:
        return f"Targets met: every many-waiters row within {TARGET_MANY:.2f} x ideal, 0 x 429."
    return "Targets MISSED by: " + ", ".join(f"{r.name} ({r.ratio:.3f}, {r.r429} x 429)" for r in missed)


def run_many_waiters() -> list[WaitersRow]:
    rows = []
    with FrontEmulator(LIMITS, stateful=False) as emulator:
        for waiters, use_asyncio in MANY_WAITERS:
            rows.append(measure_waiters(emulator, waiters, use_asyncio))
            print(waiters_table(rows[-1:]).splitlines()[-1], file=sys.stderr)  # progress
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        choices=["scenarios", "many-waiters", "tenants"],
        help="run one of the three tables (default: all)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(
        f"Scale: {GLOBAL_LIMIT} requests / {WINDOW:g} s global window (Front: 100 / 60 s); tier 1 = 1 and "
        f"tier 2 = 3 requests / {TIER_PERIOD:g} s (Front: / 1 s); fractional Retry-After.\n"
    )
    if args.only in (None, "scenarios"):
        rows = run_scenarios()
        print(table(rows))
        print(f"\n{verdict(rows)}\n")
    if args.only in (None, "many-waiters"):
        waiter_rows = run_many_waiters()
        print(waiters_table(waiter_rows))
        print(f"\n{waiters_verdict(waiter_rows)}\n")
    if args.only in (None, "tenants"):
        if find_redis_server() is None:
            print("redis-server not found: the multi-tenant row is skipped", file=sys.stderr)
        else:
            print(tenants.describe())
            spawn = multiprocessing.get_context("spawn")
            with (
                RedisServer() as redis_server,
                ProcessPoolExecutor(tenants.WORKERS, mp_context=spawn) as pool,
            ):
                tenant_rows = [tenants.run_tenants(pool, redis_server, spread) for spread in (True, False)]
            print(tenants.tenants_table(tenant_rows))
            print(f"\n{tenants.tenants_verdict(tenant_rows)}")
    print(f"(bench took {time.monotonic() - started:.0f} s)")
    return 0


def run_scenarios() -> list[Row]:
    rows: list[Row] = []
    has_redis = find_redis_server() is not None
    with FrontEmulator(LIMITS, stateful=False) as emulator:
        for scenario in (s for s in SCENARIOS if s.processes == 1):
            for client in CLIENTS:
                run = partial(run_in_process, scenario, client, emulator.base_url)
                rows.append(measure(emulator, scenario, client, run))
        if not has_redis:
            print("redis-server not found: the multi-process scenarios are skipped", file=sys.stderr)
        else:
            spawn = multiprocessing.get_context("spawn")
            with RedisServer() as redis_server, ProcessPoolExecutor(4, mp_context=spawn) as pool:
                for scenario in (s for s in SCENARIOS if s.processes > 1):
                    for client in CLIENTS:
                        run = partial(
                            run_processes, scenario, client, emulator.base_url, redis_server.url, pool
                        )
                        rows.append(measure(emulator, scenario, client, run))
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
