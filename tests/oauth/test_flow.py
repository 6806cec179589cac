"""The authorization code flow end to end, sync and async, against the emulator's OAuth server."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from front_client import AsyncFrontClient, FrontClient
from front_client.errors import FrontClientError
from front_client.oauth import FrontOAuth, OAuthError, OAuthStateError, OAuthToken
from front_client.testing.oauth_server import OAuthServer

from tests.oauth.conftest import Authorize, consent
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Recorder


def test_authorization_url_names_the_app_and_a_fresh_state_of_at_least_128_bits() -> None:
    oauth = FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    url, state = oauth.authorization_url()
    _, other_state = oauth.authorization_url()

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://app.frontapp.com/oauth/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT_URI],
        "state": [state],
    }
    assert len(base64.urlsafe_b64decode(state + "==")) * 8 >= 128
    assert state != other_state
    assert CLIENT_SECRET not in url


def test_a_given_state_is_used_as_is() -> None:
    url, state = FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI).authorization_url("my-session-state")
    assert state == "my-session-state"
    assert parse_qs(urlsplit(url).query)["state"] == ["my-session-state"]


def test_the_code_becomes_a_token_stored_under_the_installation_and_a_client_acts_for_its_company(
    oauth: FrontOAuth, oauth_server: OAuthServer, recorder: Recorder, base_url: str
) -> None:
    code, state = consent(oauth, "company-acme")
    token = oauth.exchange_code(code, state=state, expected_state=state, installation="acme")

    assert isinstance(token, OAuthToken)
    assert oauth.token("acme") == token
    assert oauth_server.company_for(token.access_token) == "company-acme"
    with oauth.client("acme", base_url=base_url) as front:
        assert isinstance(front, FrontClient)
        assert front.request("GET", "/me").json() == {"company": "company-acme"}
    assert recorder.api_tokens == [token.access_token]


def test_client_credentials_travel_in_http_basic_never_in_a_url(
    oauth: FrontOAuth, authorize: Authorize, recorder: Recorder
) -> None:
    authorize(oauth, "acme")  # the emulator's token endpoint accepts client credentials in Basic only

    assert "POST /oauth/token" in recorder.request_lines
    assert not any(CLIENT_SECRET in line for line in recorder.request_lines)


def test_a_state_mismatch_is_refused_before_any_request(
    oauth: FrontOAuth, oauth_server: OAuthServer, recorder: Recorder
) -> None:
    code, state = consent(oauth, "acme")
    seen = len(recorder.request_lines)

    for forged in ("forged", None, ""):
        with pytest.raises(OAuthStateError) as raised:
            oauth.exchange_code(code, state=forged, expected_state=state, installation="acme")
        assert isinstance(raised.value, FrontClientError)

    assert len(recorder.request_lines) == seen
    assert oauth_server.counters.exchanges == 0
    assert oauth.token("acme") is None


def test_a_used_code_is_refused_with_advice(oauth: FrontOAuth) -> None:
    code, state = consent(oauth, "acme")
    oauth.exchange_code(code, state=state, expected_state=state, installation="acme")

    with pytest.raises(OAuthError, match="works once") as raised:
        oauth.exchange_code(code, state=state, expected_state=state, installation="acme")
    assert raised.value.error == "invalid_grant"
    assert code not in str(raised.value)


def test_wrong_client_credentials_are_an_oauth_error(base_url: str) -> None:
    oauth = FrontOAuth(CLIENT_ID, "not-the-secret", REDIRECT_URI, oauth_base_url=base_url)
    code, state = consent(oauth, "acme")

    with pytest.raises(OAuthError) as raised:
        oauth.exchange_code(code, state=state, expected_state=state, installation="acme")
    assert (raised.value.status, raised.value.error) == (401, "invalid_client")


def test_the_async_flow_end_to_end(oauth: FrontOAuth, base_url: str) -> None:
    async def main() -> dict[str, str]:
        code, state = consent(oauth, "company-beta")
        await oauth.aexchange_code(code, state=state, expected_state=state, installation="beta")
        async with oauth.async_client("beta", base_url=base_url) as front:
            assert isinstance(front, AsyncFrontClient)
            answer: dict[str, str] = (await front.request("GET", "/me")).json()
            return answer

    assert asyncio.run(main()) == {"company": "company-beta"}


def test_installations_are_separate_companies(oauth: FrontOAuth, authorize: Authorize, base_url: str) -> None:
    authorize(oauth, "acme", "company-acme")
    authorize(oauth, "beta", "company-beta")

    with oauth.client("acme", base_url=base_url) as acme, oauth.client("beta", base_url=base_url) as beta:
        assert acme.request("GET", "/me").json() == {"company": "company-acme"}
        assert beta.request("GET", "/me").json() == {"company": "company-beta"}


def test_front_s_own_token_endpoint_is_only_reached_over_https() -> None:
    with pytest.raises(ValueError, match="https"):
        FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url="http://app.frontapp.com")
    with pytest.raises(ValueError, match="absolute"):
        FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url="app.frontapp.com")
