"""``RedisTokenStore``: tokens and their locks in Redis, for workers on many machines."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import redis
from redis.exceptions import LockError, RedisError

from front_client.oauth.errors import TokenStoreError
from front_client.oauth.token import OAuthToken

__all__ = ["RedisTokenStore"]


class RedisTokenStore:
    """Each installation's token at ``<prefix>:token:<installation>`` (JSON), its lock at
    ``<prefix>:lock:<installation>`` (redis-py's ``Lock``).

    ``lock_timeout``: seconds after which the lock of a worker that died mid-refresh frees itself; it must
    exceed a refresh's longest duration (the token endpoint's timeouts; 10 s each by default).
    ``blocking_timeout``: the longest wait for the lock before :class:`TokenStoreError`.
    A client you pass stays yours to close.
    """

    def __init__(
        self,
        client: redis.Redis | str,
        *,
        prefix: str = "front_client:oauth",
        lock_timeout: float = 60.0,
        blocking_timeout: float = 90.0,
        socket_timeout: float = 5.0,
    ) -> None:
        if isinstance(client, str):
            self._redis: redis.Redis = redis.Redis.from_url(
                client, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
            )
            self._owns_redis = True
        else:
            self._redis = client
            self._owns_redis = False
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.blocking_timeout = blocking_timeout

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self.prefix!r})"

    def close(self) -> None:
        if self._owns_redis:
            self._redis.close()

    def load(self, installation: str) -> OAuthToken | None:
        try:
            raw = self._redis.get(f"{self.prefix}:token:{installation}")
        except RedisError as error:
            raise TokenStoreError(
                f"Cannot read the token of {installation!r} from Redis: {type(error).__name__}"
            ) from error
        if raw is None:
            return None
        try:
            return OAuthToken.from_dict(json.loads(raw))
        except (KeyError, TypeError, ValueError) as error:
            raise TokenStoreError(f"The token of {installation!r} in Redis is malformed") from error

    def save(self, installation: str, token: OAuthToken) -> None:
        try:
            self._redis.set(f"{self.prefix}:token:{installation}", json.dumps(token.to_dict()))
        except RedisError as error:
            raise TokenStoreError(
                f"Cannot save the token of {installation!r} to Redis: {type(error).__name__}"
            ) from error

    @contextlib.contextmanager
    def lock(self, installation: str) -> Iterator[None]:
        # thread_local=False: the asyncio clients may take and release it from different worker threads.
        lock = self._redis.lock(
            f"{self.prefix}:lock:{installation}",
            timeout=self.lock_timeout,
            blocking_timeout=self.blocking_timeout,
            thread_local=False,
        )
        try:
            acquired = lock.acquire()
        except RedisError as error:
            raise TokenStoreError(f"Cannot lock {installation!r} in Redis: {type(error).__name__}") from error
        if not acquired:
            raise TokenStoreError(
                f"Timed out after {self.blocking_timeout:g} s waiting for the token lock of {installation!r}"
            )
        try:
            yield
        finally:
            with contextlib.suppress(LockError, RedisError):  # expired meanwhile: nothing left to release
                lock.release()
