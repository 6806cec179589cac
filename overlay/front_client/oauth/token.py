"""``OAuthToken``: an installation's access and refresh tokens, and when to refresh them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from front_client.oauth.errors import OAuthError

__all__ = ["OAuthToken"]

# An ``expires_at`` above this is in milliseconds (1e11 seconds is the year 5138).
_MILLISECONDS_THRESHOLD = 1e11


@dataclass(frozen=True, repr=False)
class OAuthToken:
    """An access token, the refresh token that renews it, and when it expires.

    ``expires_at``: UNIX seconds, or ``None`` when the server gave no lifetime (then it is refreshed only
    after a ``401``). ``issued_at``: UNIX seconds when it was obtained; with ``expires_at`` it gives the
    token's lifetime, which bounds the refresh margin (see :meth:`refresh_due`).
    The repr shows neither token.
    """

    access_token: str
    refresh_token: str | None
    expires_at: float | None = None
    issued_at: float | None = None

    def __repr__(self) -> str:
        refresh = "<redacted>" if self.refresh_token else None
        return f"OAuthToken(access_token=<redacted>, refresh_token={refresh}, expires_at={self.expires_at!r})"

    @classmethod
    def from_response(
        cls, body: Mapping[str, Any], *, now: float, previous_refresh_token: str | None = None
    ) -> OAuthToken:
        """A token endpoint's JSON answer: ``expires_at`` (seconds or milliseconds) and/or ``expires_in``
        (seconds from ``now``), whichever is there; ``expires_at`` wins when both are. A refresh answer
        without a ``refresh_token`` keeps ``previous_refresh_token`` (RFC 6749 §6)."""
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise OAuthError("The token endpoint's answer holds no access_token")
        refresh = body.get("refresh_token")
        if refresh is not None and not isinstance(refresh, str):
            raise OAuthError("The token endpoint's refresh_token is not a string")
        return cls(
            access_token=access,
            refresh_token=refresh or previous_refresh_token,
            expires_at=_expiry(body, now),
            issued_at=now,
        )

    def refresh_due(self, now: float, margin: float) -> bool:
        """Whether the next request must refresh first: within ``margin`` seconds of expiry, the margin
        being at most half the token's lifetime (a token living 4 s is refreshed after 2 s, not at once)."""
        if self.expires_at is None:
            return False
        if self.issued_at is not None:
            margin = min(margin, max(0.0, (self.expires_at - self.issued_at) / 2))
        return now >= self.expires_at - margin

    def to_dict(self) -> dict[str, Any]:
        """The stored form (JSON-compatible)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "issued_at": self.issued_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthToken:
        """The inverse of :meth:`to_dict`."""
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=_optional_float(data.get("expires_at")),
            issued_at=_optional_float(data.get("issued_at")),
        )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _number(body: Mapping[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OAuthError(f"The token endpoint's {name} is not a number") from None
    if not math.isfinite(number):
        raise OAuthError(f"The token endpoint's {name} is not a finite number")
    return number


def _expiry(body: Mapping[str, Any], now: float) -> float | None:
    expires_at = _number(body, "expires_at")
    if expires_at is not None:
        return expires_at / 1000 if expires_at > _MILLISECONDS_THRESHOLD else expires_at
    expires_in = _number(body, "expires_in")
    return None if expires_in is None else now + expires_in
