"""Fixtures of the limiter suite; the emulator / redis-server fixtures are shared from tests.emulator."""

from __future__ import annotations

from tests.emulator.fixtures import front_emulator, redis_server, redis_url, scaled_emulator

__all__ = ["front_emulator", "redis_server", "redis_url", "scaled_emulator"]
