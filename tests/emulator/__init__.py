"""Test infrastructure beside the shipped emulator (:mod:`front_client.testing`, which our tests import like a
user would): a throwaway ``redis-server`` and the fixtures over both."""

from tests.emulator.redis_server import RedisServer, find_redis_server, free_port

__all__ = ["RedisServer", "find_redis_server", "free_port"]
