"""Entry points for worker processes (multiprocessing 'spawn': importable, picklable arguments)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from front_client.limiter.redis_backend import RedisLimiter
from front_client.testing import EmulatorLimits

from tests.limiter.harness import Call, policy_for, run_tasks, run_threads


def redis_worker(
    redis_url: str,
    base_url: str,
    company_key: str | None,
    limits: EmulatorLimits,
    calls: Sequence[Call],
    concurrency: int,
    use_asyncio: bool = False,
    start_at: float = 0.0,
) -> tuple[list[int], int]:
    """Send ``calls`` through a RedisLimiter from this process; (statuses, 429s this process saw).
    ``company_key`` None: no limiter (the reactive baseline)."""
    limiter = None
    if company_key is not None:
        limiter = RedisLimiter(redis_url, company_key=company_key, policy=policy_for(limits))
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    try:
        if use_asyncio:
            statuses = asyncio.run(run_tasks(limiter, base_url, calls, concurrency))
        else:
            statuses = run_threads(limiter, base_url, calls, concurrency)
    finally:
        if limiter is not None:
            limiter.close()
    return statuses, statuses.count(429) if limiter is None else limiter.stats().responses_429
