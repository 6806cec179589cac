"""The bearer token, only for Front's hosts; and the one re-issue Front's merged conversations need.

:class:`FrontAuth` is an :class:`httpx.Auth`: httpx runs its ``auth_flow`` for every request the client sends
(generated functions, pagination links, raw requests, downloads) and lets the flow send a follow-up
request. Two rules live here because both are about where the token may go:

- The token is added for the configured ``base_url`` origin (its own scheme, host and port) and for
  ``https://frontapp.com`` / ``https://*.frontapp.com`` (``_pagination.next`` links name the company's
  own host, ``https://<company>.api.frontapp.com``). A request to any other host is not sent at all:
  :class:`~front_client.errors.ForeignHostError`.
- A URL from the server (a ``next`` link, a ``Location``) that holds the token itself is not sent either:
  :class:`~front_client.errors.SecretInUrlError` (the URL would reach logs, httpx's own INFO line included).
  A query the caller puts the token in is the caller's choice: it is sent (and redacted from errors).
- Front answers ``301`` to a write on a merged conversation's old ID. httpx's redirect following would
  turn a POST into a GET and drop the body, so the client keeps ``follow_redirects`` off and this flow
  re-issues the same method, headers and body to ``Location`` once, under the same host rule.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Iterable
from urllib.parse import unquote_plus

import httpx

from front_client.credentials import BearerCredential
from front_client.errors import ForeignHostError, Scrubber, SecretInUrlError, error_from_response, redact_url

__all__ = [
    "FOLLOWED_LINK",
    "REFRESHABLE",
    "CredentialAuth",
    "FrontAuth",
    "HostPolicy",
    "LiveScrubber",
    "redirect_target",
]

# Redirects whose meaning is "the same request, at another URL" (301: Front's merged conversations).
_REISSUED_STATUSES = frozenset({301, 307, 308})
_REISSUED = "front_reissued"  # request extension marking the one re-issue
FOLLOWED_LINK = "front_followed_link"  # request extension marking a URL the server gave (a next link)
# Request extension: a 401 to this attempt goes back to the auth flow (which refreshes and re-sends once).
REFRESHABLE = "front_refreshable"


class HostPolicy:
    """Which URLs may receive the token: the configured origin, and Front's own hosts over https."""

    def __init__(self, base_url: httpx.URL | str) -> None:
        base = httpx.URL(base_url)
        self._origin = (base.scheme, base.host, base.port)
        # host[:port] only: a user:password in base_url must not reach error messages.
        origin = base.host if base.port is None else f"{base.host}:{base.port}"
        self.description = f"{base.scheme}://{origin} and https://*.frontapp.com"

    def allows(self, url: httpx.URL) -> bool:
        if (url.scheme, url.host, url.port) == self._origin:
            return True
        host = url.host.lower()
        return (
            url.scheme == "https"
            and url.port in (None, 443)
            and (host == "frontapp.com" or host.endswith(".frontapp.com"))
        )

    def check(self, url: httpx.URL) -> None:
        if not self.allows(url):
            raise ForeignHostError(url, self.description)


def redirect_target(request: httpx.Request, response: httpx.Response) -> httpx.URL | None:
    """Where a redirect re-issues ``request`` (same method and body), or ``None`` if it is not re-issued.

    Shared by the auth flow (which re-issues) and the error hook (which lets exactly these pass).
    """
    if response.status_code not in _REISSUED_STATUSES or request.extensions.get(_REISSUED):
        return None
    location = response.headers.get("location")
    return request.url.join(location) if location else None


class FrontAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` for allowed hosts; refuses every other host."""

    def __init__(self, token: str, policy: HostPolicy) -> None:
        self._token = token
        self._policy = policy
        self._scrubber = Scrubber([token])

    def __repr__(self) -> str:
        return "FrontAuth(token=<redacted>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._authorize(request)
        response = yield request
        target = redirect_target(request, response)
        if target is not None:
            yield self._authorize(_reissue(request, target))

    def _authorize(self, request: httpx.Request) -> httpx.Request:
        self._policy.check(request.url)
        if request.extensions.get(_REISSUED) or request.extensions.get(FOLLOWED_LINK):
            url = str(request.url)
            if self._token in url or self._token in unquote_plus(url):
                raise SecretInUrlError(self._scrubber.text(redact_url(unquote_plus(url))))
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


def _reissue(request: httpx.Request, url: httpx.URL) -> httpx.Request:
    headers = httpx.Headers(request.headers)
    headers["Host"] = url.netloc.decode("ascii")  # a Request built from a stream gets no Host of its own
    headers.pop("authorization", None)
    return httpx.Request(
        request.method,
        url,
        headers=headers,
        stream=request.stream,
        extensions={**request.extensions, _REISSUED: True},
    )


class LiveScrubber(Scrubber):
    """A scrubber of a credential's secrets as they are now (a refreshed token is redacted at once)."""

    def __init__(self, credential: BearerCredential, extra: Iterable[str] = ()) -> None:
        self._credential = credential
        self._extra = tuple(extra)

    @property
    def _variants(self) -> list[str]:
        return Scrubber([*self._credential.secrets(), *self._extra])._variants

    @_variants.setter
    def _variants(self, value: list[str]) -> None:
        pass


class CredentialAuth(FrontAuth):
    """:class:`FrontAuth` for a credential that refreshes (OAuth): its token for every request, and after a
    ``401`` one refresh and one re-send (the client's error hook lets that first ``401`` through)."""

    def __init__(self, credential: BearerCredential, policy: HostPolicy) -> None:
        super().__init__("", policy)
        self._credential = credential
        self._scrubber = LiveScrubber(credential)

    def __repr__(self) -> str:
        return f"CredentialAuth({self._credential!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._credential.token()
        response = yield self._bear(request, token, refreshable=True)
        if response.status_code == 401:
            response.read()
            fresh = self._credential.refresh(token)
            if fresh is None:
                raise error_from_response(response, LiveScrubber(self._credential, [token]))
            token = fresh
            response = yield self._bear(request, token, refreshable=False)
        target = redirect_target(request, response)
        if target is not None:
            yield self._bear(_reissue(request, target), token, refreshable=False)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._credential.atoken()
        response = yield self._bear(request, token, refreshable=True)
        if response.status_code == 401:
            await response.aread()
            fresh = await self._credential.arefresh(token)
            if fresh is None:
                raise error_from_response(response, LiveScrubber(self._credential, [token]))
            token = fresh
            response = yield self._bear(request, token, refreshable=False)
        target = redirect_target(request, response)
        if target is not None:
            yield self._bear(_reissue(request, target), token, refreshable=False)

    def _bear(self, request: httpx.Request, token: str, *, refreshable: bool) -> httpx.Request:
        self._policy.check(request.url)
        if request.extensions.get(_REISSUED) or request.extensions.get(FOLLOWED_LINK):
            url = str(request.url)
            if token in url or token in unquote_plus(url):
                raise SecretInUrlError(
                    LiveScrubber(self._credential, [token]).text(redact_url(unquote_plus(url)))
                )
        request.headers["Authorization"] = f"Bearer {token}"
        request.extensions = {**request.extensions, REFRESHABLE: refreshable}
        return request
