"""One budget's state in Redis: its key, the two Lua scripts, and the optimistic transaction over them.

Stored state, in one hash per key: ``s`` the state (``LimiterState.to_json``), ``f`` its schema
(``STATE_SCHEMA``; absent in a state written before the field existed, which has the same layout), ``v`` a
compare-and-set counter. The schema is kept out of the JSON so that clients released before it can still
read what this one writes. A state this client cannot read (garbage, another schema from a newer client
during a rolling upgrade, an unknown field, a non-integer counter) is replaced by a fresh one, which probes
the budget again as at start-up (never "unlimited"), with one warning.

A transaction (``KeyStore.run``) runs one decision of ``LimiterCore`` on the stored state:

1. the state: the one this process last read or wrote (kept with Redis' clock at that reply); for a key
   this process has not seen yet, the state of a new key (absent: the first compare-and-set tells), at
   this host's wall time (Redis' ``TIME`` is UNIX time too; the reply corrects both at once);
2. the core decides locally, at Redis' time (estimated from that reply and the monotonic clock since:
   late by at most the reply's latency, which only makes a decision more cautious);
3. a decision that takes something is written by ``CAS_SCRIPT``, only if the version is unchanged; if it
   changed, the same reply carries the current state, and the decision is made again on it. A decision
   that takes nothing (a wait, a refusal) writes nothing; made on a remembered state, it is checked
   against a fresh read first, except a wait the caller chooses to believe: ``RedisLimiter`` believes a
   waiting request's first look, and a later one if the remembered state arrived since its previous look
   (this process wrote or read it meanwhile); a wait lasts at most ``max_sleep``, and a look that found
   nothing newer reads.

So a request costs two round trips when nobody else wrote in between (acquire, then observe), one more per
conflict; a request that waits, about one read (``READ_SCRIPT``: ``TIME``, the state, its version) per two
looks. Every script touches exactly one key (``KEYS[1]``), so keys can
live on different Redis Cluster shards.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from front_client.limiter.base import logger
from front_client.limiter.core import Budget, LimiterCore
from front_client.limiter.errors import LimiterBackendError
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.state import STATE_SCHEMA, LimiterState, UnreadableState

__all__ = ["CAS_SCRIPT", "READ", "READ_SCRIPT", "Cas", "KeyStore", "namespace_for"]

T = TypeVar("T")

READ_SCRIPT = """
local t = redis.call('TIME')
local h = redis.call('HMGET', KEYS[1], 'v', 's', 'f')
return {t[1], t[2], h[1] or '', h[2] or '', h[3] or ''}
"""

# ARGV: the version read, the next version, the state, the TTL (ms), the schema. Returns {1, TIME} when
# written, else {0, TIME, the current version, state, schema}: a conflict costs no extra read.
CAS_SCRIPT = """
local t = redis.call('TIME')
local h = redis.call('HMGET', KEYS[1], 'v', 's', 'f')
if (h[1] or '') ~= ARGV[1] then return {0, t[1], t[2], h[1] or '', h[2] or '', h[3] or ''} end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'f', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, t[1], t[2]}
"""

_MAX_ATTEMPTS = 200


def _never(_result: object) -> bool:
    return False


def namespace_for(
    *, company_key: str | None = None, token: str | None = None, installation: str | None = None
) -> str:
    """The key namespace: ``company:<key>``, ``installation:<name>`` (an OAuth installation: a budget of
    its own, apart from the company's API-token budget), or ``token:`` and a truncated sha256 of the token
    (the raw token never reaches Redis)."""
    given = [value for value in (company_key, token, installation) if value is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of company_key, token or installation")
    if company_key is not None or installation is not None:
        name = company_key if company_key is not None else installation
        if not name:
            raise ValueError("company_key / installation must not be empty")
        return f"{'company' if company_key is not None else 'installation'}:{name}"
    assert token is not None
    return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def _text(value: bytes | str | int) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Snapshot:
    """The stored state as one reply carried it (raw), with Redis' clock then and our monotonic clock when
    the reply arrived."""

    redis_now: float
    version: str
    state: str
    schema: str
    received: float

    @classmethod
    def from_reply(cls, reply: Sequence[Any], received: float) -> Snapshot:
        seconds, micros, version, state, schema = reply
        return cls(int(seconds) + int(micros) / 1e6, _text(version), _text(state), _text(schema), received)


@dataclass(frozen=True)
class _Decoded:
    """The core over a snapshot's state, Redis' time now, and why the stored state could not be used
    (``None``: it could), in which case it is replaced."""

    core: LimiterCore
    now: float
    unreadable: str | None


class Read:
    """Yielded by ``KeyStore.run``: run ``READ_SCRIPT``, send back its reply."""


READ = Read()


@dataclass(frozen=True)
class Cas:
    """Yielded by ``KeyStore.run``: run ``CAS_SCRIPT`` with ``args``, send back its reply."""

    args: list[str | int]


class KeyStore:
    """One key's transactions (sans-I/O: ``run`` yields the script calls, the limiter's drivers make them)
    and what this process last knew of it. ``last_budget``: the budget as of the last transaction."""

    def __init__(
        self,
        key: str,
        policy: RateLimitPolicy,
        ttl_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.key, self.policy = key, policy
        self._ttl_ms = int(ttl_seconds * 1000)
        self._monotonic, self._wall = monotonic, wall
        self._known: Snapshot | None = None  # immutable: shared safely by the sync and async drivers
        self.last_budget: Budget | None = None

    def _decode(self, snapshot: Snapshot) -> _Decoded:
        now = snapshot.redis_now + max(0.0, self._monotonic() - snapshot.received)
        version, schema, unreadable = snapshot.version, snapshot.schema, None
        loaded: LimiterState | None = None
        if version and not (version.isascii() and version.isdigit()):
            unreadable = f"a version counter {version[:40]!r} that is not an integer"
        elif schema not in ("", str(STATE_SCHEMA)):
            unreadable = f"schema {schema[:40]!r}; this client reads schema {STATE_SCHEMA}"
        elif snapshot.state:
            try:
                loaded = LimiterState.from_json(snapshot.state)
            except UnreadableState as exc:
                unreadable = str(exc)
        if loaded is None:
            loaded = LimiterCore.initial_state(self.policy)
        return _Decoded(LimiterCore(self.policy, loaded), now, unreadable)

    def run(
        self,
        fn: Callable[[LimiterCore, float], T],
        write: Callable[[T], bool],
        believe: Callable[[T], bool] = _never,
        believed_since: float | None = None,
    ) -> Generator[Read | Cas, Any, T]:
        """Run ``fn`` on the stored state and store its result atomically; ``write(result)`` False: nothing
        to store (unless the stored state had to be replaced). ``believe(result)``: a result that writes
        nothing may stand on the remembered state without a read (a wait the caller looks at again soon),
        if that state arrived at or after ``believed_since`` (monotonic; ``None``: whenever)."""
        snapshot, fresh = self._known, False
        if snapshot is None:  # a new key, unless the compare-and-set says otherwise
            snapshot = Snapshot(self._wall(), "", "", "", self._monotonic())
        for _ in range(_MAX_ATTEMPTS):
            decoded = self._decode(snapshot)
            result = fn(decoded.core, decoded.now)
            if decoded.unreadable is None and not write(result):
                recent = believed_since is None or snapshot.received >= believed_since
                if not fresh and not (recent and believe(result)):  # taking nothing on memory: look first
                    snapshot, fresh = Snapshot.from_reply((yield READ), self._monotonic()), True
                    continue
                if not fresh:
                    return result
                self._known = snapshot
                self.last_budget = decoded.core.budget(decoded.now)
                return result
            if decoded.unreadable is not None or not snapshot.version:
                # A new (or replaced) key starts at a random version, never at 1: a process remembering a
                # key that expired since must not find "its" version again on the new one (ABA).
                following = str(secrets.randbits(62) + 1)
            else:
                following = str(int(snapshot.version) + 1)
            state = decoded.core.state.to_json()
            reply = yield Cas([snapshot.version, following, state, self._ttl_ms, STATE_SCHEMA])
            received = self._monotonic()
            if int(reply[0]) == 1:
                self._known = Snapshot.from_reply([*reply[1:3], following, state, STATE_SCHEMA], received)
                self.last_budget = decoded.core.budget(decoded.now)
                if decoded.unreadable is not None:
                    logger.warning(
                        "Redis key %s held a rate-limit state this client cannot read (%s): replaced by a "
                        "fresh state, which learns the budget again from the next response",
                        self.key,
                        decoded.unreadable,
                    )
                return result
            snapshot, fresh = Snapshot.from_reply(reply[1:], received), True
        raise LimiterBackendError(f"Redis key {self.key}: too much contention")

    def forget(self) -> None:
        """Drop the remembered state (the next transaction reads first)."""
        self._known = None
