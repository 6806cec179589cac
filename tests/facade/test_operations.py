"""The facade's runtime at call time: an Operation built now maps its arguments; a bad page size is refused
before sending; a malformed success is the client's own error, whichever way the call is made."""

from __future__ import annotations

from typing import Any

import pytest
from front_client import AsyncFrontClient, FrontClient, MalformedResponseError
from front_client._resource import Operation
from front_client.testing import EmulatorResponse, FrontEmulator
from front_core_api.models import AddConversationFollowersBody, UpdateConversation

FOLLOWERS = Operation(
    "front_core_api.api.conversations.add_conversation_followers",
    "conversations.add_followers",
    query=("ignore_errors",),
    body_model="add_conversation_followers_body.AddConversationFollowersBody",
    body_required=False,
    files=(),
)


def test_an_operation_sends_query_arguments_apart_from_the_body_and_drops_those_not_given() -> None:
    path = {"conversation_id": "cnv_1"}
    given = {"ignore_errors": True, "teammate_ids": ["tea_1"]}
    arguments = FOLLOWERS.arguments(path, given)
    assert arguments == {
        "conversation_id": "cnv_1",
        "ignore_errors": True,
        "body": AddConversationFollowersBody(teammate_ids=["tea_1"]),
    }
    assert FOLLOWERS.arguments(path, {"ignore_errors": None, "teammate_ids": ["tea_1"]}) == {
        "conversation_id": "cnv_1",
        "body": AddConversationFollowersBody(teammate_ids=["tea_1"]),
    }
    assert FOLLOWERS.arguments(path, {"teammate_ids": []}) == {  # a query argument not given at all
        "conversation_id": "cnv_1",
        "body": AddConversationFollowersBody(teammate_ids=[]),
    }
    assert FOLLOWERS.module.__name__ == "front_core_api.api.conversations.add_conversation_followers"
    assert FOLLOWERS.model is AddConversationFollowersBody
    assert (FOLLOWERS.method, FOLLOWERS.query, FOLLOWERS.files) == ("conversations.add_followers",
                                                                    ("ignore_errors",), ())  # fmt: skip


def test_without_a_body_model_only_the_arguments_given_are_passed() -> None:
    listing = Operation("front_core_api.api.conversations.list_conversations", "conversations.list")
    assert listing.arguments({}, {"q": "status:open", "limit": None}) == {"q": "status:open"}
    assert listing.body_model is None and listing.body_required is False
    assert listing.module.__name__ == "front_core_api.api.conversations.list_conversations"


def test_a_body_is_built_only_when_required_or_given() -> None:
    update = Operation(
        "front_core_api.api.conversations.update_conversation",
        "conversations.update",
        body_model="update_conversation.UpdateConversation",
    )
    assert update.arguments({"conversation_id": "cnv_1"}, {}) == {"conversation_id": "cnv_1"}
    with pytest.raises(TypeError) as misspelt:
        update.arguments({"conversation_id": "cnv_1"}, {"stauts": "archived"})
    assert str(misspelt.value).startswith("conversations.update(): ")
    assert str(misspelt.value).endswith("(the body is UpdateConversation)")
    assert update.arguments({"conversation_id": "c"}, {"status": "archived"})["body"] == UpdateConversation(
        status="archived"
    )


def client_of(flavour: str, emulator: FrontEmulator) -> Any:
    kind = FrontClient if flavour == "sync" else AsyncFrontClient
    return kind("tok_facade_0123", base_url=emulator.base_url)


async def settle(value: Any) -> Any:
    if hasattr(value, "__aiter__"):
        return [item async for item in value]
    if hasattr(value, "__await__"):
        return await value
    return list(value) if hasattr(value, "__iter__") and not isinstance(value, dict) else value


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("limit", [0, 101])
async def test_a_page_size_outside_front_s_is_refused_before_sending(
    flavour: str, limit: int, front_emulator: FrontEmulator
) -> None:
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        await settle(client_of(flavour, front_emulator).conversations.list(limit=limit))
    assert front_emulator.requests == []


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("call", ["get", "list", "raw list"])
async def test_a_malformed_success_is_the_client_s_own_error(
    flavour: str, call: str, front_emulator: FrontEmulator
) -> None:
    garbage = EmulatorResponse(200, b"{not json", headers={"Content-Type": "application/json"})
    front_emulator.route("GET", "/conversations/{id}", lambda _r: garbage)
    front_emulator.route("GET", "/conversations", lambda _r: garbage)
    conversations = client_of(flavour, front_emulator).conversations
    with pytest.raises(MalformedResponseError):
        if call == "get":
            await settle(conversations.get("cnv_1"))
        elif call == "list":
            await settle(conversations.list(max_items=3))
        else:
            await settle(conversations.with_raw_response.list(max_items=3))


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_the_first_raw_page_asks_for_max_items_as_its_page_size(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    page = EmulatorResponse(200, {"_pagination": {"next": None}, "_results": []})
    front_emulator.route("GET", "/conversations", lambda _r: page)
    raw = await settle(client_of(flavour, front_emulator).conversations.with_raw_response.list(max_items=3))
    assert raw.status_code == 200
    assert front_emulator.requests[0].query["limit"] == ["3"]
