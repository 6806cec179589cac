"""Channel API credentials given odd values, and a server redirecting a write to another channel.

A JWT lives a few seconds (at most 300); an app secret may be given as its UTF-8 bytes; a JWT is only ever
sent to a path naming its own channel (its ``sub``), so a ``301`` to another channel is refused unsent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from front_client import AsyncFrontChannelClient, FrontChannelClient, FrontClientError
from front_client.channel_auth import ChannelCredentials, ForeignChannelError, MissingAppCredentialsError
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator

from tests.channel.conftest import APP_SECRET, APP_UID, CHANNEL_ID
from tests.channel.jwt_check import INBOUND, JWTCheckingRoute

CREDENTIALS: dict[str, Any] = {"channel_id": CHANNEL_ID, "app_uid": APP_UID, "app_secret": APP_SECRET}
OTHER_CHANNEL = "cha_other_2"


@pytest.fixture(autouse=True)
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONT_APP_SECRET", raising=False)
    monkeypatch.delenv("FRONT_APP_UID", raising=False)


@pytest.mark.parametrize("lifetime", [1e300, 301, 300.5, 86_400])
def test_a_jwt_lifetime_beyond_five_minutes_is_refused_with_the_bound(lifetime: float) -> None:
    with pytest.raises(ValueError) as refused:
        ChannelCredentials(**CREDENTIALS, jwt_lifetime=lifetime)
    assert str(refused.value) == (
        "jwt_lifetime must be at most 300 seconds (Front's Channel JWTs are short-lived: its samples sign "
        f"for 5 to 10 s), not {lifetime!r}"
    )
    with pytest.raises(ValueError, match="at most 300 seconds"):
        FrontChannelClient(**CREDENTIALS, jwt_lifetime=lifetime)


def test_a_lifetime_of_exactly_five_minutes_is_accepted_and_dates_the_jwt() -> None:
    credentials = ChannelCredentials(**CREDENTIALS, jwt_lifetime=300, wall_clock=lambda: 1_800_000_000.0)
    assert credentials.claims()["exp"] == 1_800_000_300


def test_an_app_secret_given_as_utf8_bytes_signs_like_the_text() -> None:
    credentials = ChannelCredentials(**{**CREDENTIALS, "app_secret": APP_SECRET.encode()})
    claims = jwt.decode(credentials.token(), APP_SECRET, algorithms=["HS256"])
    assert claims["sub"] == CHANNEL_ID
    assert "<redacted>" in credentials.scrubber().text(APP_SECRET)  # scrubbed as the text it is
    with FrontChannelClient(**{**CREDENTIALS, "app_secret": APP_SECRET.encode()}) as client:
        assert client.channel_id == CHANNEL_ID


def test_an_app_secret_of_bytes_that_are_not_utf8_is_refused_precisely() -> None:
    with pytest.raises(ValueError) as refused:
        ChannelCredentials(**{**CREDENTIALS, "app_secret": b"\xff\xfe-not-text-0123456789abcdef"})
    assert str(refused.value) == (
        "app_secret is bytes that are not UTF-8: Front's app secrets are text (copy it from the app's "
        "settings, and pass it as str or as its UTF-8 bytes)"
    )
    assert "\\xff" not in str(refused.value)  # the secret's bytes are not repeated


def test_blank_bytes_are_no_app_secret() -> None:
    with pytest.raises(MissingAppCredentialsError, match="No app secret"):
        ChannelCredentials(**{**CREDENTIALS, "app_secret": b"  "})


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(stateful=False) as em:
        yield em


def moved_to(location: str, status: int = 301) -> Any:
    """Answers this client's channel with a redirect to ``location``; any other channel with a 202."""

    def answer(request: EmulatorRequest) -> EmulatorResponse:
        if request.path_params.get("channel_id") == CHANNEL_ID:
            return EmulatorResponse(status, {"_error": {"status": status}}, {"Location": location})
        return EmulatorResponse(202, {"status": "accepted", "message_uid": "msg_moved"})

    return answer


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_a_301_to_another_channel_is_refused_and_nothing_is_sent_there(
    emulator: FrontEmulator, asynchronous: bool
) -> None:
    emulator.route("POST", INBOUND, moved_to(INBOUND.format(channel_id=OTHER_CHANNEL)))
    options = {**CREDENTIALS, "base_url": emulator.base_url}
    path, body = INBOUND.format(channel_id=CHANNEL_ID), {"body": "hi"}
    with pytest.raises(ForeignChannelError) as refused:
        if asynchronous:
            async with AsyncFrontChannelClient(**options) as client:
                await client.request("POST", path, json=body)
        else:
            with FrontChannelClient(**options) as client:
                client.request("POST", path, json=body)
    assert isinstance(refused.value, FrontClientError)
    assert refused.value.channel_id == OTHER_CHANNEL
    assert str(refused.value) == (
        f"refusing to follow a redirect to {emulator.base_url}{INBOUND.format(channel_id=OTHER_CHANNEL)}: it "
        f"names channel {OTHER_CHANNEL!r}, the request named {CHANNEL_ID!r}, and this client's JWTs are "
        "signed for the request's channel only. Use a client made for that channel."
    )
    assert emulator.received[("POST", INBOUND.format(channel_id=OTHER_CHANNEL))] == 0
    assert emulator.received[("POST", path)] == 1


def test_a_308_to_a_percent_encoded_other_channel_is_refused_too(emulator: FrontEmulator) -> None:
    emulator.route("POST", INBOUND, moved_to("/channels/cha%5Fother_2/inbound_messages", status=308))
    client = FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url)
    with client, pytest.raises(ForeignChannelError) as refused:
        client.request("POST", INBOUND.format(channel_id=CHANNEL_ID), json={"body": "hi"})
    assert refused.value.channel_id == "cha_other_2"
    assert emulator.total_received == 1


def test_a_301_within_the_same_channel_is_still_followed_with_a_valid_jwt(emulator: FrontEmulator) -> None:
    checked = JWTCheckingRoute(APP_SECRET)
    emulator.route("POST", INBOUND, checked)
    calls = "/channels/{channel_id}/calls"
    emulator.route("POST", calls, moved_to(INBOUND.format(channel_id=CHANNEL_ID)))
    with FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url) as client:
        answer = client.request("POST", calls.format(channel_id=CHANNEL_ID), json={"body": "hi"})
    assert answer.status_code == 202
    assert [claims["sub"] for claims in checked.claims] == [CHANNEL_ID] and checked.refused == []
