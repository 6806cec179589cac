"""The Channel API on the emulator, called by the real ``FrontChannelClient``: JWTs checked as Front checks
them (PyJWT, HS256, ``iss`` / ``sub`` / ``exp``), and messages that land where the Core API reads them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from front_channel_api.api.messages import sync_inbound_message, sync_outbound_message
from front_channel_api.models import InboundMessage, OutboundMessage
from front_client import AuthenticationError, FrontChannelClient
from front_client.testing import FrontEmulator

APP_UID = "app_emulated"
SECRET = "channel-app-secret-for-the-emulator-0001"
CHANNEL = "cha_emulated"
INBOUND = InboundMessage.from_dict(
    {"sender": {"handle": "+33612345678", "name": "Ann"}, "subject": "Delivery", "body": "Where is it?",
     "metadata": {"external_id": "ext_m1", "external_conversation_id": "ext_c1"}}
)  # fmt: skip
OUTBOUND = OutboundMessage.from_dict(
    {"to": [{"handle": "+33612345678"}], "body": "Tomorrow",
     "metadata": {"external_id": "ext_m2", "external_conversation_id": "ext_c1"}}
)  # fmt: skip


@pytest.fixture
def front() -> Iterator[FrontEmulator]:
    with FrontEmulator() as emulator:
        yield emulator


def channel_client(front: FrontEmulator, secret: str = SECRET, channel: str = CHANNEL) -> FrontChannelClient:
    return FrontChannelClient(channel_id=channel, app_uid=APP_UID, app_secret=secret, base_url=front.base_url)


def post_inbound(front: FrontEmulator, token: str, channel: str = CHANNEL) -> httpx.Response:
    return httpx.post(
        f"{front.base_url}/channels/{channel}/inbound_messages",
        json=INBOUND.to_dict(),
        headers={"Authorization": f"Bearer {token}"},
    )


def signed(secret: str = SECRET, **claims: Any) -> str:
    payload = {"iss": APP_UID, "sub": CHANNEL, "exp": int(time.time()) + 30, "jti": "j1", **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256")


def test_messages_are_accepted_and_land_in_one_conversation_the_core_api_reads(front: FrontEmulator) -> None:
    front.add_channel_app(APP_UID, SECRET, [CHANNEL])
    with channel_client(front) as client:
        inbound = sync_inbound_message.sync_detailed(CHANNEL, client=client, body=INBOUND)
        outbound = sync_outbound_message.sync_detailed(CHANNEL, client=client, body=OUTBOUND)
    assert (inbound.status_code, outbound.status_code) == (202, 202)
    assert inbound.parsed is not None and inbound.parsed.status == "accepted"
    with front.client() as core:
        (conversation,) = core.request("GET", "/conversations").json()["_results"]
        messages = core.request("GET", f"/conversations/{conversation['id']}/messages").json()["_results"]
    assert conversation["subject"] == "Delivery"
    assert [(m["body"], m["is_inbound"]) for m in messages] == [("Tomorrow", False), ("Where is it?", True)]
    assert inbound.parsed.message_uid == messages[1]["message_uid"]


def test_a_wrong_secret_is_refused_for_a_registered_app(front: FrontEmulator) -> None:
    front.add_channel_app(APP_UID, SECRET)
    wrong_secret = "another-secret-of-32-bytes-or-more-000"
    with channel_client(front, secret=wrong_secret) as client, pytest.raises(AuthenticationError):
        sync_inbound_message.sync(CHANNEL, client=client, body=INBOUND)
    assert front.requests[-1].status == 401 and front.served.total() == 0


def test_an_unknown_app_or_channel_is_refused_once_apps_are_registered(front: FrontEmulator) -> None:
    front.add_channel_app(APP_UID, SECRET, [CHANNEL])
    assert post_inbound(front, signed(iss="app_other")).status_code == 401
    other = post_inbound(front, signed(sub="cha_other"), channel="cha_other")
    assert other.status_code == 401 and "not one of the app's" in other.json()["_error"]["message"]


@pytest.mark.parametrize("registered", [True, False], ids=["registered app", "no app registered"])
def test_expired_garbled_and_unsigned_jwts_are_refused(front: FrontEmulator, registered: bool) -> None:
    if registered:
        front.add_channel_app(APP_UID, SECRET)
    unsigned = jwt.encode(
        {"iss": APP_UID, "sub": CHANNEL, "exp": int(time.time()) + 30}, "", algorithm="none"
    )
    for token, says in [
        (signed(exp=int(time.time()) - 1), "expired"),
        ("eyJnot.a.jwt", "cannot be read"),
        (unsigned, "HS256"),
        (signed(exp=None), "Invalid JWT"),  # no exp at all
        (signed(sub="cha_other"), "subject is not the channel"),
    ]:
        refused = post_inbound(front, token)
        assert refused.status_code == 401, token
        assert refused.json()["_error"]["status"] == 401 and says in refused.json()["_error"]["message"]
    assert front.served.total() == 0


def test_without_a_registered_app_any_secret_signs(front: FrontEmulator) -> None:
    with channel_client(front, secret="whatever-secret-the-user-has-0000000000") as client:
        assert sync_inbound_message.sync_detailed(CHANNEL, client=client, body=INBOUND).status_code == 202


def test_a_message_without_its_metadata_is_a_400(front: FrontEmulator) -> None:
    response = httpx.post(
        f"{front.base_url}/channels/{CHANNEL}/inbound_messages",
        json={"sender": {"handle": "x"}, "body": "Hi"},
        headers={"Authorization": f"Bearer {signed()}"},
    )
    assert response.status_code == 400 and "metadata" in response.json()["_error"]["message"]


def test_the_app_secret_is_not_in_the_emulators_repr(front: FrontEmulator) -> None:
    front.add_channel_app(APP_UID, SECRET)
    assert SECRET not in repr(front.channel._apps)
