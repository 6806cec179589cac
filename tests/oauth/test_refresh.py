"""Refresh before expiry, after a revoked token's 401, and a refused refresh token."""

from __future__ import annotations

import asyncio
import time

import pytest
from front_client.errors import AuthenticationError
from front_client.oauth import FrontOAuth, ReauthorizationRequired
from front_client.testing.oauth_server import OAuthServer

from tests.oauth.conftest import Authorize, expire
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Recorder


def test_a_token_is_refreshed_before_it_expires_so_no_request_carries_an_expired_token(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, recorder: Recorder, base_url: str
) -> None:
    oauth_server.access_token_lifetime = 1.0  # the 60 s margin shrinks to half the lifetime: 0.5 s
    first = authorize(oauth, "acme")

    with oauth.client("acme", base_url=base_url, limiter=False) as front:
        deadline = time.monotonic() + 2.5  # 2.5 lifetimes: at least two refreshes
        while time.monotonic() < deadline:
            assert front.request("GET", "/me").status_code == 200
            time.sleep(0.05)

    assert recorder.expired_tokens_sent == 0
    assert 2 <= oauth_server.counters.refreshes <= 5
    assert oauth.token("acme") != first
    assert len(set(recorder.api_tokens)) == oauth_server.counters.refreshes + 1


def test_a_token_far_from_expiry_is_reused_without_touching_the_store_or_the_server(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, recorder: Recorder, base_url: str
) -> None:
    token = authorize(oauth, "acme")
    with oauth.client("acme", base_url=base_url, limiter=False) as front:
        for _ in range(5):
            front.request("GET", "/me")
    assert oauth_server.counters.refreshes == 0
    assert recorder.api_tokens == [token.access_token] * 5


def test_a_revoked_token_is_refreshed_once_and_the_write_resent_once(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, recorder: Recorder, base_url: str
) -> None:
    first = authorize(oauth, "acme")
    oauth_server.revoke("acme")  # Front answers 401 to a token the client believes valid

    with oauth.client("acme", base_url=base_url, limiter=False) as front:
        answer = front.request("POST", "/notes", json={"body": "hello"})

    assert answer.json() == {"company": "acme"}
    assert oauth_server.counters.refreshes == 1
    assert recorder.notes_written == 1  # the 401 was not processed: re-sending cannot write twice
    assert recorder.api_tokens[0] == first.access_token
    assert recorder.api_tokens[1] != first.access_token


def test_a_revoked_token_is_refreshed_for_the_async_client_too(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, base_url: str
) -> None:
    authorize(oauth, "acme")
    oauth_server.revoke("acme")

    async def main() -> int:
        async with oauth.async_client("acme", base_url=base_url, limiter=False) as front:
            return (await front.request("GET", "/me")).status_code

    assert asyncio.run(main()) == 200
    assert oauth_server.counters.refreshes == 1


def test_a_second_401_after_the_refresh_raises_without_the_tokens(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, recorder: Recorder, base_url: str
) -> None:
    authorize(oauth, "acme")
    recorder.refuse_every_token = True  # the API echoes the token in its 401 body

    with (
        oauth.client("acme", base_url=base_url, limiter=False) as front,
        pytest.raises(AuthenticationError) as raised,
    ):
        front.request("POST", "/notes", json={})

    assert oauth_server.counters.refreshes == 1
    assert len(recorder.api_tokens) == 2
    text = f"{raised.value} {raised.value!r} {getattr(raised.value, 'body', '')}"
    for token in recorder.api_tokens:
        assert token not in text


def test_a_refused_refresh_token_requires_reauthorization_naming_the_installation(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, recorder: Recorder, base_url: str
) -> None:
    authorize(oauth, "acme")
    expire(oauth.token_store, "acme")
    oauth_server.revoke("acme", refresh_tokens=True)
    fresh = FrontOAuth(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url, token_store=oauth.token_store
    )

    front = fresh.client("acme", base_url=base_url, limiter=False)
    with front, pytest.raises(ReauthorizationRequired) as raised:
        front.request("GET", "/me")

    assert raised.value.installation == "acme"
    assert "'acme'" in str(raised.value)
    assert "must authorize the app again" in str(raised.value)
    assert recorder.api_tokens == []  # nothing sent with a token believed expired


def test_a_refused_refresh_after_a_401_requires_reauthorization_too(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, base_url: str
) -> None:
    authorize(oauth, "acme")
    oauth_server.revoke("acme", refresh_tokens=True)

    front = oauth.client("acme", base_url=base_url, limiter=False)
    with front, pytest.raises(ReauthorizationRequired, match="'acme'"):
        front.request("GET", "/me")


def test_an_installation_that_never_authorized_requires_authorization(
    oauth: FrontOAuth, base_url: str
) -> None:
    front = oauth.client("nobody", base_url=base_url, limiter=False)
    with front, pytest.raises(ReauthorizationRequired, match="'nobody'"):
        front.request("GET", "/me")


def test_reauthorizing_replaces_the_refused_token_at_once(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, base_url: str
) -> None:
    authorize(oauth, "acme")
    oauth_server.revoke("acme", refresh_tokens=True)
    with oauth.client("acme", base_url=base_url, limiter=False) as front:
        with pytest.raises(ReauthorizationRequired):
            front.request("GET", "/me")
        authorize(oauth, "acme")
        assert front.request("GET", "/me").status_code == 200
