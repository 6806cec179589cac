"""Keeping secrets out of what the client shows: :class:`Scrubber` and :func:`redact_url`.

Every text an error carries (a message, a body excerpt, headers, a URL) goes through the client's scrubber
first: a server may echo the token it received (a 401's message, an HTML title, a ``Location``). The
scrubber knows the client's fixed secrets (an API token, an app secret) and asks its *sources* for the ones
that change (an OAuth installation's current tokens, the Channel API's recent JWTs) each time it redacts;
:meth:`Scrubber.for_request` adds the bearer token a request actually carried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

import httpx

__all__ = ["NO_SECRETS", "REDACTED", "Scrubber", "SecretSource", "bearer_of", "redact_url"]

REDACTED = "<redacted>"
# Query parameters whose values are never shown (a token in a URL is still a token).
SECRET_QUERY = re.compile(r"token|key|secret|password|passwd|auth|signature|code|session", re.IGNORECASE)
# A callable listing secrets as they are now (read at each redaction, so rotated tokens are covered).
SecretSource = Callable[[], Iterable[str]]


class Scrubber:
    """Replaces the client's secrets (as sent and percent-encoded) in any text it is given.

    A "secret" shorter than :data:`MIN_SCRUBBED_LENGTH` characters (a placeholder such as ``"t"`` in a test
    or a demo) is left alone: it would be found inside ordinary words and garble every message, and no real
    Front token or app secret is that short."""

    MIN_SCRUBBED_LENGTH = 4

    def __init__(self, secrets: Iterable[str] = (), *, sources: Iterable[SecretSource] = ()) -> None:
        self._fixed = _variants(secrets)
        self._sources = tuple(sources)

    def __repr__(self) -> str:
        return f"Scrubber(<{len(self._fixed)} redacted, {len(self._sources)} sources>)"

    def __bool__(self) -> bool:
        return bool(self._fixed or self._sources)

    def with_secrets(self, secrets: Iterable[str]) -> Scrubber:
        """This scrubber, also redacting ``secrets``."""
        combined = Scrubber(sources=self._sources)
        combined._fixed = sorted(set(self._fixed) | set(_variants(secrets)), key=len, reverse=True)
        return combined

    def for_request(self, request: httpx.Request | None) -> Scrubber:
        """This scrubber, also redacting the bearer token ``request`` carried (a per-request JWT, an OAuth
        token refreshed since): what a server echoes is what it was sent."""
        token = bearer_of(request)
        return self.with_secrets([token]) if token else self

    def _current(self) -> list[str]:
        if not self._sources:
            return self._fixed
        dynamic = _variants(secret for source in self._sources for secret in source())
        return sorted(set(self._fixed) | set(dynamic), key=len, reverse=True)

    def text(self, value: str) -> str:
        for variant in self._current():
            if variant in value:
                value = value.replace(variant, REDACTED)
        return value

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def content(self, value: bytes) -> bytes:
        for variant in self._current():
            raw = variant.encode("utf-8")
            if raw in value:
                value = value.replace(raw, REDACTED.encode())
        return value

    def headers(self, headers: httpx.Headers) -> httpx.Headers:
        if not self:
            return headers
        return httpx.Headers([(name, self.text(value)) for name, value in headers.multi_items()])

    def contains(self, value: str) -> bool:
        return any(variant in value for variant in self._current())


def _variants(secrets: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= Scrubber.MIN_SCRUBBED_LENGTH:
            found.update({secret, quote(secret, safe=""), quote_plus(secret, safe="")})
    # Longest first: a variant that contains another is replaced whole.
    return sorted(found, key=len, reverse=True)


def bearer_of(request: httpx.Request | None) -> str | None:
    """The token of ``request``'s ``Authorization: Bearer`` header, if it has one."""
    if request is None:
        return None
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


NO_SECRETS = Scrubber()


def redact_url(url: httpx.URL | str) -> str:
    """The URL without credentials: no userinfo, and secret-looking query values replaced."""
    url = httpx.URL(url)
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    if url.query:
        params = [
            (name, "REDACTED" if SECRET_QUERY.search(name) else value)
            for name, value in url.params.multi_items()
        ]
        url = url.copy_with(params=params)
    return str(url)
