"""Fixtures of the OAuth suite: a loopback Front (OAuth server + API), a ``FrontOAuth`` on it, and
``authorize`` to run the authorization code flow for an installation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from front_client.oauth import FrontOAuth, OAuthToken, TokenStore
from front_client.testing.oauth_server import OAuthServer

from tests.emulator.fixtures import redis_server, redis_url
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Recorder, front_app

__all__ = ["redis_server", "redis_url"]


@pytest.fixture
def oauth_server() -> OAuthServer:
    return OAuthServer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=(REDIRECT_URI,))


@pytest.fixture
def front(oauth_server: OAuthServer) -> Iterator[tuple[str, Recorder]]:
    with front_app(oauth_server) as served:
        yield served


@pytest.fixture
def base_url(front: tuple[str, Recorder]) -> str:
    return front[0]


@pytest.fixture
def recorder(front: tuple[str, Recorder]) -> Recorder:
    return front[1]


@pytest.fixture
def oauth(base_url: str) -> Iterator[FrontOAuth]:
    with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url) as app:
        yield app


def consent(oauth: FrontOAuth, company: str, state: str | None = None) -> tuple[str, str]:
    """What a company admin's browser does: open the authorization URL, follow Front's redirect to the
    callback. Returns the callback's (code, state)."""
    url, _issued = oauth.authorization_url(state)
    answer = httpx.get(f"{url}&company={company}", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    callback = parse_qs(urlsplit(answer.headers["location"]).query)
    return callback["code"][0], callback["state"][0]


Authorize = Callable[..., OAuthToken]


@pytest.fixture
def authorize() -> Authorize:
    def run(oauth: FrontOAuth, installation: str, company: str | None = None) -> OAuthToken:
        code, state = consent(oauth, company or installation)
        return oauth.exchange_code(code, state=state, expected_state=state, installation=installation)

    return run


def expire(store: TokenStore, installation: str) -> OAuthToken:
    """Make the stored token look expired to the client (the server still honours it): every worker then
    has to refresh, all at once."""
    with store.lock(installation):
        token = store.load(installation)
        assert token is not None
        expired = replace(token, expires_at=1.0, issued_at=0.0)
        store.save(installation, expired)
    return expired
