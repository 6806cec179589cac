"""Errors raised by the limiter."""

from __future__ import annotations

from front_client.errors import FrontClientError, RateLimitError

__all__ = ["LimiterBackendError", "LimiterError", "LimiterTimeout", "RateLimitPauseError"]


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

    def __init__(self, *, method: str, path: str, scope: str, retry_after: float, max_pause: float) -> None:
        tier = None if scope == "global" else scope
        what = "the global rate-limit budget" if tier is None else f"rate-limit tier {tier}"
        super().__init__(
            status=429,
            title="Too Many Requests",
            message=(
                f"not sent: an earlier 429 paused {what} for {retry_after:.1f} s more, "
                f"longer than max_pause={max_pause:g} s"
            ),
            method=method,
            url=path,
            hint=(
                "Try again after retry_after seconds, or let the limiter wait longer: its max_pause= "
                "(FrontClient(max_retry_after=...) for the client's default limiter)"
            ),
        )
        self.retry_after = retry_after
        self.tier = tier
        self.scope = scope
        self.max_pause = max_pause
