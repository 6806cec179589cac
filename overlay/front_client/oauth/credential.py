"""``InstallationCredential``: one installation's bearer token, refreshed once however many ask.

It implements :class:`~front_client.credentials.BearerCredential`. The token is kept in memory and used
as long as it is not due for refresh. When it is due (or Front answered ``401`` to it), the renewal:

1. queues the threads of this process on one lock (the first renews, the others then find it fresh);
2. takes the store's lock for the installation (other processes sharing the store wait there);
3. re-reads the store: a token another worker saved meanwhile is used as is;
4. only if the stored token is still due (or is the one Front rejected) posts the refresh, and saves the
   answer before letting go of the lock.

So threads, asyncio tasks (which renew in a worker thread) and processes refresh once: with rotating
refresh tokens, a second refresh of the same refresh token would lose the installation.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable

from front_client.credentials import CredentialKind
from front_client.oauth.endpoint import TokenEndpoint
from front_client.oauth.errors import ReauthorizationRequired
from front_client.oauth.stores import TokenStore
from front_client.oauth.token import OAuthToken

__all__ = ["InstallationCredential"]


class InstallationCredential:
    """The bearer tokens of one installation (one Front company that authorized the app)."""

    kind: CredentialKind = "oauth"

    def __init__(
        self,
        installation: str,
        store: TokenStore,
        endpoint: TokenEndpoint,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.installation = installation
        self._store = store
        self._endpoint = endpoint
        self._margin = refresh_margin
        self._clock = clock
        self._current: OAuthToken | None = None
        self._retired: OAuthToken | None = None  # the one before: still redacted from late errors
        self._renewing = threading.Lock()
        self.refreshes = 0  # refreshes this object posted (for tests and metrics)

    def __repr__(self) -> str:
        return f"InstallationCredential(installation={self.installation!r})"

    def token(self) -> str:
        current = self._current
        if current is not None and self._usable(current, None):
            return current.access_token
        return self._renew(None).access_token

    async def atoken(self) -> str:
        current = self._current
        if current is not None and self._usable(current, None):
            return current.access_token
        # The store and the token endpoint block: renew in a worker thread, the event loop keeps running.
        return (await asyncio.to_thread(self._renew, None)).access_token

    def refresh(self, rejected: str) -> str | None:
        return self._renew(rejected).access_token

    async def arefresh(self, rejected: str) -> str | None:
        return (await asyncio.to_thread(self._renew, rejected)).access_token

    def secrets(self) -> Iterable[str]:
        found = list(self._endpoint.secrets())
        for token in (self._current, self._retired):
            if token is not None:
                found.append(token.access_token)
                if token.refresh_token:
                    found.append(token.refresh_token)
        return found

    def _usable(self, token: OAuthToken, rejected: str | None) -> bool:
        return token.access_token != rejected and not token.refresh_due(self._clock(), self._margin)

    def adopt(self, token: OAuthToken) -> OAuthToken:
        """Use ``token`` from now on (it is in the store already: a new authorization, another worker's)."""
        if self._current is not None and self._current.access_token != token.access_token:
            self._retired = self._current
        self._current = token
        return token

    def _renew(self, rejected: str | None) -> OAuthToken:
        with self._renewing:
            current = self._current
            if current is not None and self._usable(current, rejected):
                return current  # another thread renewed while this one waited
            with self._store.lock(self.installation):
                stored = self._store.load(self.installation)
                if stored is None:
                    raise ReauthorizationRequired(self.installation, error=None)
                if self._usable(stored, rejected):
                    return self.adopt(stored)  # another process renewed it
                if not stored.refresh_token:
                    raise ReauthorizationRequired(self.installation, error="no refresh token")
                fresh = self._endpoint.refresh(self.installation, stored.refresh_token)
                self.refreshes += 1
                self._store.save(self.installation, fresh)
                return self.adopt(fresh)
