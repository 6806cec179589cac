"""The Redis connections behind ``RedisLimiter``: one sync client, one asyncio client per event loop, and the
two scripts registered on each, shared by every limiter made from one (``RedisLimiter.for_installation``).
The pools made here are bounded and blocking (``POOL_CONNECTIONS``): many installations share them, and a
burst waits for a connection instead of failing.

Async callers need a ``redis.asyncio`` client bound to their event loop (one per loop): it is made from the
same connection settings as the sync one (``url``, or the given client's host / port / unix path, db,
credentials, TLS and timeouts), so sync and async callers always share one Redis and one budget.
``async_client=`` gives it explicitly instead; a ``client`` whose settings cannot be carried over (Sentinel,
a cluster, a custom connection class) is refused at construction unless ``async_client`` is given
(``False``: sync use only).
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import redis
import redis.asyncio
from redis.commands.core import AsyncScript, Script

from front_client.limiter.redis_store import CAS_SCRIPT, READ_SCRIPT

__all__ = ["AsyncClientOption", "AsyncScripts", "RedisConnections"]

AsyncClientOption = redis.asyncio.Redis | Callable[[], redis.asyncio.Redis] | Literal[False] | None

# The asyncio twin of each connection class whose settings mean the same in both libraries.
_ASYNC_CONNECTION: Mapping[type[Any], type[Any]] = {
    redis.Connection: redis.asyncio.Connection,
    redis.SSLConnection: redis.asyncio.SSLConnection,
    redis.UnixDomainSocketConnection: redis.asyncio.UnixDomainSocketConnection,
}
# Connection settings carried over to the asyncio client (plus the ``ssl_*`` ones its SSL class takes).
# The rest are objects of the sync library (retry policy, callbacks, parser, pool handlers) or internal
# bookkeeping: redis.asyncio's own defaults stand in for them.
_PORTABLE = frozenset(
    {
        "host",
        "port",
        "path",
        "db",
        "username",
        "password",
        "credential_provider",
        "client_name",
        "lib_name",
        "lib_version",
        "protocol",
        "encoding",
        "encoding_errors",
        "decode_responses",
        "socket_timeout",
        "socket_connect_timeout",
        "socket_keepalive",
        "socket_read_size",
        "retry_on_timeout",
        "health_check_interval",
    }
)
_ASYNC_SSL_OPTIONS = frozenset(
    name
    for name in inspect.signature(redis.asyncio.SSLConnection.__init__).parameters
    if name.startswith("ssl_")
)


def _async_connection_settings(client: redis.Redis) -> tuple[type[Any], dict[str, Any]]:
    """The asyncio connection class and settings reaching the same server as ``client``; ValueError if
    they cannot be told (a Sentinel or cluster client, a custom connection class, an unportable option)."""
    pool = getattr(client, "connection_pool", None)
    connection_class = getattr(pool, "connection_class", None)
    async_class = _ASYNC_CONNECTION.get(connection_class) if isinstance(connection_class, type) else None
    if not isinstance(pool, redis.ConnectionPool) or async_class is None:
        name = getattr(connection_class, "__name__", type(pool).__name__)
        raise ValueError(
            f"RedisLimiter(client=...): cannot make an asyncio client reaching the same Redis as this "
            f"client (connection class {name}); pass async_client=redis.asyncio.Redis(...) (or a function "
            "making one per event loop), or async_client=False if the limiter is only used synchronously"
        )
    given: Mapping[str, Any] = pool.connection_kwargs
    settings = {k: v for k, v in given.items() if k in _PORTABLE}
    options = given.get("socket_keepalive_options")
    if isinstance(options, Mapping):
        settings["socket_keepalive_options"] = options
    for name, value in given.items():
        if not name.startswith("ssl_"):
            continue
        if name in _ASYNC_SSL_OPTIONS:
            settings[name] = value
        elif value:  # e.g. OCSP validation: dropping it would weaken TLS silently
            raise ValueError(
                f"RedisLimiter(client=...): redis.asyncio has no {name}; pass async_client= explicitly"
            )
    return async_class, settings


def _describe(client: redis.Redis) -> str:
    """Where a sync client connects, as a URL without credentials (for error messages)."""
    pool = getattr(client, "connection_pool", None)
    settings: Mapping[str, Any] = getattr(pool, "connection_kwargs", None) or {}
    db = settings.get("db", 0)
    if "path" in settings:
        return f"unix://{settings['path']}?db={db}"
    if "host" not in settings:
        return f"the given {type(client).__name__} client"
    connection_class = getattr(pool, "connection_class", None)
    tls = isinstance(connection_class, type) and issubclass(connection_class, redis.SSLConnection)
    return f"{'rediss' if tls else 'redis'}://{settings['host']}:{settings.get('port', 6379)}/{db}"


# The pools made here: at most this many connections (per process; per event loop for asyncio), and a
# caller finding them all busy waits up to this long for one (many installations, one pool: a burst queues
# for a connection rather than failing with "Too many connections").
POOL_CONNECTIONS = 50
POOL_WAIT_SECONDS = 30.0


def _pool_settings(socket_timeout: float) -> dict[str, Any]:
    return {
        "max_connections": POOL_CONNECTIONS,
        "timeout": POOL_WAIT_SECONDS,
        "socket_timeout": socket_timeout,
    }


def _safe_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}"  # never print a password


@dataclass(frozen=True)
class AsyncScripts:
    """One event loop's asyncio client and the two scripts registered on it."""

    client: redis.asyncio.Redis
    read: AsyncScript
    cas: AsyncScript
    owned: bool = True  # made here (closed by ``aclose``), not given by the caller


class RedisConnections:
    """The clients and scripts every limiter of one Redis shares; ``where`` names the server (no password).

    ``limiters``: the limiters made from these connections, by key (``for_installation`` hands out the same
    object for the same installation while it lives). ``background``: settlements still being written (a
    cancelled task's response or slot), which ``aclose`` waits for.
    """

    def __init__(
        self,
        url: str,
        client: redis.Redis | None,
        async_client: AsyncClientOption,
        socket_timeout: float,
    ) -> None:
        if client is not None and not isinstance(client, redis.Redis):
            raise TypeError(
                f"RedisLimiter(client=...) takes a sync redis.Redis, not {type(client).__name__}; "
                "give an asyncio client as async_client="
            )
        self.where = _safe_url(url) if client is None else _describe(client)
        self._async_factory = self._async_client_factory(url, socket_timeout, client, async_client)
        self._owns_sync = client is None  # a client the caller passed stays theirs to close
        self.sync_client: redis.Redis = (
            client
            if client is not None
            else redis.Redis.from_pool(
                redis.BlockingConnectionPool.from_url(
                    url, **_pool_settings(socket_timeout), socket_connect_timeout=socket_timeout
                )
            )
        )
        self.read: Script = self.sync_client.register_script(READ_SCRIPT)
        self.cas: Script = self.sync_client.register_script(CAS_SCRIPT)
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncScripts] = (
            weakref.WeakKeyDictionary()
        )
        self.limiters: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
        self.background: set[asyncio.Future[None]] = set()

    @staticmethod
    def _async_client_factory(
        url: str, socket_timeout: float, client: redis.Redis | None, async_client: AsyncClientOption
    ) -> Callable[[], tuple[redis.asyncio.Redis, bool]] | None:
        """How to get the asyncio client of a loop: (client, made here). ``None``: sync use only."""
        if async_client is False:
            return None
        if isinstance(async_client, redis.asyncio.Redis):
            given = async_client
            return lambda: (given, False)
        if async_client is not None:
            make = async_client
            return lambda: (make(), True)
        if client is None:
            return lambda: (
                redis.asyncio.Redis.from_pool(
                    redis.asyncio.BlockingConnectionPool.from_url(
                        url, **_pool_settings(socket_timeout), socket_connect_timeout=socket_timeout
                    )
                ),
                True,
            )
        async_class, settings = _async_connection_settings(client)
        max_connections = client.connection_pool.max_connections

        def derived() -> tuple[redis.asyncio.Redis, bool]:
            pool = redis.asyncio.BlockingConnectionPool(
                connection_class=async_class,
                max_connections=max_connections,
                timeout=POOL_WAIT_SECONDS,
                **settings,
            )
            return redis.asyncio.Redis.from_pool(pool), True

        return derived

    def for_running_loop(self) -> AsyncScripts:
        """redis.asyncio connections belong to one loop: one client (and its scripts) per running loop."""
        loop = asyncio.get_running_loop()
        scripts = self._async.get(loop)
        if scripts is None:
            if self._async_factory is None:
                raise TypeError(
                    "this RedisLimiter was made with async_client=False: it serves sync callers only; "
                    "pass async_client= (or a client whose settings can be carried over) for asyncio"
                )
            client, owned = self._async_factory()
            scripts = AsyncScripts(
                client, client.register_script(READ_SCRIPT), client.register_script(CAS_SCRIPT), owned
            )
            self._async[loop] = scripts
        return scripts

    def in_background(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """``work`` as a task kept referenced until it is done (``aclose`` awaits it)."""
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    def close(self) -> None:
        """Close the sync client if it was made here (not given as ``client=``)."""
        if self._owns_sync:
            self.sync_client.close()

    async def aclose(self) -> None:
        """Close this loop's asyncio client (unless given as ``async_client``), once the settlements still
        being written in the background on this loop are done."""
        loop = asyncio.get_running_loop()
        pending = [task for task in self.background if task.get_loop() is loop]
        await asyncio.gather(*pending, return_exceptions=True)
        scripts = self._async.pop(loop, None)
        if scripts is not None and scripts.owned:
            await scripts.client.aclose()
