"""``FrontOAuth``: a partner app's side of Front's OAuth (authorization code grant) for many companies.

One ``FrontOAuth`` per app and process: it issues authorization URLs, exchanges callback codes for tokens
saved under an *installation* name of your choosing (a company), and builds clients for an installation
whose token it refreshes before expiry and after a ``401`` (:class:`InstallationCredential`).

Rate limits: Front gives requests made through OAuth a budget per company, separate from the company's
own (dev.frontapp.com, "Rate limiting": 120 requests per minute). Each installation gets its own limiter
with that budget, so one company's exhaustion never slows another's; with ``redis_url`` that limiter is a
``RedisLimiter`` keyed by installation, shared by every process (its keys expire when idle).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

from front_client.limiter import InProcessLimiter, RateLimitPolicy
from front_client.oauth.credential import InstallationCredential
from front_client.oauth.endpoint import (
    DEFAULT_OAUTH_BASE_URL,
    DEFAULT_TOKEN_TIMEOUT,
    TokenEndpoint,
    check_oauth_base_url,
)
from front_client.oauth.errors import OAuthStateError
from front_client.oauth.stores import MemoryTokenStore, TokenStore
from front_client.oauth.token import OAuthToken

if TYPE_CHECKING:
    from front_client.client import AsyncFrontClient, FrontClient

__all__ = ["PARTNER_APP_POLICY", "FrontOAuth"]

# Front's budget for a partner app's (OAuth) requests, per company (RateLimitPolicy.partner_app() says where
# the figure comes from). The X-RateLimit-* headers adapt it anyway.
PARTNER_APP_POLICY = RateLimitPolicy.partner_app()
_STATE_BYTES = 32  # 256 bits


class FrontOAuth:
    """A partner app's OAuth: ``FrontOAuth(client_id, client_secret, redirect_uri, token_store=...)``.

    - ``token_store``: where tokens live (default :class:`MemoryTokenStore`; share a
      :class:`FileTokenStore` or :class:`RedisTokenStore` between processes).
    - ``oauth_base_url``: where ``/oauth/authorize`` and ``/oauth/token`` live (https for Front's hosts;
      http elsewhere, e.g. an emulator).
    - ``refresh_margin``: refresh this many seconds before expiry, at most half the token's lifetime.
    - ``token_timeout`` / ``token_transport``: the token endpoint's httpx timeouts and transport.
    - ``rate_limit_policy``: each installation's budget (default Front's partner-app budget).
    - ``redis_url``: pace each installation with a ``RedisLimiter`` there (key per installation) instead of
      an in-process limiter.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        token_store: TokenStore | None = None,
        oauth_base_url: str = DEFAULT_OAUTH_BASE_URL,
        refresh_margin: float = 60.0,
        token_timeout: httpx.Timeout | float = DEFAULT_TOKEN_TIMEOUT,
        token_transport: httpx.BaseTransport | None = None,
        rate_limit_policy: RateLimitPolicy = PARTNER_APP_POLICY,
        redis_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret are required (your app's OAuth credentials)")
        if refresh_margin < 0:
            raise ValueError("refresh_margin must be >= 0 seconds")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.oauth_base_url = check_oauth_base_url(oauth_base_url)
        self.token_store: TokenStore = token_store if token_store is not None else MemoryTokenStore()
        self.refresh_margin = refresh_margin
        self.rate_limit_policy = rate_limit_policy
        self.redis_url = redis_url
        self._endpoint = TokenEndpoint(
            self.oauth_base_url,
            client_id,
            client_secret,
            timeout=token_timeout,
            transport=token_transport,
            clock=clock,
        )
        self._clock = clock
        self._credentials: dict[str, InstallationCredential] = {}
        self._limiters: dict[str, Any] = {}
        self._shared_redis: Any = None  # the RedisLimiter whose connections every installation's shares
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"FrontOAuth(client_id={self.client_id!r}, client_secret=<redacted>, "
            f"oauth_base_url={self.oauth_base_url!r}, token_store={self.token_store!r})"
        )

    def close(self) -> None:
        """Close the token endpoint's connections and the Redis limiters' (clients close themselves)."""
        self._endpoint.close()
        with self._guard:
            shared, self._shared_redis, self._limiters = self._shared_redis, None, {}
        if shared is not None:  # the installations' limiters share its connections: closed once, here
            shared.close()

    def __enter__(self) -> FrontOAuth:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the authorization code flow -----------------------------------------------------------------------
    def authorization_url(self, state: str | None = None) -> tuple[str, str]:
        """Where to send a company admin to authorize the app, and the ``state`` to check on the callback
        (a fresh random one of 256 bits unless given; keep it in the admin's session)."""
        state = state if state is not None else secrets.token_urlsafe(_STATE_BYTES)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "state": state,
            }
        )
        return f"{self.oauth_base_url}/oauth/authorize?{query}", state

    def exchange_code(
        self, code: str, *, state: str | None, expected_state: str, installation: str
    ) -> OAuthToken:
        """Exchange the callback's ``code`` for tokens, saved under ``installation``.

        ``state`` (the callback's) must equal ``expected_state`` (the one :meth:`authorization_url` gave),
        else :class:`OAuthStateError` before any request.
        """
        if not expected_state or state is None or not secrets.compare_digest(state, expected_state):
            raise OAuthStateError(
                "The callback's state is not the one issued for this authorization (a forged or replayed "
                "callback): the code was not exchanged"
            )
        if not installation:
            raise ValueError("installation must name the company (e.g. its Front company ID)")
        token = self._endpoint.exchange_code(code, self.redirect_uri)
        with self.token_store.lock(installation):
            self.token_store.save(installation, token)
        credential = self._credentials.get(installation)
        if credential is not None:
            credential.adopt(token)  # a re-authorization replaces a refused token at once
        return token

    async def aexchange_code(
        self, code: str, *, state: str | None, expected_state: str, installation: str
    ) -> OAuthToken:
        """As :meth:`exchange_code`, without blocking the event loop."""
        return await asyncio.to_thread(
            self.exchange_code, code, state=state, expected_state=expected_state, installation=installation
        )

    def token(self, installation: str) -> OAuthToken | None:
        """The installation's stored token (``None`` if it never authorized)."""
        return self.token_store.load(installation)

    # -- clients -------------------------------------------------------------------------------------------
    def credential(self, installation: str) -> InstallationCredential:
        """The installation's bearer credential (one per installation and ``FrontOAuth``: its clients share
        one in-memory token and refresh once)."""
        with self._guard:
            credential = self._credentials.get(installation)
            if credential is None:
                credential = InstallationCredential(
                    installation,
                    self.token_store,
                    self._endpoint,
                    refresh_margin=self.refresh_margin,
                    clock=self._clock,
                )
                self._credentials[installation] = credential
            return credential

    def limiter(self, installation: str) -> Any:
        """The installation's limiter (one per installation: companies never share a budget)."""
        with self._guard:
            limiter = self._limiters.get(installation)
            if limiter is None:
                if self.redis_url is not None:
                    # One set of Redis connections for every installation; a key (and a budget) each.
                    limiter = self._redis_limiter(installation)
                else:
                    limiter = InProcessLimiter(self.rate_limit_policy)
                self._limiters[installation] = limiter
            return limiter

    def _redis_limiter(self, installation: str) -> Any:
        """``installation``'s RedisLimiter; the first one made owns the Redis connections every other
        installation's shares (``for_installation``)."""
        if self._shared_redis is None:
            from front_client.limiter.redis_backend import RedisLimiter

            assert self.redis_url is not None  # only called when it is set
            self._shared_redis = RedisLimiter(
                self.redis_url, installation=installation, policy=self.rate_limit_policy
            )
            return self._shared_redis
        return self._shared_redis.for_installation(installation)

    def client(self, installation: str, **options: Any) -> FrontClient:
        """A :class:`~front_client.FrontClient` acting for ``installation`` (``FrontClient`` options as
        keywords; ``limiter`` defaults to the installation's)."""
        from front_client.client import FrontClient

        options.setdefault("limiter", self.limiter(installation))
        return FrontClient(credential=self.credential(installation), **options)

    def async_client(self, installation: str, **options: Any) -> AsyncFrontClient:
        """As :meth:`client`, an :class:`~front_client.AsyncFrontClient`."""
        from front_client.client import AsyncFrontClient

        options.setdefault("limiter", self.limiter(installation))
        return AsyncFrontClient(credential=self.credential(installation), **options)
