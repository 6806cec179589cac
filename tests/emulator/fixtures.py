"""pytest fixtures over the emulator and redis-server. Import them into a conftest::

from tests.emulator.fixtures import front_emulator, redis_server, redis_url  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.emulator.redis_server import RedisServer, find_redis_server


@pytest.fixture
def front_emulator() -> Iterator[FrontEmulator]:
    """An emulator with Front's default limits (100 / 60 s): ``front_emulator.base_url``."""
    with FrontEmulator(EmulatorLimits(), stateful=False) as emulator:
        yield emulator


@pytest.fixture
def scaled_emulator() -> Iterator[FrontEmulator]:
    """An emulator with scaled limits (20 / 2 s; tiers per 0.25 s; fractional Retry-After)."""
    with FrontEmulator(EmulatorLimits.scaled(), stateful=False) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a random loopback port for the session; skipped if not installed."""
    if find_redis_server() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); CI installs it")
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The server's URL, emptied before each test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    yield redis_server.url
