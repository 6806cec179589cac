"""Errors raised by the limiter."""

from __future__ import annotations

from front_client.errors import FrontClientError, RateLimitError

__all__ = [
    "LimiterBackendError",
    "LimiterError",
    "LimiterTimeout",
    "RateLimitPauseError",
    "RateLimitWaitError",
]


class LimiterError(FrontClientError):
    """Base class of the limiter's errors: a :class:`~front_client.errors.FrontClientError`, so one
    ``except FrontClientError`` covers HTTP errors, transport failures and the limiter."""


class LimiterTimeout(LimiterError, TimeoutError):
    """``acquire(..., timeout=...)`` ran out of time before the budget allowed the request."""


class LimiterBackendError(LimiterError):
    """The shared backend (Redis) cannot be reached: the request is not sent rather than sent unlimited."""


class RateLimitPauseError(RateLimitError, LimiterError):
    """Not sent: an earlier 429 paused this request's scope for longer than the limiter's ``max_pause``.

    Raised by ``acquire`` at once instead of sleeping through a long ``Retry-After`` (the retry layer
    likewise raises :class:`~front_client.errors.RateLimitError` for a ``Retry-After`` over
    ``max_retry_after``), so a program is never frozen for minutes inside the limiter. It is a
    :class:`~front_client.errors.RateLimitError` (so a :class:`~front_client.errors.FrontClientError`):
    ``status`` 429, ``retry_after`` the seconds left of the pause, ``tier`` the paused tier (``None`` for
    the global scope), ``scope`` ``"global"`` or the tier's name, ``max_pause`` the limit that was
    exceeded, ``method`` / ``url`` (the path) of the request. ``headers`` is empty: no response came back,
    because nothing was sent; the request can be made again once ``retry_after`` has passed.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        scope: str,
        retry_after: float,
        max_pause: float,
        message: str | None = None,
        hint: str | None = None,
    ) -> None:
        tier = None if scope == "global" else scope
        what = "the global rate-limit budget" if tier is None else f"rate-limit tier {tier}"
        super().__init__(
            status=429,
            title="Too Many Requests",
            message=message
            or (
                f"not sent: an earlier 429 paused {what} for {retry_after:.1f} s more, "
                f"longer than max_pause={max_pause:g} s"
            ),
            method=method,
            url=path,
            hint=hint
            or (
                "Try again after retry_after seconds, or let the limiter wait longer: its max_pause= "
                "(FrontClient(max_retry_after=...) for the client's default limiter)"
            ),
        )
        self.retry_after = retry_after
        self.tier = tier
        self.scope = scope
        self.max_pause = max_pause


class RateLimitWaitError(RateLimitPauseError):
    """Not sent: the budget would make this request wait longer than the limiter's ``max_wait``.

    A spent window whose (announced) end is far off, a busy tier or a 429 pause: whatever the reason, the
    wait would be ``retry_after`` seconds, more than the caller accepts (the client's default limiter gets
    ``max_wait=min(max_retry_after, max_total_wait)``), so ``acquire`` raises at once instead of sleeping.
    Same fields as :class:`RateLimitPauseError`; ``max_wait`` (also as ``max_pause``) is the limit exceeded.
    """

    def __init__(self, *, method: str, path: str, scope: str, retry_after: float, max_wait: float) -> None:
        what = "the global rate-limit budget" if scope == "global" else f"rate-limit tier {scope}"
        super().__init__(
            method=method,
            path=path,
            scope=scope,
            retry_after=retry_after,
            max_pause=max_wait,
            message=(f"not sent: {what} frees in {retry_after:.1f} s, longer than max_wait={max_wait:g} s"),
            hint=(
                "Try again after retry_after seconds, or let the limiter wait longer: its max_wait= "
                "(FrontClient(max_retry_after=..., max_total_wait=...) for the client's default limiter)"
            ),
        )
        self.max_wait = max_wait
