"""The story a new user lives first, end to end through the default stack (auth, limiter, retries, errors):
list conversations across pages, reply with an attachment, and meet a private conversation."""

from __future__ import annotations

import io

import pytest
from front_client import PrivateResourceError
from front_core_api.api.conversations import get_conversation_by_id, list_conversations
from front_core_api.api.messages import create_message_reply
from front_core_api.models import ConversationResponse, OutboundReplyMessage
from front_core_api.types import File

from tests.payloads import conversation

from .conftest import TOKEN, Driver, Recorded, Reply, error_body

PRIVATE = 'This agent is not allowed to read the "conversation" with ID: "cnv_private"'


def two_pages(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        second = request.query.get("page_token") == ["p2"]
        ids = ["cnv_3"] if second else ["cnv_1", "cnv_2"]
        following = None if second else f"{api.front.url}/conversations?page_token=p2"
        results = [conversation(api.front.url, id=cid) for cid in ids]
        return Reply(json={"_pagination": {"next": following}, "_links": {}, "_results": results})

    api.front.on("GET", "/conversations", route)


async def test_list_reply_with_an_attachment_and_meet_a_private_conversation(api: Driver) -> None:
    two_pages(api)
    api.front.on("POST", "/conversations/cnv_1/messages", Reply(202, json={"status": "accepted"}))
    api.front.on("GET", "/conversations/cnv_private", Reply(403, json=error_body(403, "Forbidden", PRIVATE)))
    client = api.client(limiter=None)  # the default in-process limiter, as a user gets it

    conversations = await api.collect(client, [], list_conversations, limit=100)
    assert [c.id for c in conversations] == ["cnv_1", "cnv_2", "cnv_3"]
    assert all(isinstance(c, ConversationResponse) for c in conversations)

    invoice = File(payload=io.BytesIO(b"%PDF-1.4"), file_name="invoice.pdf", mime_type="application/pdf")
    reply = OutboundReplyMessage(body="Here it is", attachments=[invoice])
    await api.call(client, create_message_reply, conversations[0].id, body=reply)

    with pytest.raises(PrivateResourceError) as refused:
        await api.call(client, get_conversation_by_id, "cnv_private")
    assert "Allow access to my individual resources via the API" in str(refused.value)
    assert "OAuth" in str(refused.value)

    sent = api.front.requests
    assert [(r.method, r.path) for r in sent] == [
        ("GET", "/conversations"),
        ("GET", "/conversations"),
        ("POST", "/conversations/cnv_1/messages"),
        ("GET", "/conversations/cnv_private"),
    ]
    assert sent[2].form() == [("body", None, b"Here it is"), ("attachments[]", "invoice.pdf", b"%PDF-1.4")]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in sent)
    assert api.sleeps == []  # four requests are far below any budget: the limiter never made anyone wait
