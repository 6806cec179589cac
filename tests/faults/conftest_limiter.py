"""Shared pieces of the limiter fault tests (imported explicitly by ``test_limiter_*.py``): a scripted
misbehaving server and the redis-server fixtures (the fake clock is ``tests.support.clock``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from front_client.testing import EmulatorLimits, EmulatorRequest, EmulatorResponse, FrontEmulator

from tests.emulator.fixtures import redis_server, redis_url

__all__ = ["Script", "redis_server", "redis_url", "scripted_server"]

ResponseFor = Callable[[int], EmulatorResponse]  # the n-th request (0-based) -> the answer


class Script:
    """A server handler answering the n-th request with ``answers[n]`` (the last one repeated)."""

    def __init__(self, *answers: EmulatorResponse) -> None:
        self._answers = list(answers)
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, _request: EmulatorRequest) -> EmulatorResponse:
        with self._lock:
            answer = self._answers[min(self.count, len(self._answers) - 1)]
            self.count += 1
        return answer


def rate(limit: int, remaining: int, reset: str, status: int = 200, **extra: str) -> EmulatorResponse:
    """A response carrying the given rate-limit headers (``reset`` as sent: a timestamp, garbage...)."""
    headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}
    headers["X-RateLimit-Reset"] = reset
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    body = {"_error": {"status": status, "title": "Too Many Requests"}} if status == 429 else {"ok": True}
    return EmulatorResponse(status, body, headers)


@pytest.fixture
def scripted_server() -> Iterator[FrontEmulator]:
    """A loopback server with no rate limiting of its own: set ``.fallback = Script(...)``."""
    with FrontEmulator(EmulatorLimits(enabled=False), stateful=False) as server:
        yield server
