"""FrontChannelClient / AsyncFrontChannelClient against a loopback Front emulator that checks every JWT."""

from __future__ import annotations

import io
import logging
import math
import re
import time
from typing import Any

import httpx
import jwt
import pytest
from front_channel_api.api.messages import sync_inbound_message
from front_channel_api.models import InboundMessage, SyncInboundMessageResponse202
from front_channel_api.types import File
from front_client import (
    AsyncFrontChannelClient,
    AuthenticationError,
    FrontChannelClient,
    FrontClient,
    FrontClientError,
    InProcessLimiter,
    MissingTokenError,
    PermissionDeniedError,
    ServerError,
)
from front_client.channel_auth import MissingAppCredentialsError
from front_client.errors import ForeignHostError, MalformedResponseError
from front_client.limiter.unlimited import Unlimited
from front_client.testing import EmulatorResponse, FrontEmulator, sequence

from tests.contract.fakes import FakeClock
from tests.support.clocked import clocked

from .conftest import APP_SECRET, APP_UID, CHANNEL_ID
from .jwt_check import INBOUND, JWTCheckingRoute, decode_and_verify

MESSAGE = InboundMessage.from_dict(
    {"sender": {"handle": "+33612345678"}, "body": "Hello", "metadata": {"external_id": "m1",
     "external_conversation_id": "c1"}}
)  # fmt: skip
CREDENTIALS: dict[str, Any] = {"channel_id": CHANNEL_ID, "app_uid": APP_UID, "app_secret": APP_SECRET}


async def send(client: FrontChannelClient | AsyncFrontChannelClient) -> Any:
    if isinstance(client, AsyncFrontChannelClient):
        return await sync_inbound_message.asyncio(client.channel_id, client=client, body=MESSAGE)
    return sync_inbound_message.sync(client.channel_id, client=client, body=MESSAGE)


def make_client(asynchronous: bool, **options: Any) -> FrontChannelClient | AsyncFrontChannelClient:
    options = clocked(**CREDENTIALS, **options)
    return AsyncFrontChannelClient(**options) if asynchronous else FrontChannelClient(**options)


def recording_transport(sent: list[httpx.Request], status: int = 202) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, json={"status": "accepted", "message_uid": "m"})

    return httpx.MockTransport(answer)


async def close(client: FrontChannelClient | AsyncFrontChannelClient) -> None:
    if isinstance(client, AsyncFrontChannelClient):
        await client.aclose()
    else:
        client.close()


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_the_jwt_that_reached_the_server_carries_every_claim_and_a_valid_signature(
    asynchronous: bool, emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    client = make_client(asynchronous, base_url=emulator.base_url, jwt_lifetime=7)
    before = time.time()
    try:
        answer = await send(client)
    finally:
        await close(client)
    after = time.time()

    assert isinstance(answer, SyncInboundMessageResponse202) and answer.status == "accepted"
    assert route.refused == [] and len(route.claims) == 1
    claims = route.claims[0]
    assert set(claims) == {"iss", "jti", "sub", "exp"}
    assert claims["iss"] == APP_UID and claims["sub"] == CHANNEL_ID
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])
    assert before + 7 <= claims["exp"] <= math.ceil(after + 7)
    # The same token through PyJWT: the signature holds with the app secret, and with no other.
    (token,) = {r.headers["authorization"].removeprefix("Bearer ") for r in emulator.requests}
    assert jwt.decode(token, APP_SECRET, algorithms=["HS256"]) == claims
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, APP_SECRET + "x", algorithms=["HS256"])


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_every_request_and_every_retry_gets_a_new_jwt_dated_when_it_is_sent(
    asynchronous: bool, emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    # A 429 with Retry-After: 30 first: the re-sent request must not carry the first JWT (long expired,
    # and its jti already used); its exp is counted from after the wait.
    limited = EmulatorResponse(429, {"_error": {"status": 429}}, {"Retry-After": "30"})
    answers = iter([limited])
    emulator.route("POST", INBOUND, lambda request: next(answers, None) or route(request))
    clock = FakeClock()
    started = time.time()

    def wall_clock() -> float:  # real time, moved on by what the client slept
        return started + (clock.now - 1_000_000.0)

    sleep = clock.async_sleep if asynchronous else clock.sleep
    client = make_client(
        asynchronous, base_url=emulator.base_url, clock=clock, sleep=sleep, wall_clock=wall_clock
    )
    try:
        await send(client)
        await send(client)
    finally:
        await close(client)

    tokens = [r.headers["authorization"] for r in emulator.requests]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert clock.slept.count(30.0) == 1
    first = decode_and_verify(tokens[0], APP_SECRET, now=started)
    assert len(route.claims) == 2 and len({c["jti"] for c in [first, *route.claims]}) == 3
    assert route.claims[0]["exp"] >= first["exp"] + 30


def test_the_secret_and_the_jwt_appear_in_no_repr_log_or_exception(
    emulator: FrontEmulator, route: JWTCheckingRoute, caplog: pytest.LogCaptureFixture
) -> None:
    unauthorized = EmulatorResponse(401, {"_error": {"status": 401, "title": "Unauthorized"}})
    emulator.route("POST", "/channels/{channel_id}/outbound_messages", lambda _r: unauthorized)
    caplog.set_level(logging.DEBUG)
    with FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url) as client:
        send_result = sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
        with pytest.raises(AuthenticationError) as refused:
            client.request("POST", f"/channels/{CHANNEL_ID}/outbound_messages", json={})
        shown = [
            repr(client),
            str(client.__dict__),
            repr(client._credentials),
            repr(client.get_httpx_client().auth),
        ]
    assert send_result is not None
    tokens = [r.headers["authorization"].removeprefix("Bearer ") for r in emulator.requests]
    assert len(tokens) == 2
    text = "\n".join([*shown, str(refused.value), repr(refused.value), caplog.text])
    for secret in [APP_SECRET, *tokens]:
        assert secret not in text
    assert "front_client" in caplog.text  # the requests were logged, without them


def test_a_header_of_the_caller_never_replaces_the_jwt(
    emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    with FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url,
                            headers={"Authorization": "Bearer core-token"}) as client:  # fmt: skip
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
        client.request("POST", INBOUND.format(channel_id=CHANNEL_ID), json=MESSAGE.to_dict(),
                       headers={"Authorization": "Bearer another"})  # fmt: skip
    assert route.refused == [] and len(route.claims) == 2


def test_another_host_gets_neither_a_jwt_nor_the_request() -> None:
    sent: list[httpx.Request] = []
    transport = recording_transport(sent)
    with FrontChannelClient(**CREDENTIALS, transport=transport) as client:
        with pytest.raises(ForeignHostError) as refused:
            client.request("POST", "https://collector.example/channels/cha_1/inbound_messages", json={})
        client.request("POST", "https://acme.api.frontapp.com/channels/cha_1/inbound_messages", json={})
    assert "collector.example" in str(refused.value)
    assert [str(r.url.host) for r in sent] == ["acme.api.frontapp.com"]
    assert decode_and_verify(sent[0].headers["authorization"], APP_SECRET)["sub"] == CHANNEL_ID


def test_a_write_answered_503_is_not_sent_again(emulator: FrontEmulator, route: JWTCheckingRoute) -> None:
    emulator.route(
        "POST", INBOUND, sequence(EmulatorResponse(503, {"_error": {"status": 503}}), repeat_last=True)
    )
    client = FrontChannelClient(**clocked(**CREDENTIALS, base_url=emulator.base_url, sleep=lambda _s: None))
    with client, pytest.raises(ServerError):
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    assert emulator.received[("POST", f"/channels/{CHANNEL_ID}/inbound_messages")] == 1


def test_the_app_secret_and_uid_default_to_environment_variables(
    monkeypatch: pytest.MonkeyPatch, emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    monkeypatch.setenv("FRONT_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("FRONT_APP_UID", "app_from_env")
    with FrontChannelClient(channel_id=CHANNEL_ID, base_url=emulator.base_url) as client:
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    assert route.refused == [] and route.claims[0]["iss"] == "app_from_env"


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"channel_id": CHANNEL_ID, "app_uid": APP_UID}, "FRONT_APP_SECRET"),
        ({"channel_id": CHANNEL_ID, "app_secret": APP_SECRET}, "FRONT_APP_UID"),
        ({"channel_id": "  ", "app_uid": APP_UID, "app_secret": APP_SECRET}, "channel_id="),
    ],
    ids=["no-secret", "no-uid", "blank-channel"],
)
def test_missing_credentials_are_refused_at_construction(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, Any], named: str
) -> None:
    monkeypatch.delenv("FRONT_APP_SECRET", raising=False)
    monkeypatch.delenv("FRONT_APP_UID", raising=False)
    with pytest.raises(MissingAppCredentialsError, match=named) as refused:
        FrontChannelClient(**options)
    assert isinstance(refused.value, MissingTokenError) and isinstance(refused.value, FrontClientError)


@pytest.mark.parametrize("lifetime", [0, -5, float("nan"), float("inf")])
def test_a_jwt_lifetime_must_be_a_positive_number(lifetime: float) -> None:
    with pytest.raises(ValueError, match="jwt_lifetime"):
        FrontChannelClient(**CREDENTIALS, jwt_lifetime=lifetime)


def test_the_default_jwt_lifetime_is_ten_seconds() -> None:
    sent: list[httpx.Request] = []
    transport = recording_transport(sent)
    with FrontChannelClient(
        **clocked(**CREDENTIALS, transport=transport, wall_clock=lambda: 1_800_000_000.5)
    ) as client:
        assert client.jwt_lifetime == 10.0
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    claims = jwt.decode(sent[0].headers["authorization"].split()[1], APP_SECRET, algorithms=["HS256"],
                        options={"verify_exp": False})  # fmt: skip
    assert claims["exp"] == 1_800_000_011


def test_a_legacy_numeric_channel_type_id_is_sent_as_a_string() -> None:
    sent: list[httpx.Request] = []
    transport = recording_transport(sent)
    options = {**CREDENTIALS, "app_uid": 4242}
    with FrontChannelClient(**options, transport=transport) as client:
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    assert decode_and_verify(sent[0].headers["authorization"], APP_SECRET)["iss"] == "4242"


def test_one_limiter_passed_to_both_clients_paces_both(
    emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    emulator.json_route("GET", "/me", {"name": "Acme"})
    shared = InProcessLimiter()
    with (
        FrontClient("core-token", base_url=emulator.base_url, limiter=shared) as core,
        FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url, limiter=shared) as channel,
    ):
        assert core.limiter is channel.limiter is shared
        core.request("GET", "/me")
        sync_inbound_message.sync(CHANNEL_ID, client=channel, body=MESSAGE)
        core.request("GET", "/me")
    assert shared.stats().sent == 3


def test_by_default_each_channel_client_has_its_own_limiter() -> None:
    with FrontChannelClient(**CREDENTIALS) as first, FrontChannelClient(**CREDENTIALS) as second:
        assert isinstance(first.limiter, InProcessLimiter) and first.limiter is not second.limiter
    with FrontChannelClient(**CREDENTIALS, limiter=False) as unlimited:
        assert isinstance(unlimited.limiter, Unlimited)  # never waits; still counts
        assert unlimited.limiter.stats().sent == 0


def test_an_inbound_message_with_attachments_is_sent_as_front_s_multipart_form() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(202, json={"status": "accepted", "message_uid": "m"})

    message = InboundMessage.from_dict(MESSAGE.to_dict())
    message.attachments = [
        File(payload=io.BytesIO(b"%PDF-1.4"), file_name="invoice.pdf", mime_type="application/pdf")
    ]
    with FrontChannelClient(**CREDENTIALS, transport=httpx.MockTransport(answer)) as client:
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=message)
    (request,) = sent
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    content = request.content
    for field in (
        b'name="sender[handle]"',
        b'name="metadata[external_id]"',
        b'name="attachments[]"; filename="invoice.pdf"',
    ):
        assert field in content
    assert b"%PDF-1.4" in content
    assert decode_and_verify(request.headers["authorization"], APP_SECRET)["sub"] == CHANNEL_ID


def test_a_refusal_is_the_core_client_s_error_naming_the_scope(emulator: FrontEmulator) -> None:
    forbidden = EmulatorResponse(403, {"_error": {"status": 403, "title": "Forbidden", "message": "Nope"}})
    emulator.route("POST", INBOUND, lambda _request: forbidden)
    client = FrontChannelClient(**CREDENTIALS, base_url=emulator.base_url)
    with client, pytest.raises(PermissionDeniedError) as refused:
        sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    assert refused.value.status == 403 and "messages:write" in str(refused.value)
    assert f"/channels/{CHANNEL_ID}/inbound_messages" in str(refused.value)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_the_body_cap_of_the_core_client_applies(
    asynchronous: bool, emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    client = make_client(asynchronous, base_url=emulator.base_url, max_body_size=8)
    try:
        with pytest.raises(MalformedResponseError):
            await send(client)
    finally:
        await close(client)
    assert len(route.claims) == 1  # sent once, signed, and its answer refused past 8 bytes
