"""The Redis shell: one budget shared by many processes and hosts.

The state is the same ``LimiterState`` the in-process shell keeps, stored as JSON in one Redis hash; every
decision is the same ``LimiterCore`` code, run as an optimistic transaction (``redis_store``: a read with
Redis' ``TIME`` when needed, the core's decision, a compare-and-set). So the decisions exist once, in
Python, instead of a second copy in Lua; Redis only guarantees atomicity. Within a process, calls on one
key are serialised (a ``threading.Lock`` for threads, an ``asyncio.Lock`` per loop for tasks) so
compare-and-set conflicts happen only between processes.

Keys: ``{key_prefix}:{namespace}``: ``company:<company_key>``, ``installation:<name>`` (a partner app's
OAuth installation: its own budget, ``for_installation``) or ``token:`` and ``sha256(token)`` truncated to
16 hex digits: the raw token never reaches Redis. Connections (``redis_connections``): from ``url``, or the
given ``client``; limiters made by ``for_installation`` share them.

Writes: a decision that takes nothing (a wait, a refusal) writes nothing, so refused callers do not keep
the key alive: it expires ``key_ttl`` seconds (default ``max(1 h, 10 windows)``) after the last request
that was sent; an idle installation's key is gone after that. ``reset()`` writes a fresh state (the way
out of a state known to be wrong, for every process sharing it).

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
import copy
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import redis
from redis.exceptions import RedisError

from front_client.limiter.base import (
    DEFAULT_MAX_PAUSE,
    LimiterStats,
    WaitHook,
    _Recorder,
    check_max_pause,
    logger,
)
from front_client.limiter.core import LimiterCore, Permit, Refusal, Wait
from front_client.limiter.errors import LimiterBackendError, LimiterTimeout
from front_client.limiter.headers import parse_rate_headers
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.redis_connections import AsyncClientOption, RedisConnections
from front_client.limiter.redis_store import KeyStore, Read, namespace_for

__all__ = ["RedisLimiter", "namespace_for"]

T = TypeVar("T")


@dataclass(frozen=True)
class _Txn:
    """One look at the budget. A wait decided on the state this process remembers may be slept without a
    read if that state arrived at or after ``believed_since`` (monotonic; ``None``, the first look:
    whenever). So a stale memory costs at most one ``max_sleep``, and a look never repeats on an unchanged
    memory alone."""

    fn: Callable[[LimiterCore, float], Any]
    believed_since: float | None


@dataclass(frozen=True)
class _Sleep:
    seconds: float


def _reset(core: LimiterCore, _now: float) -> None:
    core.reset()


def _always(_result: object) -> bool:
    return True


def _took_a_permit(result: object) -> bool:
    return isinstance(result, Permit)


def _never(_result: object) -> bool:
    return False


def _is_a_wait(result: object) -> bool:
    return isinstance(result, Wait)


class RedisLimiter:
    """A limiter whose budget lives in Redis. Same API as ``InProcessLimiter``.

    The budget's key: exactly one of ``company_key`` (a name of yours for the company), ``token`` (its API
    token, hashed) or ``installation`` (a partner app's OAuth installation, see ``for_installation``).

    ``clock`` measures the caller's timeouts; decisions use Redis' clock. ``poll_interval`` bounds a wait
    whose end depends on another process (the first response), ``max_sleep`` any wait (so a limit raised by
    another process is noticed). ``key_ttl``: seconds after the last request sent that the key expires
    (default ``max(3600, 10 windows)``; at least one window).

    ``client``: a sync ``redis.Redis`` to use instead of ``url``; async callers then reach the same server
    through a ``redis.asyncio`` client made from its settings, or through ``async_client``: a
    ``redis.asyncio.Redis`` (used as is, for one event loop, never closed here), a function making one (called
    once per event loop), or ``False`` (sync use only: ``acquire_async`` raises). When ``client`` is given
    and its settings cannot be carried over, construction raises ``ValueError`` unless ``async_client`` is.

    ``max_pause`` (seconds, default 120 like the client's ``max_retry_after``; ``None``: no cap): a request
    that would wait longer than this for a 429 pause (seen by any process sharing the budget) is not sent:
    ``acquire`` raises ``RateLimitPauseError`` (a ``RateLimitError`` with ``retry_after`` = the time left
    and the scope / tier) at once instead of sleeping. ``max_wait`` (default ``None``: no cap): the same
    for a wait of any kind (``RateLimitWaitError``). ``acquire_timeout`` (default ``None``): the longest a
    request waits in all, then ``LimiterTimeout``.

    ``reset()`` / ``reset_async()`` replace the shared state by a fresh one (for every process).
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        company_key: str | None = None,
        token: str | None = None,
        installation: str | None = None,
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
        acquire_timeout: float | None = None,
        key_ttl: float | None = None,
    ) -> None:
        self.policy = policy if policy is not None else RateLimitPolicy()
        namespace = namespace_for(company_key=company_key, token=token, installation=installation)
        self.max_pause = check_max_pause(max_pause)
        self.max_wait = check_max_pause(max_wait, "max_wait")
        self.acquire_timeout = check_max_pause(acquire_timeout, "acquire_timeout")
        window = self.policy.window_seconds
        self.key_ttl = max(3600.0, 10 * window) if key_ttl is None else key_ttl
        if not self.key_ttl >= window:
            raise ValueError(f"key_ttl must be at least one window ({window:g} s), got {key_ttl!r}")
        self._key_prefix = key_prefix
        self._clock, self._wall_clock = clock, wall_clock
        self._sleep, self._async_sleep = sleep, async_sleep
        self._poll_interval, self._max_sleep = poll_interval, max_sleep
        self._on_wait = on_wait
        self._connections = RedisConnections(url, client, async_client, socket_timeout)
        self._owns_connections = True
        self._own_key(f"{key_prefix}:{namespace}")

    def _own_key(self, key: str) -> None:
        """What belongs to this limiter alone: its key, its transactions' state, its locks and counters."""
        self.key = key
        self._store = KeyStore(key, self.policy, self.key_ttl)
        self._sync_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._recorder = _Recorder(self._on_wait)
        self._connections.limiters[key] = self

    def for_installation(self, installation: str) -> RedisLimiter:
        """The limiter of one installation of a partner app (one Front company's OAuth budget): this
        limiter's Redis connections, policy and settings, the key ``{key_prefix}:installation:<name>``.
        The same object for the same name while it is in use; close only the limiter you constructed."""
        key = f"{self._key_prefix}:{namespace_for(installation=installation)}"
        existing: RedisLimiter | None = self._connections.limiters.get(key)
        if existing is not None:
            return existing
        sibling = copy.copy(self)
        sibling._owns_connections = False
        sibling._own_key(key)
        return sibling

    def _unreachable(self, exc: Exception) -> LimiterBackendError:
        return LimiterBackendError(
            f"Redis rate-limit backend unavailable ({self._connections.where}): {exc}; not sending unlimited"
        )

    # -- the two drivers of a transaction ----------------------------------------------------------------
    def _update(
        self,
        fn: Callable[[LimiterCore, float], T],
        write: Callable[[T], bool] = _always,
        believe: Callable[[T], bool] = _never,
        believed_since: float | None = None,
    ) -> T:
        connections, key = self._connections, [self.key]
        with self._sync_lock:
            run = self._store.run(fn, write, believe, believed_since)
            try:
                call = next(run)
                while True:
                    if isinstance(call, Read):
                        call = run.send(connections.read(keys=key))
                    else:
                        call = run.send(connections.cas(keys=key, args=call.args))
            except StopIteration as done:
                return cast(T, done.value)
            except RedisError as exc:
                raise self._unreachable(exc) from exc

    async def _update_async(
        self,
        fn: Callable[[LimiterCore, float], T],
        write: Callable[[T], bool] = _always,
        believe: Callable[[T], bool] = _never,
        believed_since: float | None = None,
    ) -> T:
        scripts, key = self._connections.for_running_loop(), [self.key]
        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = self._async_locks[loop] = asyncio.Lock()
        async with lock:
            run = self._store.run(fn, write, believe, believed_since)
            try:
                call = next(run)
                while True:
                    if isinstance(call, Read):
                        call = run.send(await scripts.read(keys=key))
                    else:
                        call = run.send(await scripts.cas(keys=key, args=call.args))
            except StopIteration as done:
                return cast(T, done.value)
            except RedisError as exc:
                raise self._unreachable(exc) from exc

    # -- acquire as a sans-I/O generator: it yields what to do, the drivers do it ------------------------
    def _steps(self, method: str, path: str, timeout: float | None) -> Generator[_Txn | _Sleep, Any, Permit]:
        start = self._clock()
        timeout = self.acquire_timeout if timeout is None else timeout
        deadline = None if timeout is None else start + timeout
        announced = False

        def attempt(core: LimiterCore, now: float) -> Permit | Wait | Refusal:
            return core.try_acquire(now, method, path, max_pause=self.max_pause, max_wait=self.max_wait)

        believed_since: float | None = None
        while True:
            look_started = time.monotonic()
            result: Permit | Wait | Refusal = yield _Txn(attempt, believed_since)
            believed_since = look_started
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
                    raise LimiterTimeout(f"{method} {path}: no budget within {timeout}s ({result.reason})")
                seconds = min(seconds, deadline - now)
            if not announced:
                announced = True
                self._recorder.waiting(method, path, result)
            yield _Sleep(seconds)

    def acquire(self, method: str, path: str, timeout: float | None = None) -> Permit:
        """Block until ``method path`` may be sent; ``timeout`` (default ``acquire_timeout``)."""
        steps = self._steps(method.upper(), path, timeout)
        try:
            op = next(steps)
            while True:
                if isinstance(op, _Txn):
                    op = steps.send(self._update(op.fn, _took_a_permit, _is_a_wait, op.believed_since))
                else:
                    self._sleep(op.seconds)
                    op = next(steps)
        except StopIteration as done:
            return cast(Permit, done.value)

    async def _acquire_txn_async(
        self, fn: Callable[[LimiterCore, float], T], believed_since: float | None
    ) -> T:
        """``_update_async``, shielded from cancellation: a task cancelled while its compare-and-set is on
        the wire cannot know whether Redis stored the permit, so the transaction runs to its end and a
        permit it granted is handed back."""
        txn = asyncio.ensure_future(self._update_async(fn, _took_a_permit, _is_a_wait, believed_since))
        try:
            return await asyncio.shield(txn)
        except asyncio.CancelledError:
            txn.add_done_callback(self._give_back_late_permit)
            raise

    async def _settle_even_if_cancelled(self, settle: Coroutine[Any, Any, None]) -> None:
        """Runs ``settle`` (recording a response or giving a slot back) to its end even if the caller is
        cancelled, e.g. while queued for this loop's lock: a permit never settled holds its tier slot for
        ``inflight_timeout_seconds`` in every process sharing the budget."""
        await asyncio.shield(self._connections.in_background(settle))

    def _give_back_late_permit(self, txn: asyncio.Future[Any]) -> None:
        if txn.cancelled() or txn.exception() is not None or not isinstance(txn.result(), Permit):
            return
        permit: Permit = txn.result()
        self._recorder.granted(0.0)  # counted as granted then cancelled, as the in-process shell does
        self._connections.in_background(self._cancel_async(permit))

    async def acquire_async(self, method: str, path: str, timeout: float | None = None) -> Permit:
        """Wait (without blocking the loop) until ``method path`` may be sent; ``timeout`` as ``acquire``."""
        steps = self._steps(method.upper(), path, timeout)
        try:
            op = next(steps)
            while True:
                if isinstance(op, _Txn):
                    op = steps.send(await self._acquire_txn_async(op.fn, op.believed_since))
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
        return self._recorder.snapshot(self._store.last_budget)

    def close(self) -> None:
        """Close the Redis client this limiter made (not one given as ``client=``; a limiter made by
        ``for_installation`` leaves the shared connections to the one it came from)."""
        if self._owns_connections:
            self._connections.close()

    async def aclose(self) -> None:
        """Close this loop's asyncio client (unless it was given as ``async_client``, or this limiter
        came from ``for_installation``), once the permits still being settled on this loop are written."""
        if self._owns_connections:
            await self._connections.aclose()
