"""Errors raised by the limiter."""

from __future__ import annotations

from front_client.errors import FrontClientError, RateLimitError

__all__ = [
    "LimiterBackendError",
    "LimiterError",
    "LimiterTimeout",
    "RateLimitPauseError",
    "RateLimitRefusedError",
    "RateLimitWaitError",
]


class LimiterError(FrontClientError):
    """Base class of the limiter's errors: a :class:`~front_client.errors.FrontClientError`, so one
    ``except FrontClientError`` covers HTTP errors, transport failures and the limiter."""


class LimiterTimeout(LimiterError, TimeoutError):
    """The limiter's ``acquire_timeout`` (or ``acquire(..., timeout=...)``) ran out before the budget allowed
    the request: it waited its turn that long (in a queue of other waiters, say) and was not sent."""


class LimiterBackendError(LimiterError):
    """The shared backend (Redis) cannot be reached: the request is not sent rather than sent unlimited."""


class RateLimitRefusedError(RateLimitError, LimiterError):
    """Not sent: the limiter would have made this request wait longer than its owner accepts.

    ``acquire`` raises it at once instead of sleeping, so a program is never frozen for minutes inside the
    limiter (the retry layer likewise raises :class:`~front_client.errors.RateLimitError` for a
    ``Retry-After`` over ``max_retry_after``). Catch this class for both reasons; the subclasses say which
    limit was exceeded: :class:`RateLimitPauseError` (an earlier 429's pause, over ``max_pause``) and
    :class:`RateLimitWaitError` (a wait of any kind, over ``max_wait``).

    A :class:`~front_client.errors.RateLimitError` (so a :class:`~front_client.errors.FrontClientError`):
    ``status`` 429, ``retry_after`` the seconds until the budget frees, ``scope`` ``"global"`` or the tier's
    name, ``tier`` the tier (``None`` for the global scope), ``method`` / ``url`` (the path) of the request.
    ``headers`` is empty: no response came back, because nothing was sent; the request can be made again
    once ``retry_after`` has passed.
    """

    def __init__(
        self, *, method: str, path: str, scope: str, retry_after: float, message: str, hint: str
    ) -> None:
        super().__init__(
            status=429, title="Too Many Requests", message=message, method=method, url=path, hint=hint
        )
        self.retry_after = retry_after
        self.tier = None if scope == "global" else scope
        self.scope = scope


def _budget_name(scope: str) -> str:
    return "the global rate-limit budget" if scope == "global" else f"rate-limit tier {scope}"


class RateLimitPauseError(RateLimitRefusedError):
    """Not sent: an earlier 429 paused this request's scope for longer than the limiter's ``max_pause``
    (the limit exceeded, also an attribute). The fields of :class:`RateLimitRefusedError`."""

    def __init__(self, *, method: str, path: str, scope: str, retry_after: float, max_pause: float) -> None:
        super().__init__(
            method=method,
            path=path,
            scope=scope,
            retry_after=retry_after,
            message=(
                f"not sent: an earlier 429 paused {_budget_name(scope)} for {retry_after:.1f} s more, "
                f"longer than max_pause={max_pause:g} s"
            ),
            hint=(
                "Try again after retry_after seconds, or let the limiter wait longer: its max_pause= "
                "(FrontClient(max_retry_after=...) for the client's default limiter)"
            ),
        )
        self.max_pause = max_pause


class RateLimitWaitError(RateLimitRefusedError):
    """Not sent: the budget would make this request wait longer than the limiter's ``max_wait`` (the limit
    exceeded, also an attribute).

    A spent window whose (announced) end is far off, a busy tier or a 429 pause: whatever the reason, the
    wait would be ``retry_after`` seconds, more than the caller accepts (the client's default limiter gets
    ``max_wait=min(max_retry_after, max_total_wait)``). The fields of :class:`RateLimitRefusedError`.
    """

    def __init__(self, *, method: str, path: str, scope: str, retry_after: float, max_wait: float) -> None:
        super().__init__(
            method=method,
            path=path,
            scope=scope,
            retry_after=retry_after,
            message=(
                f"not sent: {_budget_name(scope)} frees in {retry_after:.1f} s, "
                f"longer than max_wait={max_wait:g} s"
            ),
            hint=(
                "Try again after retry_after seconds, or let the limiter wait longer: its max_wait= "
                "(FrontClient(max_retry_after=..., max_total_wait=...) for the client's default limiter)"
            ),
        )
        self.max_wait = max_wait
