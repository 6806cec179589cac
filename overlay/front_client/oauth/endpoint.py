"""Front's token endpoint (``POST {oauth_base_url}/oauth/token``): both grants, and what its errors mean.

The client credentials go in HTTP Basic (RFC 6749 §2.3.1), never in a URL or a body; redirects are not
followed, so they never reach another host. Error text is built from the answer's ``error`` code and a
scrubbed ``error_description`` only: a server echoing the request back cannot leak a secret through us.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterable

import httpx

from front_client.oauth.errors import OAuthError, ReauthorizationRequired
from front_client.oauth.token import OAuthToken
from front_client.redaction import Scrubber

__all__ = ["DEFAULT_OAUTH_BASE_URL", "DEFAULT_TOKEN_TIMEOUT", "TokenEndpoint"]

DEFAULT_OAUTH_BASE_URL = "https://app.frontapp.com"
# Short: a refresh holds the installation's lock (and every request of it) while it runs.
DEFAULT_TOKEN_TIMEOUT = httpx.Timeout(10.0)
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_MAX_DESCRIPTION = 300


def check_oauth_base_url(url: str) -> str:
    """An absolute http(s) URL; Front's own hosts only over https (the client secret never travels in
    clear to Front). Another host over http is the caller's choice: an emulator, a test server."""
    parsed = httpx.URL(url)
    host = parsed.host.lower()
    if parsed.scheme not in ("http", "https") or not host:
        raise ValueError("oauth_base_url must be an absolute http(s) URL, e.g. https://app.frontapp.com")
    if parsed.scheme != "https" and (host == "frontapp.com" or host.endswith(".frontapp.com")):
        raise ValueError("oauth_base_url must use https for Front's hosts")
    return url.rstrip("/")


class TokenEndpoint:
    """Posts grants to the token endpoint with one pooled ``httpx.Client`` (thread-safe)."""

    def __init__(
        self,
        oauth_base_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TOKEN_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = f"{check_oauth_base_url(oauth_base_url)}/oauth/token"
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._credential_variants = (client_secret, basic)
        self._http = httpx.Client(
            auth=httpx.BasicAuth(client_id, client_secret),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )
        self._clock = clock

    def __repr__(self) -> str:
        return f"TokenEndpoint({self.url!r}, client_secret=<redacted>)"

    def close(self) -> None:
        self._http.close()

    def secrets(self) -> tuple[str, ...]:
        """The client secret, alone and as sent (in the Basic credentials)."""
        return self._credential_variants

    def exchange_code(self, code: str, redirect_uri: str) -> OAuthToken:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return self._post(form, secrets=(code,), installation=None)

    def refresh(self, installation: str, refresh_token: str) -> OAuthToken:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._post(
            form, secrets=(refresh_token,), installation=installation, previous_refresh_token=refresh_token
        )

    def _post(
        self,
        form: dict[str, str],
        *,
        secrets: Iterable[str],
        installation: str | None,
        previous_refresh_token: str | None = None,
    ) -> OAuthToken:
        scrubber = Scrubber([*self._credential_variants, *secrets])
        grant = form["grant_type"]
        try:
            response = self._http.post(self.url, data=form)
        except httpx.HTTPError as error:
            raise OAuthError(
                f"The token endpoint {self.url} could not be reached ({grant}): "
                f"{type(error).__name__}: {scrubber.text(str(error))}"
            ) from None  # httpx's error holds the request, whose body holds the secret
        if response.status_code != 200:
            raise _refusal(response, scrubber, grant, installation)
        try:
            body = response.json()
        except ValueError:
            raise OAuthError(f"The token endpoint answered {grant} with a body that is not JSON") from None
        if not isinstance(body, dict):
            raise OAuthError(f"The token endpoint answered {grant} with JSON that is not an object")
        return OAuthToken.from_response(
            body, now=self._clock(), previous_refresh_token=previous_refresh_token
        )


def _refusal(
    response: httpx.Response, scrubber: Scrubber, grant: str, installation: str | None
) -> OAuthError:
    code: str | None = None
    description = ""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw_code = body.get("error")
        if isinstance(raw_code, str) and _ERROR_CODE.fullmatch(raw_code):
            code = raw_code
        raw_description = body.get("error_description") or body.get("message")
        if isinstance(raw_description, str):
            description = scrubber.text(raw_description)[:_MAX_DESCRIPTION]
    status = response.status_code
    if code == "invalid_grant" and grant == "refresh_token" and installation is not None:
        return ReauthorizationRequired(installation, error=code, status=status)
    detail = f" ({code})" if code else ""
    if description:
        detail += f": {description}"
    if code == "invalid_grant":
        detail += " (an authorization code works once and expires within minutes: start the flow again)"
    return OAuthError(
        f"The token endpoint refused {grant} with HTTP {status}{detail}", error=code, status=status
    )
