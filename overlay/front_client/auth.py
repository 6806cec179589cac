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

from collections.abc import AsyncGenerator, Generator
from urllib.parse import unquote_plus

import httpx

from front_client.credentials import BearerCredential
from front_client.errors import ForeignHostError, SecretInUrlError
from front_client.extensions import FOLLOWED_LINK, REAUTHORIZED, REISSUED
from front_client.redaction import Scrubber, redact_url

__all__ = ["FrontAuth", "HostPolicy", "redirect_target"]

# Redirects whose meaning is "the same request, at another URL" (301: Front's merged conversations).
_REISSUED_STATUSES = frozenset({301, 307, 308})


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
    if response.status_code not in _REISSUED_STATUSES or request.extensions.get(REISSUED):
        return None
    location = response.headers.get("location")
    return request.url.join(location) if location else None


class FrontAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` for allowed hosts; refuses every other host.

    The token comes from a :class:`~front_client.credentials.BearerCredential` for every request. When
    Front answers ``401`` to it and the credential can refresh (OAuth), the request is re-sent once with the
    fresh token: a ``401`` was not processed, so this holds for writes too. A second ``401`` is returned
    (and raised as :class:`~front_client.errors.AuthenticationError`).
    """

    def __init__(self, credential: BearerCredential, policy: HostPolicy) -> None:
        self._credential = credential
        self._policy = policy

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"

    @property
    def credential(self) -> BearerCredential:
        return self._credential

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._check(request)
        token = self._credential.token()
        response = yield self._authorize(request, token)
        if response.status_code == 401 and not request.extensions.get(REAUTHORIZED):
            fresh = self._credential.refresh(token)
            if fresh is not None:
                request.extensions = {**request.extensions, REAUTHORIZED: True}
                response = yield self._authorize(request, fresh)
                token = fresh
        target = redirect_target(request, response)
        if target is not None:
            reissued = _reissue(request, target)
            self._check(reissued)
            self._check_reissue(request, reissued)
            yield self._authorize(reissued, token)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self._check(request)
        token = await self._credential.atoken()
        response = yield self._authorize(request, token)
        if response.status_code == 401 and not request.extensions.get(REAUTHORIZED):
            fresh = await self._credential.arefresh(token)
            if fresh is not None:
                request.extensions = {**request.extensions, REAUTHORIZED: True}
                response = yield self._authorize(request, fresh)
                token = fresh
        target = redirect_target(request, response)
        if target is not None:
            reissued = _reissue(request, target)
            self._check(reissued)
            self._check_reissue(request, reissued)
            yield self._authorize(reissued, token)

    def _check(self, request: httpx.Request) -> None:
        self._policy.check(request.url)  # before anything is sent: a host that is not Front's

    def _check_reissue(self, original: httpx.Request, reissued: httpx.Request) -> None:
        """A further refusal of a redirect's re-issue (the Channel API's: another channel)."""

    def _authorize(self, request: httpx.Request, token: str) -> httpx.Request:
        if request.extensions.get(REISSUED) or request.extensions.get(FOLLOWED_LINK):
            url = str(request.url)
            if token in url or token in unquote_plus(url):
                raise SecretInUrlError(Scrubber([token]).text(redact_url(unquote_plus(url))))
        request.headers["Authorization"] = f"Bearer {token}"
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
        extensions={**request.extensions, REISSUED: True},
    )
