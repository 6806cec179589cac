"""Errors raised by the limiter."""

from __future__ import annotations

__all__ = ["LimiterBackendError", "LimiterError", "LimiterTimeout"]


class LimiterError(Exception):
    """Base class of the limiter's errors."""


class LimiterTimeout(LimiterError, TimeoutError):
    """``acquire(..., timeout=...)`` ran out of time before the budget allowed the request."""


class LimiterBackendError(LimiterError):
    """The shared backend (Redis) cannot be reached: the request is not sent rather than sent unlimited."""
