"""Front's OAuth server, emulated: ``/oauth/authorize`` and ``/oauth/token``, and tokens mapped to companies.

Pure state and request handling, no I/O: :meth:`OAuthServer.handle` takes a request's method, path, query,
headers and body and returns ``(status, headers, body)``, or ``None`` for a path it does not serve. Any
HTTP server can host it; the API side asks :meth:`OAuthServer.company_for` which company a bearer token
acts for (``None``: refuse with 401).

- ``/oauth/authorize`` consents at once: ``302`` to ``redirect_uri`` with ``code`` and ``state`` (the
  query's ``company`` picks the company; default ``default_company``).
- ``/oauth/token``: ``authorization_code`` (a code works once, within ``code_lifetime``) and
  ``refresh_token`` grants, client credentials in HTTP Basic only. Refresh tokens rotate: each works once,
  a second use answers ``400 invalid_grant`` (as does a revoked one). Access tokens live
  ``access_token_lifetime`` seconds of ``clock`` (pass a scaled clock or lifetime to speed tests up).
- ``echo_secrets=True``: error bodies echo the request (body and Authorization header), as a careless
  server might, to prove that clients keep secrets out of their errors.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

__all__ = ["OAuthResponse", "OAuthServer"]

OAuthResponse = tuple[int, dict[str, str], bytes]
Query = Mapping[str, list[str]] | str


@dataclass
class _Grant:
    company: str
    expires_at: float
    redirect_uri: str | None = None
    revoked: bool = False


@dataclass
class _Counters:
    exchanges: int = 0
    refreshes: int = 0
    refused: int = 0
    refreshes_by_company: dict[str, int] = field(default_factory=dict)


class OAuthServer:
    """One OAuth app (``client_id`` / ``client_secret``) and the companies that authorized it."""

    def __init__(
        self,
        *,
        client_id: str = "emulator-client-id",
        client_secret: str = "emulator-client-secret",
        redirect_uris: tuple[str, ...] = (),
        access_token_lifetime: float = 3600.0,
        code_lifetime: float = 600.0,
        default_company: str = "emulator-company",
        expiry_fields: tuple[str, ...] = ("expires_at", "expires_in"),
        echo_secrets: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris  # empty: any redirect URI is accepted
        self.access_token_lifetime = access_token_lifetime
        self.code_lifetime = code_lifetime
        self.default_company = default_company
        self.expiry_fields = expiry_fields
        self.echo_secrets = echo_secrets
        self.counters = _Counters()
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> company; removed when used or revoked

    def __repr__(self) -> str:
        return f"OAuthServer(client_id={self.client_id!r}, companies={len(set(self._refresh.values()))})"

    # -- what the API side and tests ask -------------------------------------------------------------------
    def company_for(self, access_token: str) -> str | None:
        """The company an access token acts for, or ``None`` (unknown, expired or revoked: answer 401)."""
        with self._lock:
            grant = self._access.get(access_token)
            if grant is None or grant.revoked or self._clock() >= grant.expires_at:
                return None
            return grant.company

    def status(self, access_token: str) -> str:
        """``"valid"``, ``"expired"``, ``"revoked"`` or ``"unknown"`` (not issued here: e.g. an API token,
        which the emulator's API accepts as before)."""
        return self.lookup(access_token)[0]

    def lookup(self, access_token: str) -> tuple[str, str | None]:
        """The token's :meth:`status` and its company (``None`` if unknown), read under one lock."""
        with self._lock:
            grant = self._access.get(access_token)
            if grant is None:
                return "unknown", None
            if grant.revoked:
                return "revoked", grant.company
            return ("expired" if self._clock() >= grant.expires_at else "valid"), grant.company

    def revoke(self, company: str, *, refresh_tokens: bool = False) -> None:
        """Revoke the company's access tokens (a ``401`` next), and its refresh tokens too if asked (the
        app must then be authorized again)."""
        with self._lock:
            for grant in self._access.values():
                if grant.company == company:
                    grant.revoked = True
            if refresh_tokens:
                for token in [t for t, c in self._refresh.items() if c == company]:
                    del self._refresh[token]

    # -- request handling ----------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: Query, headers: Mapping[str, str], body: bytes
    ) -> OAuthResponse | None:
        """The answer to a request for ``/oauth/authorize`` or ``/oauth/token``; ``None`` for other paths."""
        params = parse_qs(query) if isinstance(query, str) else dict(query)
        lowered = {k.lower(): v for k, v in headers.items()}
        if path == "/oauth/authorize":
            if method.upper() != "GET":
                return _json(405, {"error": "invalid_request", "error_description": "GET only"})
            return self._authorize(params)
        if path == "/oauth/token":
            if method.upper() != "POST":
                return _json(405, {"error": "invalid_request", "error_description": "POST only"})
            return self._token(lowered, body)
        return None

    def _authorize(self, params: Mapping[str, list[str]]) -> OAuthResponse:
        def one(name: str) -> str | None:
            values = params.get(name)
            return values[0] if values else None

        redirect_uri = one("redirect_uri")
        if one("response_type") != "code" or one("client_id") != self.client_id or not redirect_uri:
            return _json(400, {"error": "invalid_request", "error_description": "unknown client or request"})
        if self.redirect_uris and redirect_uri not in self.redirect_uris:
            return _json(
                400, {"error": "invalid_request", "error_description": "redirect_uri not registered"}
            )
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(
                company=one("company") or self.default_company,
                expires_at=self._clock() + self.code_lifetime,
                redirect_uri=redirect_uri,
            )
        answer = {"code": code}
        state = one("state")
        if state is not None:
            answer["state"] = state
        return 302, {"Location": _with_query(redirect_uri, answer)}, b""

    def _token(self, headers: Mapping[str, str], body: bytes) -> OAuthResponse:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if not self._client_authenticated(headers.get("authorization", "")):
            return self._error(401, "invalid_client", "client authentication failed", headers, body)
        grant_type = form.get("grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                grant = self._codes.pop(form.get("code", ""), None)
                if grant is None or self._clock() >= grant.expires_at:
                    return self._refuse("the code is unknown, used or expired", headers, body)
                if grant.redirect_uri != form.get("redirect_uri"):
                    return self._refuse("redirect_uri differs from the authorization's", headers, body)
                self.counters.exchanges += 1
                return self._issue(grant.company)
            if grant_type == "refresh_token":
                company = self._refresh.pop(form.get("refresh_token", ""), None)  # rotation: works once
                if company is None:
                    return self._refuse("the refresh token is unknown, used or revoked", headers, body)
                self.counters.refreshes += 1
                by_company = self.counters.refreshes_by_company
                by_company[company] = by_company.get(company, 0) + 1
                return self._issue(company)
        return self._error(
            400,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
            headers,
            body,
        )

    def _client_authenticated(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, client_secret = (
                base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return False
        return client_id == self.client_id and secrets.compare_digest(client_secret, self.client_secret)

    def _issue(self, company: str) -> OAuthResponse:
        # Called with the lock held.
        now = self._clock()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._access[access] = _Grant(company=company, expires_at=now + self.access_token_lifetime)
        self._refresh[refresh] = company
        answer: dict[str, object] = {"access_token": access, "refresh_token": refresh, "token_type": "Bearer"}
        if "expires_at" in self.expiry_fields:
            answer["expires_at"] = now + self.access_token_lifetime
        if "expires_in" in self.expiry_fields:
            answer["expires_in"] = self.access_token_lifetime
        return _json(200, answer)

    def _refuse(self, description: str, headers: Mapping[str, str], body: bytes) -> OAuthResponse:
        self.counters.refused += 1
        return self._error(400, "invalid_grant", description, headers, body)

    def _error(
        self, status: int, error: str, description: str, headers: Mapping[str, str], body: bytes
    ) -> OAuthResponse:
        if self.echo_secrets:
            description += (
                f" (request: {body.decode('utf-8', 'replace')}; {headers.get('authorization', '')})"
            )
        return _json(status, {"error": error, "error_description": description})


def _json(status: int, payload: Mapping[str, object]) -> OAuthResponse:
    return (
        status,
        {"Content-Type": "application/json", "Cache-Control": "no-store"},
        json.dumps(payload).encode(),
    )


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
