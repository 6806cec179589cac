"""The limiter's decisions, as plain code: no threads, no sleeping, no I/O, no clock of its own.

What they read and write is a ``LimiterState`` (``state``: the fields and their JSON form); what a response
says arrives parsed (``headers``). This module holds only the decisions and the values they return.

Every entry point takes ``now`` (seconds on whatever clock the shell uses: ``time.monotonic`` in process,
Redis' ``TIME`` for the shared backend) and returns a decision. The shells (``local``, ``redis_backend``)
only store the state, read the clock and wait.

The model
---------
*Global budget*: Front counts a fixed window per company. We mirror it: ``limit`` requests per window ending
at ``window_end``. ``granted`` counts our permits in the window, ``outside`` the server-side usage we did not
cause (other clients of the same company), estimated from ``X-RateLimit-Remaining``: a response saying
``remaining`` means the server had counted ``limit - remaining`` requests, of which at most ``granted`` (all
our permits so far, whatever order they arrived in) were ours. So ``granted + outside`` is never below the
server's count as last reported plus what we sent since. A request may go while ``granted + outside <
limit``.
Headers also move ``window_end`` (``X-RateLimit-Reset``) and ``limit`` (``X-RateLimit-Limit``, lower or
higher than configured, whenever it changes; a response to a permit older than the one that taught the
current limit cannot undo it). Until the first headers arrive only one request (the *probe*) is in flight,
so a plan with a lower limit than the default is learnt before a burst (unless ``policy.probe_first`` is
off: a limit that is the same for every company).

*Tiers*: a sliding log per tier: at most ``requests`` requests in any ``per_seconds`` (+ margin) interval,
which never exceeds a fixed-window or token-bucket server counting the same rate. A request reaches Front at
some unknown instant between its permit and its response, so (by default) its slot is counted from its
response: while in flight it occupies the slot, and a slow first request (connection set-up) cannot let the
next one arrive too early.

*429*: ``Retry-After`` (seconds or an HTTP date, read by the one parser the retry layer uses too,
``front_client.errors.parse_retry_after``) pauses the scope named by ``X-Front-Tier`` (or the global scope)
until ``now + Retry-After``; a retry sent at that instant does not wait again. ``X-Front-Tier`` is matched to
the tier table leniently (``normalize_tier``: ``"2"``, ``"tier-2"``, ``"Tier 2"`` all name tier 2); a value
naming no tier of the table pauses the tier of the request that got the 429, or, for a request the table
does not tier, the global scope (Front limited *something*: pausing a scope no request ever checks would
let every caller run into the same 429 again).

*Pauses longer than the caller accepts*: ``try_acquire(..., max_pause=...)`` returns a ``Refusal`` instead
of a ``Wait`` when a 429 pause that applies to the request (global, or its tier) has more than
``max_pause`` seconds left: the shell raises at once rather than sleeping through a long ``Retry-After``
(the retry layer refuses to sleep through one too). Ordinary budget waits (a spent window, a busy tier:
at most one window or tier period) are never refused.

*Bounds*: headers are evidence, not orders. A Reset is believed at most ``max_reset_windows`` windows
ahead, a 429 pauses for at most ``pause_ceiling_seconds``, and every decision first brings a stored state
back within those bounds (a state written by an older client, or edited by hand). A window end further
ahead than one window (only a bounded outlier can put it there) gives way to the next response whose Reset
is within one window. ``try_acquire(..., max_wait=...)`` refuses (``Refusal``, kind ``"wait"``) a request
that the budget would make wait longer than the caller accepts, instead of waiting; ``reset()`` forgets
everything learnt from responses.

*Fairness*: shells pass ``ahead`` / ``ahead_in_tier``, the number of earlier waiters competing for the same
budget, which are treated as already holding a slot: FIFO within a scope, while an untiered request is
never stuck behind a request waiting only for its tier. An earlier waiter that its tier keeps back until
the current global window is over does not count as ``ahead`` for that window (``Wait.holds_global``), so
its slot is not left unused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from front_client.limiter.headers import RateHeaders
from front_client.limiter.policy import RateLimitPolicy
from front_client.limiter.state import LimiterState
from front_client.tiers import Tier, normalize_tier

__all__ = ["Budget", "LimiterCore", "Permit", "Refusal", "Wait"]

_MIN_WAIT = 1e-4


def _remove(values: list[float], value: float) -> bool:
    if value in values:
        values.remove(value)
        return True
    return False


@dataclass(frozen=True)
class Permit:
    """Leave to send one request; hand it back to ``observe`` (or ``cancel`` if it was never sent)."""

    seq: int
    method: str
    path: str
    tier: str | None
    granted_at: float
    probe: bool = False


@dataclass(frozen=True)
class Wait:
    """Not yet: try again in ``seconds``; ``reason`` says what is waited for, as a phrase for logs and
    ``WaitEvent`` ("global", "tier 2 pause (429)", ...). ``poll`` means the end depends on an event
    elsewhere (another request's response), so a shell that cannot be woken should retry sooner.
    ``holds_global``: the waiter may still be sent in the current global window, so it counts as ``ahead``
    of later waiters there (False when its tier keeps it back until the window is over)."""

    seconds: float
    reason: str
    poll: bool = False
    holds_global: bool = True


@dataclass(frozen=True)
class Refusal:
    """Not at all. ``kind`` ``"pause"``: a 429 pause applying to the request has ``seconds`` left, more
    than the caller's ``max_pause``; ``"wait"``: the budget (a spent window, a busy tier, a pause) frees in
    ``seconds``, more than the caller's ``max_wait``. ``scope`` is ``"global"`` or the tier's name (then also
    ``tier``). Nothing was taken from the budget: the request may be tried again after ``seconds``."""

    seconds: float
    scope: str
    kind: str = "pause"

    @property
    def tier(self) -> str | None:
        return None if self.scope == "global" else self.scope


@dataclass(frozen=True)
class Budget:
    """A snapshot of the budget as the limiter believes it to be."""

    limit: int
    used: int
    remaining: int
    resets_in: float | None
    paused_for: float
    known: bool
    tier_remaining: dict[str, int]
    tier_paused_for: dict[str, float]


class LimiterCore:
    """The decisions over one ``LimiterState``. Not thread-safe: the shell serialises calls."""

    def __init__(self, policy: RateLimitPolicy, state: LimiterState | None = None) -> None:
        self.policy = policy
        self.state = state if state is not None else self.initial_state(policy)

    @staticmethod
    def initial_state(policy: RateLimitPolicy) -> LimiterState:
        return LimiterState(
            limit=policy.global_limit, known=not (policy.learn_from_headers and policy.probe_first)
        )

    # -- helpers ---------------------------------------------------------------------------------------
    def _tier(self, name: str | None) -> Tier | None:
        return None if name is None else self.policy.table.tiers.get(name)

    def _bound(self, now: float) -> None:
        """Bring the stored times within what one response may set (a state from before the bounds, or
        from another writer): no window end, pause or probe further ahead than the policy allows."""
        s, policy = self.state, self.policy
        if s.window_end is not None:
            s.window_end = min(s.window_end, now + policy.max_reset_windows * policy.window_seconds)
        s.paused_until = min(s.paused_until, now + policy.pause_ceiling_seconds)
        for name, until in s.tier_paused.items():
            s.tier_paused[name] = min(until, now + policy.pause_ceiling_seconds)
        if s.probe_until is not None:
            s.probe_until = min(s.probe_until, now + policy.probe_timeout_seconds)

    def _roll(self, now: float) -> None:
        self._bound(now)
        s, window = self.state, self.policy.window_seconds
        if s.window_end is None:
            s.window_end = now + window
        elif now >= s.window_end + self.policy.reset_margin_seconds:
            s.window_end += (math.floor((now - s.window_end) / window) + 1) * window
        else:
            return
        s.window_first_seq, s.granted, s.outside = s.next_seq, 0, 0

    def _tier_log(self, tier: Tier, now: float) -> tuple[list[float], int]:
        """(the times counted for finished requests, still in the period; the number in flight)."""
        s, policy = self.state, self.policy
        period = tier.per_seconds + policy.tier_margin_seconds
        inflight = s.tier_inflight.get(tier.name, [])
        # A permit never observed (its process died) stops counting as in flight after a while.
        lost = [t for t in inflight if t <= now - policy.inflight_timeout_seconds]
        inflight = [t for t in inflight if t > now - policy.inflight_timeout_seconds]
        s.tier_inflight[tier.name] = inflight
        log = sorted(
            t
            for t in [*s.tier_sent.get(tier.name, []), *(t + policy.inflight_timeout_seconds for t in lost)]
            if t > now - period
        )
        s.tier_sent[tier.name] = log
        return log, len(inflight)

    def _capacity(self) -> int:
        return max(1, self.state.limit - self.policy.global_margin)

    # -- decisions -------------------------------------------------------------------------------------
    def try_acquire(
        self,
        now: float,
        method: str,
        path: str,
        *,
        ahead: int = 0,
        ahead_in_tier: int = 0,
        max_pause: float | None = None,
        max_wait: float | None = None,
    ) -> Permit | Wait | Refusal:
        """A permit now, or how long to wait. ``ahead``: earlier waiters for the global budget;
        ``ahead_in_tier``: earlier waiters for this request's tier. ``max_pause``: the longest 429 pause
        (global, or the request's tier) the caller would wait for; a longer one gives a ``Refusal``
        (``None``: any pause is waited). ``max_wait``: the longest wait of any kind the caller accepts
        (a wait whose end hangs on another response, ``Wait.poll``, is not held against it); a longer one
        gives a ``Refusal`` of kind ``"wait"``."""
        s, policy = self.state, self.policy
        tier = policy.tier_for(method, path)
        self._roll(now)
        assert s.window_end is not None
        if max_pause is not None:
            pauses = [Refusal(s.paused_until - now, "global")]
            if tier is not None:
                pauses.append(Refusal(s.tier_paused.get(tier.name, 0.0) - now, tier.name))
            refusal = max(pauses, key=lambda pause: pause.seconds)
            if refusal.seconds > max_pause:
                return refusal
        waits: list[Wait] = []
        # The scope ("global" or the tier) of each wait whose end is known, for a max_wait refusal.
        firm: list[tuple[float, str]] = []
        if s.paused_until > now:
            waits.append(Wait(s.paused_until - now, "global pause (429)"))
            firm.append((s.paused_until - now, "global"))
        probe = False
        if not s.known:
            if s.probe_until is not None and s.probe_until > now:
                waits.append(Wait(s.probe_until - now, "first response (learning the limit)", poll=True))
            else:
                probe = True
        if s.granted + s.outside + ahead >= self._capacity():
            waits.append(Wait(s.window_end + policy.reset_margin_seconds - now, "global"))
            firm.append((s.window_end + policy.reset_margin_seconds - now, "global"))
        tier_wait = 0.0  # the least this request must wait for its tier
        if tier is not None:
            paused = s.tier_paused.get(tier.name, 0.0)
            if paused > now:
                waits.append(Wait(paused - now, f"tier {tier.name} pause (429)"))
                firm.append((paused - now, tier.name))
                tier_wait = paused - now
            log, inflight = self._tier_log(tier, now)
            busy = len(log) + inflight + ahead_in_tier
            if busy >= tier.requests:
                k = busy - tier.requests
                period = tier.per_seconds + policy.tier_margin_seconds
                if k < len(log):
                    waits.append(Wait(log[k] + period - now, f"tier {tier.name}"))
                    firm.append((log[k] + period - now, tier.name))
                    tier_wait = max(tier_wait, log[k] + period - now)
                else:
                    # Freed by a response still to come, then by the waiters ahead in turn: each batch of
                    # ``requests`` slots frees a period after the one before it at the earliest.
                    waits.append(Wait(period, f"tier {tier.name}", poll=True))
                    tier_wait = max(tier_wait, period * (1 + (k - len(log)) // tier.requests))
        if max_wait is not None and firm:
            seconds, scope = max(firm)
            if seconds > max_wait:
                return Refusal(seconds, scope, "wait")
        if waits:
            longest = max(waits, key=lambda w: w.seconds)
            # A request that cannot pass its tier before this global window ends cannot use a slot of it:
            # it must not keep a later untiered request out of that slot.
            holds_global = now + tier_wait < s.window_end + policy.reset_margin_seconds
            return Wait(
                max(_MIN_WAIT, longest.seconds), longest.reason, any(w.poll for w in waits), holds_global
            )

        permit = Permit(s.next_seq, method, path, None if tier is None else tier.name, now, probe)
        s.next_seq += 1
        s.granted += 1
        if probe:
            s.probe_until = now + policy.probe_timeout_seconds
        if tier is not None:
            if policy.tier_count_from_response:
                s.tier_inflight.setdefault(tier.name, []).append(now)
            else:
                s.tier_sent.setdefault(tier.name, []).append(now)
        return permit

    def observe(self, now: float, permit: Permit, status_code: int, rate: RateHeaders) -> str | None:
        """Resynchronise from a response (``status_code`` 0: sent, but no response came back).
        Returns the scope a 429 paused (``"global"`` or the tier name) or None."""
        s, policy, window = self.state, self.policy, self.policy.window_seconds
        self._roll(now)
        assert s.window_end is not None
        if permit.probe:
            s.probe_until = None
            s.known = True
        if permit.tier is not None and _remove(s.tier_inflight.get(permit.tier, []), permit.granted_at):
            s.tier_sent.setdefault(permit.tier, []).append(now)
        learn = policy.learn_from_headers
        if learn and rate.limit is not None:
            s.known = True
            # Lower or higher: the plan's real limit. A response to a permit granted before the one that
            # taught us the current limit is older news (responses overtake each other), so it cannot undo it.
            if permit.seq >= s.limit_seq:
                s.limit, s.limit_seq = rate.limit, permit.seq
        same_window = False
        if learn and rate.reset_in is not None:
            s.known = True
            # Bounded: a Reset far ahead (poisoned, misread, a clock far off) cannot stop us for longer.
            end = now + min(max(0.0, rate.reset_in), policy.max_reset_windows * window)
            if not s.synced:
                s.window_end, s.synced, same_window = end, True, True
            elif end > s.window_end + window / 2:
                # The server has started a window we have not: it counts from this permit on.
                s.window_end, same_window = end, True
                s.window_first_seq = min(permit.seq, s.next_seq)
                s.granted, s.outside = s.next_seq - s.window_first_seq, 0
            elif end >= s.window_end - window / 2:
                s.window_end, same_window = end, True
                if permit.seq < s.window_first_seq:
                    # Granted before we rolled, yet counted in this window.
                    s.granted += s.window_first_seq - permit.seq
                    s.window_first_seq = permit.seq
            elif s.window_end - now > window + policy.reset_margin_seconds:
                # Our window ends further ahead than a window can: an outlier (bounded above) put it there.
                # This response's Reset is within one window: it wins; what we counted stays counted.
                s.window_end, same_window = end, True
            # else: a late response from a window that is over; its numbers are stale.
        if learn and rate.remaining is not None and same_window:
            # The server had counted ``limit - remaining``; at most ``granted`` of those can be ours (any
            # permit granted so far may have overtaken this one on the way), so the rest is outside usage.
            s.outside = max(s.outside, s.limit - rate.remaining - s.granted)
        if status_code != 429:
            return None
        retry_after = rate.retry_after if rate.retry_after is not None else policy.default_retry_after
        until = now + min(retry_after, policy.pause_ceiling_seconds)
        if rate.tier is not None:
            # A tier 429: the table's name for it, else the tier of this request (if it has one).
            tier = normalize_tier(rate.tier, policy.table.tiers) or permit.tier
            if tier is not None:
                s.tier_paused[tier] = max(s.tier_paused.get(tier, 0.0), until)
                return tier
            # A tier we do not know on a request we do not tier: pausing a scope nobody checks would change
            # nothing, so pause everyone (for a tier's Retry-After, usually a second or so).
        s.paused_until = max(s.paused_until, until)
        return "global"

    def reset(self) -> None:
        """Forget everything learnt from responses (limit, window, outside usage, 429 pauses): the next
        request probes again, as after start-up. Kept: the permit sequence (permits still out stay
        recognisable as older) and the tier slots our own requests hold."""
        old = self.state
        fresh = self.initial_state(self.policy)
        fresh.next_seq = fresh.window_first_seq = old.next_seq
        fresh.tier_sent, fresh.tier_inflight = old.tier_sent, old.tier_inflight
        self.state = fresh

    def tier_slots_before(self, now: float, tier_name: str, until: float) -> int:
        """How many requests of tier ``tier_name`` could start from ``now`` until ``until``, at the tier's
        rate, given the slots taken (counted, in flight) and its pause. An estimate (a request in flight
        frees its slot a period from now; a response takes no time) for the fairness of the shells."""
        tier = self._tier(tier_name)
        if tier is None:
            return 0
        period = tier.per_seconds + self.policy.tier_margin_seconds
        log, inflight = self._tier_log(tier, now)
        start = max(now, self.state.tier_paused.get(tier.name, 0.0))
        frees = [start] * max(0, tier.requests - len(log) - inflight)
        frees += [max(start, t + period) for t in log] + [max(start, now + period)] * inflight
        return sum(1 + math.floor((until - free) / period) for free in frees[: tier.requests] if free < until)

    def cancel(self, now: float, permit: Permit) -> None:
        """The permit's request was never sent: give its slots back."""
        s = self.state
        if permit.probe:
            s.probe_until = None
        if permit.seq >= s.window_first_seq and s.granted > 0:
            s.granted -= 1
        if permit.tier is not None and not _remove(s.tier_inflight.get(permit.tier, []), permit.granted_at):
            _remove(s.tier_sent.get(permit.tier, []), permit.granted_at)

    def budget(self, now: float) -> Budget:
        s = self.state
        self._roll(now)
        assert s.window_end is not None
        used = s.granted + s.outside
        tier_remaining: dict[str, int] = {}
        for name, tier in self.policy.table.tiers.items():
            log, inflight = self._tier_log(tier, now)
            tier_remaining[name] = max(0, tier.requests - len(log) - inflight)
        return Budget(
            limit=s.limit,
            used=used,
            remaining=max(0, self._capacity() - used),
            resets_in=max(0.0, s.window_end - now) if s.synced else None,
            paused_for=max(0.0, s.paused_until - now),
            known=s.known,
            tier_remaining=tier_remaining,
            tier_paused_for={k: max(0.0, v - now) for k, v in s.tier_paused.items() if v > now},
        )
