"""The Channel API's credentials: a fresh HS256 JWT, signed with the app's secret, on every attempt.

Front's Channel API does not take an API token: each request carries ``Authorization: Bearer <JWT>``,
signed (HS256) with the secret of the app that owns the channel, with the claims

- ``iss``: the app's UID (older channel-type integrations: the numeric channel type ID, sent as its
  decimal string: RFC 7519 makes ``iss`` a string, and PyJWT refuses anything else),
- ``jti``: random, unique per request (a replay is refused),
- ``sub``: the channel ID,
- ``exp``: a few seconds ahead (Front's samples: now + 5 s or + 10 s; default here 10 s, at most 300 s).

A ``301`` (or ``307`` / ``308``) whose ``Location`` names another channel than the request did
(``/channels/<id>/...``) is not re-issued: :class:`ForeignChannelError`. Re-signing it with the client's
``sub`` would send a JWT for one channel to another's route; signing it for the new channel would let a
server move the app's writes into a channel it was never configured for.

The JWT is minted by :class:`ChannelSigningTransport`, which sits *under* the retry and limiter layers,
just above the network: a request that waited for the rate limiter, or is re-sent after a 429, gets a new
JWT (new ``jti``, ``exp`` counted from when it is really sent), so a short lifetime is never spent waiting.
:class:`ChannelAuth` (the httpx ``Auth``) only applies the host rule before anything else runs: nothing
is signed for, nor sent to, a host other than the API's own.

The secret lives in one :class:`ChannelCredentials`; neither it nor a JWT appears in a ``repr``, a log line
or an exception.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from urllib.parse import unquote

import httpx
import jwt

from front_client.auth import FrontAuth, HostPolicy
from front_client.credentials import StaticToken
from front_client.errors import FrontClientError, MissingTokenError
from front_client.redaction import Scrubber, redact_url

__all__ = [
    "APP_SECRET_ENV",
    "APP_UID_ENV",
    "DEFAULT_JWT_LIFETIME",
    "MAX_JWT_LIFETIME",
    "AsyncChannelSigningTransport",
    "ChannelAuth",
    "ChannelCredentials",
    "ChannelSigningTransport",
    "ForeignChannelError",
    "MissingAppCredentialsError",
]

APP_SECRET_ENV = "FRONT_APP_SECRET"
APP_UID_ENV = "FRONT_APP_UID"
# Front's samples sign for 5 or 10 s: long enough for a slow network and a little clock skew, short enough
# that an intercepted JWT is useless almost at once.
DEFAULT_JWT_LIFETIME = 10.0
# Front's Channel JWTs are short-lived: a longer one only widens the window in which a leaked JWT is useful.
MAX_JWT_LIFETIME = 300.0
ALGORITHM = "HS256"
# JWTs remembered for redaction: more than the attempts in flight at once on one client.
_REMEMBERED_JWTS = 64
# The channel a Channel API path names: every route is /channels/{channel_id}/...
_CHANNEL_SEGMENT = re.compile(r"/channels/([^/?#]*)")


class MissingAppCredentialsError(MissingTokenError):
    """No app UID, app secret or channel ID for the Channel API (argument or environment variable)."""


class ForeignChannelError(FrontClientError):
    """A redirect (``301``, ``307``, ``308``) moved a request to another channel's route. Not re-issued:
    ``channel_id`` is the channel the redirect named, ``url`` its target (credentials redacted)."""

    def __init__(self, url: httpx.URL, requested: str | None, original: str | None) -> None:
        self.url = redact_url(url)
        self.channel_id = requested
        super().__init__(
            f"refusing to follow a redirect to {self.url}: it names channel {requested!r}, the request named "
            f"{original!r}, and this client's JWTs are signed for the request's channel only. Use a client "
            "made for that channel."
        )


def _channel_of(url: httpx.URL) -> str | None:
    """The channel a Channel API URL names (``/channels/<id>/...``, percent-decoded), or ``None``."""
    match = _CHANNEL_SEGMENT.search(url.raw_path.decode("ascii", "replace"))
    return unquote(match.group(1)) if match is not None else None


def _secret_text(value: str | bytes | None) -> str | None:
    """The app secret as text: bytes are accepted when they are UTF-8 (the same HS256 key as the text)."""
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            "app_secret is bytes that are not UTF-8: Front's app secrets are text (copy it from the app's "
            "settings, and pass it as str or as its UTF-8 bytes)"
        ) from None


def _required(value: str | int | None, env: str | None, what: str, argument: str) -> str | int:
    if value is None and env is not None:
        value = os.environ.get(env)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        where = f" or set the {env} environment variable" if env else ""
        raise MissingAppCredentialsError(f"No {what} for the Channel API: pass {argument}=...{where}")
    return text


class ChannelCredentials:
    """The app UID, the channel ID and the app secret; :meth:`token` signs a new JWT each time."""

    __slots__ = ("_lock", "_minted", "_secret", "app_uid", "channel_id", "jwt_lifetime", "wall_clock")

    def __init__(
        self,
        *,
        channel_id: str,
        app_uid: str | int | None = None,
        app_secret: str | bytes | None = None,
        jwt_lifetime: float = DEFAULT_JWT_LIFETIME,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.channel_id = str(_required(channel_id, None, "channel ID", "channel_id"))
        self.app_uid = str(_required(app_uid, APP_UID_ENV, "app UID", "app_uid"))
        self._secret = str(_required(_secret_text(app_secret), APP_SECRET_ENV, "app secret", "app_secret"))
        if not (isinstance(jwt_lifetime, int | float) and math.isfinite(jwt_lifetime) and jwt_lifetime > 0):
            raise ValueError(f"jwt_lifetime must be a positive number of seconds, not {jwt_lifetime!r}")
        if jwt_lifetime > MAX_JWT_LIFETIME:
            raise ValueError(
                f"jwt_lifetime must be at most {MAX_JWT_LIFETIME:.0f} seconds (Front's Channel JWTs are "
                f"short-lived: its samples sign for 5 to 10 s), not {jwt_lifetime!r}"
            )
        self.jwt_lifetime = float(jwt_lifetime)
        self.wall_clock = wall_clock
        # The last JWTs made: a server echoing one back gets it redacted (they are secrets while valid).
        self._minted: deque[str] = deque(maxlen=_REMEMBERED_JWTS)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"ChannelCredentials(app_uid={self.app_uid!r}, channel_id={self.channel_id!r}, "
            f"app_secret=<redacted>, jwt_lifetime={self.jwt_lifetime})"
        )

    def claims(self) -> dict[str, str | int]:
        """A new set of claims: a random ``jti``, ``exp`` at least ``jwt_lifetime`` seconds from now."""
        return {
            "iss": self.app_uid,
            "jti": secrets.token_hex(16),
            "sub": self.channel_id,
            "exp": math.ceil(self.wall_clock() + self.jwt_lifetime),
        }

    def token(self) -> str:
        """A new JWT (HS256, signed with the app secret)."""
        minted = jwt.encode(self.claims(), self._secret, algorithm=ALGORITHM)
        with self._lock:
            self._minted.append(minted)
        return minted

    def secrets(self) -> Iterable[str]:
        """The app secret and the JWTs made lately: what the client's scrubber redacts."""
        with self._lock:
            return (self._secret, *self._minted)

    def scrubber(self) -> Scrubber:
        """Redacts the app secret and every recent JWT from what the client raises (a server may echo
        anything back)."""
        return Scrubber(sources=[self.secrets])


class _NoBearer(StaticToken):
    """The auth flow's credential for the Channel API: none (the JWT is added under the limiter)."""

    def secrets(self) -> Iterable[str]:
        return ()


class ChannelAuth(FrontAuth):
    """The host rule (and the one re-issue of a redirected write) of :class:`FrontAuth`, without a token:
    the JWT is added per attempt by :class:`ChannelSigningTransport`."""

    def __init__(self, policy: HostPolicy) -> None:
        super().__init__(_NoBearer(""), policy)

    def __repr__(self) -> str:
        return "ChannelAuth(jwt=<per request>)"

    def _check_reissue(self, original: httpx.Request, reissued: httpx.Request) -> None:
        """A redirect naming another channel is refused: the JWT would be signed for the wrong one."""
        requested, channel = _channel_of(reissued.url), _channel_of(original.url)
        if requested != channel:
            raise ForeignChannelError(reissued.url, requested, channel)

    def _authorize(self, request: httpx.Request, token: str) -> httpx.Request:
        request.headers.pop("authorization", None)  # never a header of the caller's: only our JWT
        return request


def _sign(request: httpx.Request, credentials: ChannelCredentials, policy: HostPolicy) -> None:
    policy.check(request.url)  # again, under every layer: nothing is signed for another host
    request.headers["Authorization"] = f"Bearer {credentials.token()}"


class ChannelSigningTransport(httpx.BaseTransport):
    """Adds a new JWT to every attempt, then sends it through ``inner`` (the network transport)."""

    def __init__(
        self, inner: httpx.BaseTransport, credentials: ChannelCredentials, policy: HostPolicy
    ) -> None:
        self._inner, self._credentials, self._policy = inner, credentials, policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _sign(request, self._credentials, self._policy)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncChannelSigningTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of :class:`ChannelSigningTransport`."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, credentials: ChannelCredentials, policy: HostPolicy
    ) -> None:
        self._inner, self._credentials, self._policy = inner, credentials, policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _sign(request, self._credentials, self._policy)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
