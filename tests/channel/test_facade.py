"""The Channel API's generated namespaces on FrontChannelClient / AsyncFrontChannelClient: the same request,
JWT and parsed answer as the generated function, sync and async."""

from __future__ import annotations

import pytest
from front_channel_api.models import SyncInboundMessageResponse202
from front_channel_api.resources import FACADE_METHODS
from front_client import AsyncFrontChannelClient
from front_client.testing import FrontEmulator

from .jwt_check import JWTCheckingRoute
from .test_client import MESSAGE, close, make_client


def test_every_channel_operation_has_a_facade_method() -> None:
    assert len(FACADE_METHODS) == 11 and len(set(FACADE_METHODS.values())) == 11
    assert FACADE_METHODS["sync-inbound-message"] == "messages.sync_inbound"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_an_inbound_message_through_the_namespace_is_signed_and_parsed(
    asynchronous: bool, emulator: FrontEmulator, route: JWTCheckingRoute
) -> None:
    client = make_client(asynchronous, base_url=emulator.base_url)
    try:
        if isinstance(client, AsyncFrontChannelClient):
            answer = await client.messages.sync_inbound(client.channel_id, body=MESSAGE)
        else:
            answer = client.messages.sync_inbound(client.channel_id, body=MESSAGE)
    finally:
        await close(client)
    assert isinstance(answer, SyncInboundMessageResponse202) and answer.status == "accepted"
    assert route.refused == [] and len(route.claims) == 1
    (request,) = emulator.requests
    assert (request.method, request.path) == ("POST", f"/channels/{client.channel_id}/inbound_messages")
