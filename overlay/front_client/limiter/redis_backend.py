"""The Redis shell: one company budget shared by many processes and hosts.

The state is the same ``LimiterState`` the in-process shell keeps, stored as JSON in one Redis hash; every
decision is the same ``LimiterCore`` code, run as an optimistic transaction:

1. a read-only Lua script returns Redis' ``TIME`` (the shared clock), the state and its version;
2. the core decides locally;
3. a compare-and-set Lua script stores the new state only if the version is unchanged (else: go to 1).

So the decisions exist once, in Python, instead of a second copy in Lua; Redis only guarantees atomicity.
Within a process, calls are serialised (a ``threading.Lock`` for threads, an ``asyncio.Lock`` per loop for
tasks) so compare-and-set conflicts happen only between processes.

Keys: ``{key_prefix}:{namespace}``, where the namespace is the user's ``company_key`` or ``sha256(token)``
truncated to 16 hex digits: the raw token never reaches Redis.

Connections: from ``url``, or the given ``client`` (a sync ``redis.Redis``). Async callers need a
``redis.asyncio`` client bound to their event loop (one per loop): it is made from the same connection
settings as the sync one (``url``, or the given client's host / port / unix path, db, credentials, TLS and
timeouts), so sync and async callers always share one Redis and one budget. ``async_client=`` gives it
explicitly instead; a ``client`` whose settings cannot be carried over (Sentinel, a cluster, a custom
connection class) is refused at construction unless ``async_client`` is given (``False``: sync use only).

Stored state, in one hash: ``s`` the state (``LimiterState.to_json``), ``f`` its schema (``STATE_SCHEMA``;
absent in a state written before the field existed, which has the same layout), ``v`` a compare-and-set
counter. The schema is kept out of the JSON so that clients released before it can still read what this
one writes. A state this client cannot read (garbage, another schema from a newer client during a rolling
upgrade, an unknown field, a non-integer counter) is replaced by a fresh one, which probes the budget
again as at start-up (never "unlimited"), with one warning; a readable state whose times are out of bounds
(a pause of years, from a client before the bounds) is brought within them by the core.

Writes: a decision that takes nothing (a wait, a refusal) writes nothing, so refused callers do not keep
the key alive: it expires ``max(1 h, 10 windows)`` after the last request that was sent. ``reset()``
writes a fresh state (the way out of a state known to be wrong, for every process sharing it).

Redis unreachable: ``acquire`` raises ``LimiterBackendError`` (the request is not sent). ``observe`` and
``cancel`` log the error instead of raising, because the response already exists; the next ``acquire``
raises. There is deliberately no silent fallback to unlimited (or per-process) sending: a worker that
cannot see the shared budget stops until Redis is back.

Waiters are not queued in Redis: each one sleeps until the decision says its budget frees (at most
``max_sleep``) and tries again, so the order across processes is first come at the reset, not strict FIFO.
A task cancelled while its transaction is on the wire lets the transaction finish and hands a permit it
got back, so a cancelled waiter never keeps a slot.

Why Lua scripts and not ``limits`` or ``pyrate-limiter``: both count a fixed rate in Redis atomically, but
neither can take the limit from ``X-RateLimit-Limit`` at run time, align its window to
``X-RateLimit-Reset``, count usage seen only through ``X-RateLimit-Remaining``, pause a scope for
``Retry-After``, hold a tier slot while a request is in flight or give a slot back. Wrapping one would mean a
second copy of the decisions next to ``LimiterCore``; instead the same core runs in every shell and Redis
only provides atomicity (two short scripts: read with ``TIME``, compare-and-set).
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import redis
import redis.asyncio
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from front_client.limiter.base import (
    DEFAULT_MAX_PAUSE,
    LimiterStats,
    WaitHook,
    _Recorder,
    check_max_pause,
    logger,
)
from front_client.limiter.core import (
    STATE_SCHEMA,
    Budget,
    LimiterCore,
    LimiterState,
    Permit,
    Refusal,
    UnreadableState,
    Wait,
    parse_rate_headers,
)
from front_client.limiter.errors import LimiterBackendError, LimiterTimeout
from front_client.limiter.policy import RateLimitPolicy

__all__ = ["RedisLimiter", "namespace_for"]

T = TypeVar("T")

_READ = """
local t = redis.call('TIME')
local v = redis.call('HGET', KEYS[1], 'v')
local s = redis.call('HGET', KEYS[1], 's')
local f = redis.call('HGET', KEYS[1], 'f')
return {t[1], t[2], v or '', s or '', f or ''}
"""

_CAS = """
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'f', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

_MAX_ATTEMPTS = 200

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


def namespace_for(*, company_key: str | None = None, token: str | None = None) -> str:
    """The key namespace: the company key as given, or a truncated sha256 of the token."""
    if (company_key is None) == (token is None):
        raise ValueError("give exactly one of company_key or token")
    if company_key is not None:
        if not company_key:
            raise ValueError("company_key must not be empty")
        return f"company:{company_key}"
    assert token is not None
    return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class _Txn:
    fn: Callable[[LimiterCore, float], Any]


@dataclass(frozen=True)
class _Sleep:
    seconds: float


def _reset(core: LimiterCore, _now: float) -> None:
    core.reset()


@dataclass(frozen=True)
class _Read:
    """One read of the shared state: the core over it, Redis' clock, the version to compare-and-set, and
    why the stored state could not be used (``None``: it could), in which case it is replaced."""

    core: LimiterCore
    now: float
    version: str
    unreadable: str | None


def _text(value: bytes | str | int) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _always(_result: object) -> bool:
    return True


def _took_a_permit(result: object) -> bool:
    return isinstance(result, Permit)


@dataclass(frozen=True)
class _AsyncBinding:
    client: redis.asyncio.Redis
    lock: asyncio.Lock
    read: AsyncScript
    cas: AsyncScript
    owned: bool = True  # made here (closed by ``aclose``), not given by the caller


class RedisLimiter:
    """A limiter whose budget lives in Redis. Same API as ``InProcessLimiter``.

    ``clock`` measures the caller's timeouts; decisions use Redis' clock. ``poll_interval`` bounds a wait
    whose end depends on another process (the first response), ``max_sleep`` any wait (so a limit raised by
    another process is noticed).

    ``client``: a sync ``redis.Redis`` to use instead of ``url``; async callers then reach the same server
    through a ``redis.asyncio`` client made from its settings, or through ``async_client``: a
    ``redis.asyncio.Redis`` (used as is, for one event loop, never closed here), a function making one (called
    once per event loop), or ``False`` (sync use only: ``acquire_async`` raises). When ``client`` is given
    and its settings cannot be carried over, construction raises ``ValueError`` unless ``async_client`` is.

    ``max_pause`` (seconds, default 120 like the client's ``max_retry_after``; ``None``: no cap): a request
    that would wait longer than this for a 429 pause (seen by any process sharing the budget) is not sent:
    ``acquire`` raises ``RateLimitPauseError`` (a ``RateLimitError`` with ``retry_after`` = the time left
    and the scope / tier) at once instead of sleeping. ``max_wait`` (default ``None``: no cap): the same
    for a wait of any kind (``RateLimitWaitError``).

    ``reset()`` / ``reset_async()`` replace the shared state by a fresh one (for every process).
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        company_key: str | None = None,
        token: str | None = None,
        policy: RateLimitPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_wait: WaitHook | None = None,
        key_prefix: str = "front_client:limiter",
        socket_timeout: float = 2.0,
        poll_interval: float = 0.05,
        max_sleep: float = 1.0,
        client: redis.Redis | None = None,
        async_client: AsyncClientOption = None,
        max_pause: float | None = DEFAULT_MAX_PAUSE,
        max_wait: float | None = None,
    ) -> None:
        self.policy = policy if policy is not None else RateLimitPolicy()
        self.key = f"{key_prefix}:{namespace_for(company_key=company_key, token=token)}"
        self.max_pause = check_max_pause(max_pause)
        self.max_wait = check_max_pause(max_wait, "max_wait")
        self._url = url
        self._where = self._safe_url() if client is None else _describe(client)
        self._socket_timeout = socket_timeout
        self._async_factory = self._async_client_factory(client, async_client)
        self._clock, self._wall_clock = clock, wall_clock
        self._sleep, self._async_sleep = sleep, async_sleep
        self._poll_interval, self._max_sleep = poll_interval, max_sleep
        self._ttl_ms = int(max(3600.0, 10 * self.policy.window_seconds) * 1000)
        self._owns_redis = client is None  # a client the caller passed stays theirs to close
        self._redis: redis.Redis = (
            client
            if client is not None
            else redis.Redis.from_url(
                url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
            )
        )
        self._read = self._redis.register_script(_READ)
        self._cas = self._redis.register_script(_CAS)
        self._sync_lock = threading.Lock()
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncBinding] = (
            weakref.WeakKeyDictionary()
        )
        self._recorder = _Recorder(on_wait)
        self._last_budget: Budget | None = None
        self._background: set[asyncio.Future[None]] = set()

    # -- the transaction, shared by both drivers ---------------------------------------------------------
    def _begin(self, raw: list[Any]) -> _Read:
        seconds, micros, version, state, schema = raw
        now = int(seconds) + int(micros) / 1e6
        version, schema = (_text(value) for value in (version, schema))
        unreadable: str | None = None
        loaded: LimiterState | None = None
        if version and not (version.isascii() and version.isdigit()):
            unreadable = f"a version counter {version[:40]!r} that is not an integer"
        elif schema not in ("", str(STATE_SCHEMA)):
            unreadable = f"schema {schema[:40]!r}; this client reads schema {STATE_SCHEMA}"
        elif state:
            try:
                loaded = LimiterState.from_json(state)
            except UnreadableState as exc:
                unreadable = str(exc)
        if loaded is None:
            loaded = LimiterCore.initial_state(self.policy)
        return _Read(LimiterCore(self.policy, loaded), now, version, unreadable)

    def _commit_args(self, read: _Read) -> list[str | int]:
        following = 1 if read.unreadable is not None else int(read.version or "0") + 1
        return [read.version, str(following), read.core.state.to_json(), self._ttl_ms, STATE_SCHEMA]

    def _committed(self, read: _Read) -> None:
        self._last_budget = read.core.budget(read.now)
        if read.unreadable is not None:
            logger.warning(
                "Redis key %s held a rate-limit state this client cannot read (%s): replaced by a fresh "
                "state, which learns the budget again from the next response",
                self.key,
                read.unreadable,
            )

    def _async_client_factory(
        self, client: redis.Redis | None, async_client: AsyncClientOption
    ) -> Callable[[], tuple[redis.asyncio.Redis, bool]] | None:
        """How to get the asyncio client of a loop: (client, made here). ``None``: sync use only."""
        if client is not None and not isinstance(client, redis.Redis):
            raise TypeError(
                f"RedisLimiter(client=...) takes a sync redis.Redis, not {type(client).__name__}; "
                "give an asyncio client as async_client="
            )
        if async_client is False:
            return None
        if isinstance(async_client, redis.asyncio.Redis):
            given = async_client
            return lambda: (given, False)
        if async_client is not None:
            make = async_client
            return lambda: (make(), True)
        if client is None:
            url, timeout = self._url, self._socket_timeout
            return lambda: (
                redis.asyncio.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout),
                True,
            )
        async_class, settings = _async_connection_settings(client)
        max_connections = client.connection_pool.max_connections

        def derived() -> tuple[redis.asyncio.Redis, bool]:
            pool = redis.asyncio.ConnectionPool(
                connection_class=async_class, max_connections=max_connections, **settings
            )
            return redis.asyncio.Redis.from_pool(pool), True

        return derived

    def _unreachable(self, exc: Exception) -> LimiterBackendError:
        return LimiterBackendError(
            f"Redis rate-limit backend unavailable ({self._where}): {exc}; not sending unlimited"
        )

    def _safe_url(self) -> str:
        scheme, sep, rest = self._url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}"  # never print a password

    def _update(self, fn: Callable[[LimiterCore, float], T], write: Callable[[T], bool] = _always) -> T:
        """Run ``fn`` on the stored state and store the result atomically (retried on a conflict);
        ``write(result)`` False: nothing to store (unless the stored state had to be replaced)."""
        with self._sync_lock:
            try:
                for _ in range(_MAX_ATTEMPTS):
                    read = self._begin(self._read(keys=[self.key]))
                    result = fn(read.core, read.now)
                    if read.unreadable is None and not write(result):
                        self._last_budget = read.core.budget(read.now)
                        return result
                    if self._cas(keys=[self.key], args=self._commit_args(read)):
                        self._committed(read)
                        return result
            except RedisError as exc:
                raise self._unreachable(exc) from exc
        raise LimiterBackendError(f"Redis key {self.key}: too much contention")

    def _async_binding(self) -> _AsyncBinding:
        """redis.asyncio connections belong to one loop: one client (and lock) per running loop."""
        loop = asyncio.get_running_loop()
        binding = self._async.get(loop)
        if binding is None:
            if self._async_factory is None:
                raise TypeError(
                    "this RedisLimiter was made with async_client=False: it serves sync callers only; "
                    "pass async_client= (or a client whose settings can be carried over) for asyncio"
                )
            client, owned = self._async_factory()
            binding = _AsyncBinding(
                client, asyncio.Lock(), client.register_script(_READ), client.register_script(_CAS), owned
            )
            self._async[loop] = binding
        return binding

    async def _update_async(
        self, fn: Callable[[LimiterCore, float], T], write: Callable[[T], bool] = _always
    ) -> T:
        binding = self._async_binding()
        read_script, cas = binding.read, binding.cas
        async with binding.lock:
            try:
                for _ in range(_MAX_ATTEMPTS):
                    read = self._begin(await read_script(keys=[self.key]))
                    result = fn(read.core, read.now)
                    if read.unreadable is None and not write(result):
                        self._last_budget = read.core.budget(read.now)
                        return result
                    if await cas(keys=[self.key], args=self._commit_args(read)):
                        self._committed(read)
                        return result
            except RedisError as exc:
                raise self._unreachable(exc) from exc
        raise LimiterBackendError(f"Redis key {self.key}: too much contention")

    # -- acquire as a sans-I/O generator: it yields what to do, the drivers do it ------------------------
    def _steps(self, method: str, path: str, timeout: float | None) -> Generator[_Txn | _Sleep, Any, Permit]:
        start = self._clock()
        deadline = None if timeout is None else start + timeout
        announced = False

        def attempt(core: LimiterCore, now: float) -> Permit | Wait | Refusal:
            return core.try_acquire(now, method, path, max_pause=self.max_pause, max_wait=self.max_wait)

        while True:
            result: Permit | Wait | Refusal = yield _Txn(attempt)
            now = self._clock()
            if isinstance(result, Permit):
                self._recorder.granted(now - start if announced else 0.0)
                return result
            if isinstance(result, Refusal):  # a pause over max_pause, a wait over max_wait: not slept
                raise self._recorder.refused(method, path, result, self.max_pause, self.max_wait)
            seconds = min(result.seconds, self._poll_interval if result.poll else self._max_sleep)
            if deadline is not None:
                if now >= deadline:
                    self._recorder.timed_out()
                    raise LimiterTimeout(f"{method} {path}: no budget within {timeout}s ({result.scope})")
                seconds = min(seconds, deadline - now)
            if not announced:
                announced = True
                self._recorder.waiting(method, path, result)
            yield _Sleep(seconds)

    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit:
        steps = self._steps(method.upper(), path, timeout)
        try:
            op = next(steps)
            while True:
                if isinstance(op, _Txn):
                    op = steps.send(self._update(op.fn, _took_a_permit))
                else:
                    self._sleep(op.seconds)
                    op = next(steps)
        except StopIteration as done:
            return cast(Permit, done.value)

    async def _acquire_txn_async(self, fn: Callable[[LimiterCore, float], T]) -> T:
        """``_update_async``, shielded from cancellation: a task cancelled while its compare-and-set is on
        the wire cannot know whether Redis stored the permit, so the transaction runs to its end and a
        permit it granted is handed back."""
        txn = asyncio.ensure_future(self._update_async(fn, _took_a_permit))
        try:
            return await asyncio.shield(txn)
        except asyncio.CancelledError:
            txn.add_done_callback(self._give_back_late_permit)
            raise

    async def _settle_even_if_cancelled(self, settle: Coroutine[Any, Any, None]) -> None:
        """Runs ``settle`` (recording a response or giving a slot back) to its end even if the caller is
        cancelled, e.g. while queued for this loop's lock: a permit never settled holds its tier slot for
        ``inflight_timeout_seconds`` in every process sharing the budget."""
        await asyncio.shield(self._in_background(settle))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """``work`` as a task this limiter keeps a reference to until it is done (``aclose`` awaits it)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _give_back_late_permit(self, txn: asyncio.Future[Any]) -> None:
        if txn.cancelled() or txn.exception() is not None or not isinstance(txn.result(), Permit):
            return
        permit: Permit = txn.result()
        self._recorder.granted(0.0)  # counted as granted then cancelled, as the in-process shell does
        self._in_background(self._cancel_async(permit))

    async def acquire_async(self, method: str, path: str, timeout: float | None = None) -> Permit:
        steps = self._steps(method.upper(), path, timeout)
        try:
            op = next(steps)
            while True:
                if isinstance(op, _Txn):
                    op = steps.send(await self._acquire_txn_async(op.fn))
                else:
                    await self._async_sleep(op.seconds)
                    op = next(steps)
        except StopIteration as done:
            return cast(Permit, done.value)

    # -- after the response ------------------------------------------------------------------------------
    def _observe_fn(
        self, permit: Permit, status_code: int, headers: Mapping[str, str]
    ) -> Callable[[LimiterCore, float], str | None]:
        rate = parse_rate_headers(headers, self._wall_clock())

        def fn(core: LimiterCore, now: float) -> str | None:
            return core.observe(now, permit, status_code, rate)

        return fn

    def _cancel_fn(self, permit: Permit) -> Callable[[LimiterCore, float], None]:
        def fn(core: LimiterCore, now: float) -> None:
            core.cancel(now, permit)

        return fn

    def observe(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        try:
            paused = self._update(self._observe_fn(permit, status_code, headers))
        except LimiterBackendError as exc:
            logger.warning("could not record a response in Redis: %s", exc)
            paused = None
        self._recorder.observed(status_code, paused)

    async def observe_async(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        await self._settle_even_if_cancelled(self._observe_async(permit, status_code, headers))

    async def _observe_async(self, permit: Permit, status_code: int, headers: Mapping[str, str]) -> None:
        try:
            paused = await self._update_async(self._observe_fn(permit, status_code, headers))
        except LimiterBackendError as exc:
            logger.warning("could not record a response in Redis: %s", exc)
            paused = None
        self._recorder.observed(status_code, paused)

    def cancel(self, permit: Permit) -> None:
        try:
            self._update(self._cancel_fn(permit))
        except LimiterBackendError as exc:
            logger.warning("could not return a slot to Redis: %s", exc)
        self._recorder.cancelled()

    async def cancel_async(self, permit: Permit) -> None:
        await self._settle_even_if_cancelled(self._cancel_async(permit))

    async def _cancel_async(self, permit: Permit) -> None:
        try:
            await self._update_async(self._cancel_fn(permit))
        except LimiterBackendError as exc:
            logger.warning("could not return a slot to Redis: %s", exc)
        self._recorder.cancelled()

    def reset(self) -> None:
        """Replace the shared state by a fresh one, for every process using this key: what responses
        taught (limit, window, outside usage, 429 pauses) is forgotten and the next request probes the
        budget again. Raises ``LimiterBackendError`` if Redis cannot be reached."""
        self._update(_reset)

    async def reset_async(self) -> None:
        await self._update_async(_reset)

    def stats(self) -> LimiterStats:
        """Counters of this object; the budget as last read from Redis (no round trip)."""
        return self._recorder.snapshot(self._last_budget)

    def close(self) -> None:
        """Close the Redis client this limiter made (not one given as ``client=``)."""
        if self._owns_redis:
            self._redis.close()

    async def aclose(self) -> None:
        """Close this loop's asyncio client (unless it was given as ``async_client``), once the permits
        still being settled in the background on this loop are written."""
        loop = asyncio.get_running_loop()
        pending = [task for task in self._background if task.get_loop() is loop]
        await asyncio.gather(*pending, return_exceptions=True)
        binding = self._async.pop(loop, None)
        if binding is not None and binding.owned:
            await binding.client.aclose()
