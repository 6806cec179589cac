"""ChannelCredentials, ChannelAuth and the signing transports on their own: messages, claims, reprs."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jwt
import pytest
from front_client.auth import HostPolicy
from front_client.channel_auth import (
    AsyncChannelSigningTransport,
    ChannelAuth,
    ChannelCredentials,
    ChannelSigningTransport,
    MissingAppCredentialsError,
)

from .conftest import APP_SECRET, APP_UID, CHANNEL_ID

CREDENTIALS: dict[str, Any] = {"channel_id": CHANNEL_ID, "app_uid": APP_UID, "app_secret": APP_SECRET}


@pytest.fixture(autouse=True)
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONT_APP_SECRET", raising=False)
    monkeypatch.delenv("FRONT_APP_UID", raising=False)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("app_secret", "No app secret for the Channel API: pass app_secret=... or set the FRONT_APP_SECRET "
                       "environment variable"),
        ("app_uid", "No app UID for the Channel API: pass app_uid=... or set the FRONT_APP_UID environment "
                    "variable"),
    ],
)  # fmt: skip
def test_a_missing_credential_names_its_argument_and_variable(missing: str, message: str) -> None:
    with pytest.raises(MissingAppCredentialsError) as refused:
        ChannelCredentials(**{**CREDENTIALS, missing: None})
    assert str(refused.value) == message


def test_a_blank_channel_id_names_its_argument_and_no_variable() -> None:
    with pytest.raises(MissingAppCredentialsError) as refused:
        ChannelCredentials(**{**CREDENTIALS, "channel_id": " "})
    assert str(refused.value) == "No channel ID for the Channel API: pass channel_id=..."


def test_credentials_are_stripped_and_a_boolean_is_no_app_uid() -> None:
    credentials = ChannelCredentials(
        channel_id=f" {CHANNEL_ID} ", app_uid=f"\t{APP_UID} ", app_secret=APP_SECRET
    )
    assert (credentials.channel_id, credentials.app_uid) == (CHANNEL_ID, APP_UID)
    with pytest.raises(MissingAppCredentialsError):
        ChannelCredentials(**{**CREDENTIALS, "app_uid": True})


def test_the_environment_is_read_for_the_uid_and_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONT_APP_UID", " app_env ")
    monkeypatch.setenv("FRONT_APP_SECRET", APP_SECRET)
    credentials = ChannelCredentials(channel_id=CHANNEL_ID)
    assert credentials.app_uid == "app_env"
    assert jwt.decode(credentials.token(), APP_SECRET, algorithms=["HS256"])["iss"] == "app_env"


def test_a_whole_number_lifetime_is_kept_as_seconds_and_a_bad_one_is_named() -> None:
    credentials = ChannelCredentials(**CREDENTIALS, jwt_lifetime=5)
    assert credentials.jwt_lifetime == 5.0 and isinstance(credentials.jwt_lifetime, float)
    assert ChannelCredentials(**CREDENTIALS, jwt_lifetime=1).jwt_lifetime == 1.0  # short, but positive
    assert ChannelCredentials(**CREDENTIALS, jwt_lifetime=0.5).jwt_lifetime == 0.5
    with pytest.raises(ValueError) as refused:
        ChannelCredentials(**CREDENTIALS, jwt_lifetime=0)
    assert str(refused.value) == "jwt_lifetime must be a positive number of seconds, not 0"
    with pytest.raises(ValueError):
        ChannelCredentials(**CREDENTIALS, jwt_lifetime="5")  # type: ignore[arg-type]


def test_the_repr_shows_the_ids_and_hides_the_secret() -> None:
    credentials = ChannelCredentials(**CREDENTIALS)
    assert repr(credentials) == (
        f"ChannelCredentials(app_uid={APP_UID!r}, channel_id={CHANNEL_ID!r}, app_secret=<redacted>, "
        "jwt_lifetime=10.0)"
    )
    assert repr(ChannelAuth(HostPolicy("https://api2.frontapp.com"))) == "ChannelAuth(jwt=<per request>)"


def test_the_claims_are_exactly_front_s_with_a_new_jti_and_exp_rounded_up() -> None:
    credentials = ChannelCredentials(**CREDENTIALS, jwt_lifetime=5, wall_clock=lambda: 1_800_000_000.2)
    first, second = credentials.claims(), credentials.claims()
    assert set(first) == {"iss", "jti", "sub", "exp"}
    assert (first["iss"], first["sub"], first["exp"]) == (APP_UID, CHANNEL_ID, 1_800_000_006)
    assert re.fullmatch(r"[0-9a-f]{32}", str(first["jti"])) and first["jti"] != second["jti"]


def test_the_token_is_hs256_signed_with_the_app_secret() -> None:
    credentials = ChannelCredentials(**CREDENTIALS, wall_clock=lambda: 1_800_000_000.0)
    token = credentials.token()
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, APP_SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] == 1_800_000_010
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, APP_SECRET + "x", algorithms=["HS256"], options={"verify_exp": False})


def test_the_scrubber_redacts_the_app_secret() -> None:
    scrubbed = ChannelCredentials(**CREDENTIALS).scrubber().text(f"echo: {APP_SECRET}!")
    assert APP_SECRET not in scrubbed and scrubbed.startswith("echo: ")


class Inner(httpx.MockTransport, httpx.AsyncBaseTransport):
    """Answers 202, keeping each request; counts closes."""

    def __init__(self) -> None:
        super().__init__(self.answer)
        self.sent: list[httpx.Request] = []
        self.closed = 0

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(202)

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


async def test_the_signing_transports_sign_then_send_through_and_close_what_they_wrap() -> None:
    policy = HostPolicy("https://api2.frontapp.com")
    credentials = ChannelCredentials(**CREDENTIALS)
    request = httpx.Request("POST", "https://api2.frontapp.com/channels/cha_1/inbound_messages")
    sync_inner, async_inner = Inner(), Inner()
    sync_transport = ChannelSigningTransport(sync_inner, credentials, policy)
    async_transport = AsyncChannelSigningTransport(async_inner, credentials, policy)
    assert sync_transport.handle_request(request).status_code == 202
    assert (await async_transport.handle_async_request(request)).status_code == 202
    for inner in (sync_inner, async_inner):
        scheme, token = inner.sent[0].headers["Authorization"].split()
        assert scheme == "Bearer" and jwt.decode(token, APP_SECRET, algorithms=["HS256"])["sub"] == CHANNEL_ID
    sync_transport.close()
    await async_transport.aclose()
    assert (sync_inner.closed, async_inner.closed) == (1, 1)


def test_channel_auth_drops_a_caller_s_authorization_and_checks_the_host() -> None:
    auth = ChannelAuth(HostPolicy("https://api2.frontapp.com"))
    request = httpx.Request("GET", "https://api2.frontapp.com/x", headers={"Authorization": "Bearer core"})
    flow = auth.sync_auth_flow(request)
    assert "authorization" not in next(flow).headers
