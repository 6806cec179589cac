"""Shared pieces of the limiter fault tests (imported explicitly by ``test_limiter_*.py``): a scripted
misbehaving server, a fake clock whose sleeps are recorded, and the redis-server fixtures."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from front_client.testing import EmulatorLimits, EmulatorRequest, EmulatorResponse, FrontEmulator

from tests.emulator.fixtures import redis_server, redis_url

__all__ = ["WALL0", "FakeTime", "Script", "redis_server", "redis_url", "scripted_server"]

WALL0 = 1_800_000_000.0  # the fake wall clock at fake time 0


@dataclass
class FakeTime:
    """``clock`` / ``wall_clock`` / ``sleep`` / ``async_sleep`` for a client: time moves only by sleeping,
    and every sleep is recorded (so a test asserts how long the client *would* have waited)."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return WALL0 + self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


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
