"""Moved to :mod:`front_client.testing` (the emulator, shipped) — thin re-exports kept for other branches'
tests; ``redis_server`` (test infrastructure) stays here."""

from tests.emulator.redis_server import RedisServer, find_redis_server, free_port
from tests.emulator.server import (
    PRIVATE_RESOURCE_BODY,
    EmulatorLimits,
    EmulatorRequest,
    EmulatorResponse,
    FrontEmulator,
    Handler,
    TierRule,
    json_response,
    paginated,
    redirect,
    sequence,
)

__all__ = [
    "PRIVATE_RESOURCE_BODY",
    "EmulatorLimits",
    "EmulatorRequest",
    "EmulatorResponse",
    "FrontEmulator",
    "Handler",
    "RedisServer",
    "TierRule",
    "find_redis_server",
    "free_port",
    "json_response",
    "paginated",
    "redirect",
    "sequence",
]
