"""A user's test suite: an integration tested the way our users will test theirs.

Only the public surface is used: ``front_api_client``, the generated operations, and ``front_client.testing``
(the plugin's fixtures ``front_emulator``, ``front_api_client``, ``front_async_client``; the emulator's seed,
error-injection and request-log API). Front's limits run ten times faster (``conftest.py``).
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from front_client import (
    AsyncFrontClient,
    FrontClient,
    InProcessLimiter,
    PrivateResourceError,
    RateLimitError,
    ServerError,
)
from front_client.testing import FrontEmulator
from front_core_api.api.conversations import (
    get_conversation_by_id,
    list_conversation_messages,
    list_conversations,
    update_conversation,
)
from front_core_api.api.messages import create_message_reply
from front_core_api.api.teammates import get_teammate
from front_core_api.models import ConversationResponse, OutboundReplyMessage, UpdateConversation
from front_core_api.types import File


def archive_stale(client: FrontClient, keep: int) -> list[str]:
    """The user's job: archive every open conversation but the ``keep`` newest."""
    open_ids = [c.id for c in client.paginate(list_conversations, limit=50) if c.status != "archived"]
    for conversation_id in open_ids[keep:]:
        update_conversation.sync_detailed(
            conversation_id, client=client, body=UpdateConversation(status="archived")
        )
    return open_ids[keep:]


async def archive_stale_async(client: AsyncFrontClient, keep: int) -> list[str]:
    open_ids = [c.id async for c in client.paginate(list_conversations, limit=50) if c.status != "archived"]
    await asyncio.gather(
        *(
            update_conversation.asyncio_detailed(
                cid, client=client, body=UpdateConversation(status="archived")
            )
            for cid in open_ids[keep:]
        )
    )
    return open_ids[keep:]


def test_sync_job(front_emulator: FrontEmulator, front_api_client: FrontClient) -> None:
    front_emulator.add_conversations(130, status="open")
    archived = archive_stale(front_api_client, keep=100)
    assert len(archived) == 30
    assert len(front_emulator.conversation_ids(status="archived")) == 30
    assert len(front_emulator.conversation_ids(status="open")) == 100
    assert len(front_emulator.requests_to("GET /conversations")) == 3  # 50 + 50 + 30
    assert len(front_emulator.requests_to("PATCH /conversations/{id}")) == 30
    assert front_emulator.responses_429 == 0


async def test_async_job(front_emulator: FrontEmulator, front_async_client: AsyncFrontClient) -> None:
    front_emulator.add_conversations(120, status="open")
    archived = await archive_stale_async(front_async_client, keep=100)
    assert sorted(archived) == sorted(front_emulator.conversation_ids(status="archived"))
    assert len(archived) == 20
    assert front_emulator.responses_429 == 0  # 20 concurrent tier-2 writes, paced by the limiter


def test_pagination_follows_real_next_links_over_pages(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    seeded = front_emulator.add_conversations(210, status="open")
    pages = list(front_api_client.paginate(list_conversations, limit=50).pages())
    assert [len(page.items) for page in pages] == [50, 50, 50, 50, 10]
    assert all(
        str(page.next_url).startswith(front_emulator.base_url + "/conversations?") for page in pages[:-1]
    )
    assert pages[-1].next_url is None
    items = [item for page in pages for item in page.items]
    assert all(isinstance(item, ConversationResponse) and not item.missing_fields for item in items)
    assert [item.id for item in items] == list(reversed(seeded))  # newest first, none twice, none lost


def test_tier2_burst_gets_no_429(front_emulator: FrontEmulator, front_api_client: FrontClient) -> None:
    ids = front_emulator.add_conversations(24, status="open")
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda cid: update_conversation.sync_detailed(
                    cid, client=front_api_client, body=UpdateConversation(status="archived")
                ),
                ids,
            )
        )
    assert front_emulator.responses_429 == 0
    assert sum(front_emulator.tier_window_counts("2")) == 24
    assert max(front_emulator.tier_window_counts("2")) <= 3
    assert (
        isinstance(front_api_client.limiter, InProcessLimiter) and front_api_client.limiter.stats().waited > 0
    )


def test_the_emulator_enforces_tier2_on_a_client_without_limiter(front_emulator: FrontEmulator) -> None:
    ids = front_emulator.add_conversations(4, status="open")
    with front_emulator.client(limiter=False, max_retries=0) as client:
        for cid in ids[:3]:
            update_conversation.sync_detailed(cid, client=client, body=UpdateConversation(status="archived"))
        with pytest.raises(RateLimitError) as caught:
            update_conversation.sync_detailed(
                ids[3], client=client, body=UpdateConversation(status="archived")
            )
    assert caught.value.tier == "2"
    assert front_emulator.tier_429["2"] == 1
    response_headers = front_emulator.requests_to("PATCH /conversations/{id}")[-1]
    assert response_headers.status == 429


def test_private_conversation_and_private_teammate(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    private = front_emulator.add_private_conversation()
    (teammate,) = front_emulator.add_teammates("ana", private=True)
    with pytest.raises(PrivateResourceError) as conversation_error:
        get_conversation_by_id.sync(private, client=front_api_client)
    with pytest.raises(PrivateResourceError) as teammate_error:
        get_teammate.sync(teammate, client=front_api_client)
    assert "My preferences" in str(conversation_error.value)
    assert teammate_error.value.status == 403
    assert private not in [c.id for c in front_api_client.paginate(list_conversations)]


def test_injected_503_on_a_read_is_retried(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    (cid,) = front_emulator.add_conversations(1, status="open")
    front_emulator.fail_next("GET /conversations/{id}", status=503)
    conversation = get_conversation_by_id.sync(cid, client=front_api_client)
    assert conversation is not None and conversation.id == cid
    assert [r.status for r in front_emulator.requests_to("GET /conversations/{id}")] == [503, 200]


def test_injected_503_on_a_write_is_raised_and_not_resent(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    (cid,) = front_emulator.add_conversations(1, status="open")
    front_emulator.fail_next("PATCH /conversations/{id}", status=503)
    with pytest.raises(ServerError):
        update_conversation.sync_detailed(
            cid, client=front_api_client, body=UpdateConversation(status="archived")
        )
    assert [r.status for r in front_emulator.requests_to("PATCH /conversations/{id}")] == [503]
    assert front_emulator.conversation(cid)["status"] == "unassigned"
    # the failure was used up: the next one goes through
    update_conversation.sync_detailed(
        cid, client=front_api_client, body=UpdateConversation(status="archived")
    )
    assert front_emulator.conversation(cid)["status"] == "archived"


def test_write_to_a_merged_conversation_follows_the_301(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    old, new = front_emulator.add_conversations(2, status="open")
    front_emulator.merge_conversations(old, into=new)
    update_conversation.sync_detailed(
        old, client=front_api_client, body=UpdateConversation(status="archived")
    )
    assert front_emulator.conversation(new)["status"] == "archived"
    assert [(r.path, r.status) for r in front_emulator.requests_to("PATCH /conversations/{id}")] == [
        (f"/conversations/{old}", 301),
        (f"/conversations/{new}", 204),
    ]


def test_reply_with_an_attachment_is_sent_as_multipart(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    (cid,) = front_emulator.add_conversations(1, status="open")
    pdf = File(payload=io.BytesIO(b"%PDF-1.4 test"), file_name="invoice.pdf", mime_type="application/pdf")
    accepted = create_message_reply.sync(
        cid, client=front_api_client, body=OutboundReplyMessage(body="Invoice attached", attachments=[pdf])
    )
    assert accepted is not None and accepted.message_uid
    (sent,) = front_emulator.requests_to("POST /conversations/{id}/messages")
    fields, files = sent.form()
    assert sent.headers["content-type"].startswith("multipart/form-data")
    assert fields == {"body": "Invoice attached"}
    assert files == [("attachments[]", "invoice.pdf", b"%PDF-1.4 test")]
    messages = list_conversation_messages.sync(cid, client=front_api_client)
    assert messages is not None and isinstance(messages.field_results, list)
    (message,) = messages.field_results
    assert isinstance(message.attachments, list)
    assert [a.filename for a in message.attachments] == ["invoice.pdf"]
    assert front_api_client.request("GET", str(message.attachments[0].url)).content == b"%PDF-1.4 test"
