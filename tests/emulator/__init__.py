"""A Front emulator for tests: ``FrontEmulator`` (HTTP server), ``RedisServer``; fixtures in ``fixtures``."""

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
