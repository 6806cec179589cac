"""The client secret, access and refresh tokens never show in reprs or errors, even when the server
echoes the request back."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from front_client.oauth import FileTokenStore, FrontOAuth, OAuthError, ReauthorizationRequired
from front_client.testing.oauth_server import OAuthServer

from tests.oauth.conftest import Authorize, consent, expire
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI

BASIC = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in (CLIENT_SECRET, BASIC, *secrets):
        assert secret not in text


def everything_shown(error: BaseException) -> str:
    return f"{error} {error!r} {error.args} {error.__cause__!r} {error.__context__!r}"


def test_reprs_show_no_secret(oauth: FrontOAuth, authorize: Authorize, base_url: str, tmp_path: Path) -> None:
    token = authorize(oauth, "acme")
    credential = oauth.credential("acme")
    credential.token()
    with oauth.client("acme", base_url=base_url) as front:
        shown = " ".join(
            repr(thing)
            for thing in (
                oauth,
                token,
                credential,
                oauth.token_store,
                front,
                FileTokenStore(tmp_path / "t.json"),
            )
        )
    assert "acme" in shown
    assert_no_secret(shown, token.access_token, str(token.refresh_token))
    assert set(credential.secrets()) >= {CLIENT_SECRET, token.access_token, str(token.refresh_token)}


def test_a_server_echoing_the_exchange_leaks_neither_the_secret_nor_the_code(
    oauth: FrontOAuth, oauth_server: OAuthServer
) -> None:
    oauth_server.echo_secrets = True
    code, state = consent(oauth, "acme")
    oauth.exchange_code(code, state=state, expected_state=state, installation="acme")

    with pytest.raises(OAuthError) as raised:  # the code works once: the refusal echoes the request
        oauth.exchange_code(code, state=state, expected_state=state, installation="acme")

    text = everything_shown(raised.value)
    assert "invalid_grant" in text and "<redacted>" in text
    assert_no_secret(text, code)


def test_a_server_echoing_a_refused_refresh_leaks_no_token(
    oauth: FrontOAuth, oauth_server: OAuthServer, authorize: Authorize, base_url: str
) -> None:
    token = authorize(oauth, "acme")
    expire(oauth.token_store, "acme")
    oauth_server.revoke("acme", refresh_tokens=True)
    oauth_server.echo_secrets = True
    fresh = FrontOAuth(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url, token_store=oauth.token_store
    )

    with pytest.raises(ReauthorizationRequired) as raised:
        fresh.credential("acme").token()

    assert_no_secret(everything_shown(raised.value), token.access_token, str(token.refresh_token))


def test_a_server_echoing_bad_client_credentials_leaks_no_secret(
    oauth_server: OAuthServer, base_url: str
) -> None:
    oauth_server.echo_secrets = True
    wrong_secret = "wrong-client-secret-abcdef"
    oauth = FrontOAuth(CLIENT_ID, wrong_secret, REDIRECT_URI, oauth_base_url=base_url)
    code, state = consent(oauth, "acme")

    with pytest.raises(OAuthError) as raised:
        oauth.exchange_code(code, state=state, expected_state=state, installation="acme")

    wrong_basic = base64.b64encode(f"{CLIENT_ID}:{wrong_secret}".encode()).decode()
    assert_no_secret(everything_shown(raised.value), wrong_secret, wrong_basic, code)


def test_an_unreachable_token_endpoint_is_an_oauth_error_without_secrets(
    oauth: FrontOAuth, authorize: Authorize, caplog: pytest.LogCaptureFixture
) -> None:
    token = authorize(oauth, "acme")
    expire(oauth.token_store, "acme")
    closed = FrontOAuth(
        CLIENT_ID,
        CLIENT_SECRET,
        REDIRECT_URI,
        oauth_base_url="http://127.0.0.1:9",
        token_store=oauth.token_store,
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(OAuthError, match="could not be reached") as raised:
        closed.credential("acme").token()

    assert raised.value.__cause__ is None  # httpx's error holds the request, whose body holds the token
    assert_no_secret(everything_shown(raised.value) + caplog.text, str(token.refresh_token))
