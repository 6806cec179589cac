"""Where the bearer token comes from: the one seam between a client and its kind of authentication.

A client's :class:`~front_client.auth.FrontAuth` asks its :class:`BearerCredential` for the token of each
request, and, when Front answers ``401`` to a token it believed valid, for a fresh one (the request is then
re-sent once: a ``401`` was not processed, so this holds for writes too). Three kinds implement it:

- :class:`StaticToken`: an API token generated in Front (never refreshed);
- an OAuth installation (:mod:`front_client.oauth`): refreshed before expiry and after a ``401``, once across
  threads, tasks and processes sharing a token store;
- the Channel API's JWTs are minted per attempt under the retry layer instead
  (:mod:`front_client.channel_auth`), so they never wait out a short lifetime in the limiter.

``secrets()`` lists what must never be shown (the tokens, a refresh token, a client secret): the client's
scrubber reads it each time it redacts, so a rotated token is redacted as soon as it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol, runtime_checkable

__all__ = ["BearerCredential", "CredentialKind", "StaticToken"]

# What a PrivateResourceError can advise: an API token's owner may allow API access; an OAuth token never can.
CredentialKind = Literal["api_token", "oauth"]


@runtime_checkable
class BearerCredential(Protocol):
    """A source of bearer tokens for the Core API. Implementations are safe to share between threads."""

    @property
    def kind(self) -> CredentialKind: ...

    def token(self) -> str:
        """The token for the next request (may refresh first when it is about to expire)."""
        ...

    async def atoken(self) -> str:
        """As :meth:`token`, for the asyncio clients (waits without blocking the event loop)."""
        ...

    def refresh(self, rejected: str) -> str | None:
        """Front answered ``401`` to ``rejected``: a fresh token to re-send with once, or ``None`` when this
        credential cannot be refreshed (the ``401`` is then raised). Raises a ``FrontClientError`` when the
        refresh itself is refused (e.g. ``ReauthorizationRequired``)."""
        ...

    async def arefresh(self, rejected: str) -> str | None:
        """As :meth:`refresh`, for the asyncio clients."""
        ...

    def secrets(self) -> Iterable[str]:
        """Every secret of this credential as it is now (redacted from errors, reprs and logs)."""
        ...


class StaticToken:
    """An API token generated in Front: the same token on every request, never refreshed."""

    __slots__ = ("_token",)
    kind: CredentialKind = "api_token"

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"

    def token(self) -> str:
        return self._token

    async def atoken(self) -> str:
        return self._token

    def refresh(self, rejected: str) -> str | None:
        return None

    async def arefresh(self, rejected: str) -> str | None:
        return None

    def secrets(self) -> Iterable[str]:
        return (self._token,)
