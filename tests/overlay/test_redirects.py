"""A write to a merged conversation's old ID: 301 → the same method and body, at Location, once."""

from __future__ import annotations

import pytest
from front_client import ForeignHostError, UnexpectedRedirectError
from front_core_api.api.conversations import get_conversation_by_id, update_conversation
from front_core_api.api.messages import create_message_reply
from front_core_api.models.outbound_reply_message import OutboundReplyMessage as OutboundReply
from front_core_api.models.update_conversation import UpdateConversation

from .conftest import TOKEN, Driver, Reply

OLD, NEW = "/conversations/cnv_old/messages", "/conversations/cnv_new/messages"


def moved(location: str) -> Reply:
    return Reply(301, headers={"Location": location})


async def test_301_on_a_post_reissues_method_and_body(api: Driver) -> None:
    api.front.on("POST", OLD, moved(NEW))
    api.front.on("POST", NEW, Reply(202, json={"status": "accepted", "message_uid": "m1"}))
    body = OutboundReply(body="Thanks!", to=["a@example.com"])
    result = await api.call(api.client(), create_message_reply, "cnv_old", body=body)
    assert result.message_uid == "m1"
    first, second = api.front.requests
    assert (first.method, first.path, second.method, second.path) == ("POST", OLD, "POST", NEW)
    assert second.body == first.body and second.json()["body"] == "Thanks!"
    assert second.headers["content-type"] == "application/json"
    assert second.headers["authorization"] == f"Bearer {TOKEN}"


async def test_301_on_a_patch_stays_a_patch(api: Driver) -> None:
    api.front.on("PATCH", "/conversations/cnv_old", moved(f"{api.front.url}/conversations/cnv_new"))
    api.front.on("PATCH", "/conversations/cnv_new", Reply(204))
    response = await api.call_detailed(
        api.client(), update_conversation, "cnv_old", body=UpdateConversation(status="archived")
    )
    assert response.status_code == 204
    assert [(r.method, r.path) for r in api.front.requests] == [
        ("PATCH", "/conversations/cnv_old"),
        ("PATCH", "/conversations/cnv_new"),
    ]
    assert api.front.requests[1].json() == {"status": "archived"}


async def test_a_get_is_reissued_too(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_old", moved("/conversations/cnv_new"))
    api.front.on("GET", "/conversations/cnv_new", Reply(json={"id": "cnv_new"}))
    result = await api.call(api.client(), get_conversation_by_id, "cnv_old")
    assert result.id == "cnv_new"


async def test_only_once(api: Driver) -> None:
    api.front.on("POST", OLD, moved(NEW))
    api.front.on("POST", NEW, moved("/conversations/cnv_newer/messages"))
    with pytest.raises(UnexpectedRedirectError, match="cnv_newer"):
        await api.call(api.client(), create_message_reply, "cnv_old", body=OutboundReply(body="x"))
    assert [r.path for r in api.front.requests] == [OLD, NEW]


async def test_a_redirect_to_a_foreign_host_is_refused(api: Driver) -> None:
    api.front.on("POST", OLD, moved("https://evil.example.com/conversations/cnv_new/messages"))
    client = api.client(reroute=True)
    with pytest.raises(ForeignHostError, match=r"evil\.example\.com"):
        await api.call(client, create_message_reply, "cnv_old", body=OutboundReply(body="x"))
    assert [r.path for r in api.front.requests] == [OLD]
    assert "evil.example.com" not in api.hosts
