"""Drive a limiter against the emulator, the way the client stack does: LimitingTransport under a minimal
retry layer that sleeps ``Retry-After`` on a 429 and sends again (as front_client's retry layer does)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.transport import AsyncLimitingTransport, LimitingTransport
from front_client.testing import EmulatorLimits, EmulatorRequest, EmulatorResponse, FrontEmulator

Call = tuple[str, str]
MAX_ATTEMPTS = 30


def policy_for(limits: EmulatorLimits, **overrides: Any) -> RateLimitPolicy:
    """The client-side policy matching the emulator's scaled limits (small margins: same host clock)."""
    kwargs: dict[str, Any] = {
        "global_limit": limits.global_limit,
        "window_seconds": limits.window_seconds,
        "tier_rates": {name: (rule.requests, rule.per_seconds) for name, rule in limits.tiers.items()},
        "reset_margin_seconds": 0.0,
        "tier_margin_seconds": 0.02,
    }
    kwargs.update(overrides)
    return RateLimitPolicy(**kwargs)


def send(client: httpx.Client, method: str, path: str) -> httpx.Response:
    for _ in range(MAX_ATTEMPTS):
        response = client.request(method, path)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    raise AssertionError(f"{method} {path}: still 429 after {MAX_ATTEMPTS} attempts")


async def send_async(client: httpx.AsyncClient, method: str, path: str) -> httpx.Response:
    for _ in range(MAX_ATTEMPTS):
        response = await client.request(method, path)
        if response.status_code != 429:
            return response
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
    raise AssertionError(f"{method} {path}: still 429 after {MAX_ATTEMPTS} attempts")


def run_threads(limiter: SyncLimiter | None, base_url: str, calls: Sequence[Call], threads: int) -> list[int]:
    """Send ``calls`` from ``threads`` threads sharing one client; the final status of each call.
    Without a limiter: the reactive baseline (only the Retry-After sleeps)."""
    transport: httpx.BaseTransport = httpx.HTTPTransport()
    if limiter is not None:
        transport = LimitingTransport(transport, limiter)
    with (
        httpx.Client(base_url=base_url, transport=transport, timeout=30) as client,
        ThreadPoolExecutor(threads) as pool,
    ):
        return list(pool.map(lambda call: send(client, *call).status_code, calls))


async def run_tasks(
    limiter: AsyncLimiter | None, base_url: str, calls: Sequence[Call], tasks: int
) -> list[int]:
    """Send ``calls`` from ``tasks`` asyncio tasks sharing one client; the final status of each call."""
    transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport()
    if limiter is not None:
        transport = AsyncLimitingTransport(transport, limiter)
    queue: asyncio.Queue[tuple[int, Call]] = asyncio.Queue()
    for item in enumerate(calls):
        queue.put_nowait(item)
    statuses = [0] * len(calls)
    async with httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                index, (method, path) = queue.get_nowait()
                statuses[index] = (await send_async(client, method, path)).status_code

        await asyncio.gather(*(worker() for _ in range(tasks)))
    return statuses


def untiered(n: int) -> list[Call]:
    """``n`` calls on distinct untiered routes."""
    return [("GET", f"/contacts/crd_{i}") for i in range(n)]


def trigger_after(emulator: FrontEmulator, count: int, action: Callable[[], object]) -> None:
    """Run ``action`` once, when the ``count``-th request is served (then answer as usual)."""
    lock, served = threading.Lock(), [0]

    def handler(request: EmulatorRequest) -> EmulatorResponse:
        with lock:
            served[0] += 1
            if served[0] == count:
                action()
        return EmulatorResponse(200, {"path": request.path})

    emulator.fallback = handler
