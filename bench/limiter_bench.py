"""Limiter benchmark: our proactive limiter vs a reactive baseline, against the Front emulator.

    .venv/bin/python -m bench.limiter_bench            # from the repository root (needs redis-server)

Scale: Front's 100 requests / 60 s becomes GLOBAL_LIMIT requests / WINDOW seconds, tier 1 = 1 and tier 2 = 3
requests per TIER_PERIOD seconds (Front: per 1 s); Retry-After is fractional so the baseline is not
penalised by rounding. For each scenario: requests sent, wall time (server side: first to last request
received), ideal time (what the limits allow: full windows back to back, and the tier spacing), efficiency
= ideal / wall, and 429s received. The baseline is plain httpx that only sleeps Retry-After on a 429.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from front_client.limiter import InProcessLimiter
from tests.emulator import EmulatorLimits, FrontEmulator, RedisServer, find_redis_server
from tests.limiter.harness import Call, policy_for, run_tasks, run_threads
from tests.limiter.workers import redis_worker

GLOBAL_LIMIT, WINDOW, TIER_PERIOD = 20, 1.0, 0.25
LIMITS = EmulatorLimits.scaled(GLOBAL_LIMIT, WINDOW, TIER_PERIOD)


@dataclass
class Row:
    scenario: str
    client: str
    requests: int
    wall: float
    ideal: float
    r429: int

    @property
    def efficiency(self) -> float:
        return self.ideal / self.wall if self.wall > 0 else 0.0


def untiered(n: int) -> list[Call]:
    return [("GET", f"/contacts/crd_{i}") for i in range(n)]


def mixed(n: int) -> list[Call]:
    return [("PATCH", f"/conversations/cnv_{i}") if i % 4 == 0 else ("GET", f"/contacts/{i}") for i in range(n)]


def ideal_time(calls: list[Call]) -> float:
    """Full global windows back to back, and for tiered calls the tier's spacing."""
    table = policy_for(LIMITS).table
    best = (math.ceil(len(calls) / GLOBAL_LIMIT) - 1) * WINDOW
    for name, tier in table.tiers.items():
        count = sum(1 for m, p in calls if (t := table.tier_for(m, p)) is not None and t.name == name)
        if count:
            best = max(best, (math.ceil(count / tier.requests) - 1) * tier.per_seconds)
    return best


def measure(emulator: FrontEmulator, scenario: str, client: str, calls: list[Call], go: Callable[[], object]) -> Row:
    emulator.reset_stats()
    go()
    times = sorted(r.received_at for r in emulator.requests)
    return Row(scenario, client, len(calls), times[-1] - times[0], ideal_time(calls), emulator.responses_429)


def in_process(emulator: FrontEmulator) -> list[Row]:
    rows = []
    scenarios: list[tuple[str, list[Call], str, int]] = [
        ("16 threads, untiered", untiered(100), "threads", 16),
        ("64 asyncio tasks, untiered", untiered(100), "asyncio", 64),
        ("16 threads, 1/4 tier 2", mixed(80), "threads", 16),
    ]
    for name, calls, mode, concurrency in scenarios:
        for client in ("limiter", "baseline"):
            limiter = InProcessLimiter(policy_for(LIMITS)) if client == "limiter" else None
            url = emulator.base_url

            def go(limiter: InProcessLimiter | None = limiter, calls: list[Call] = calls,
                   mode: str = mode, concurrency: int = concurrency) -> object:
                if mode == "threads":
                    return run_threads(limiter, url, calls, concurrency)
                return asyncio.run(run_tasks(limiter, url, calls, concurrency))

            rows.append(measure(emulator, name, client, calls, go))
    return rows


def multi_process(emulator: FrontEmulator, redis_url: str) -> list[Row]:
    rows = []
    per_process = untiered(25)
    calls = per_process * 4
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        for client in ("limiter", "baseline"):
            key = f"bench-{time.time()}" if client == "limiter" else None

            def go(key: str | None = key) -> object:
                start_at = time.time() + 1.5  # after the workers' imports
                futures = [
                    pool.submit(redis_worker, redis_url, emulator.base_url, key, LIMITS, per_process, 8,
                                False, start_at)
                    for _ in range(4)
                ]
                return [f.result() for f in futures]

            rows.append(measure(emulator, "4 processes x 8 threads, Redis", client, calls, go))
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | client | requests | wall (s) | ideal (s) | efficiency | 429s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r.scenario} | {r.client} | {r.requests} | {r.wall:.2f} | {r.ideal:.2f} "
                     f"| {r.efficiency:.3f} | {r.r429} |")
    return "\n".join(lines)


def main() -> int:
    started = time.monotonic()
    rows: list[Row] = []
    with FrontEmulator(LIMITS) as emulator:
        rows += in_process(emulator)
        if find_redis_server() is None:
            print("redis-server not found: the multi-process scenario is skipped", file=sys.stderr)
        else:
            with RedisServer() as redis_server:
                rows += multi_process(emulator, redis_server.url)
    print(f"Scale: {GLOBAL_LIMIT} requests / {WINDOW:g} s global window (Front: 100 / 60 s); tier 1 = 1 and "
          f"tier 2 = 3 requests / {TIER_PERIOD:g} s (Front: / 1 s); fractional Retry-After.\n")
    print(table(rows))
    print(f"\n(bench took {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
