"""The stateful resources agree with themselves: create → get → list → update → delete, through the
generated operations and ``FrontClient`` (the plugin's ``front_api_client`` fixture)."""

from __future__ import annotations

import pytest
from front_client import BadRequestError, FrontClient, NotFoundError
from front_client.testing import FrontEmulator
from front_client.testing.forms import unflatten
from front_core_api.api.comments import add_comment, get_comment, list_conversation_comments, update_comment
from front_core_api.api.contacts import (
    create_contact,
    delete_a_contact,
    get_contact,
    list_contacts,
    update_a_contact,
)
from front_core_api.api.conversations import (
    add_conversation_tag,
    create_conversation,
    delete_conversation,
    get_conversation_by_id,
    list_conversations,
    update_conversation,
    update_conversation_assignee,
)
from front_core_api.api.inboxes import create_inbox, list_inbox_conversations, list_inboxes
from front_core_api.api.tags import (
    create_tag,
    delete_tag,
    get_tag,
    list_tagged_conversations,
    list_tags,
    update_a_tag,
)
from front_core_api.api.teammates import (
    get_teammate,
    list_assigned_conversations,
    list_teammates,
    update_teammate,
)
from front_core_api.models import (
    ContactHandle,
    CreateComment,
    CreateContact,
    CreateConversation,
    CreateInbox,
    CreateTag,
    TagIds,
    UpdateComment,
    UpdateConversation,
    UpdateConversationAssignee,
    UpdateTag,
    UpdateTeammate,
)
from front_core_api.models.contact import Contact


def test_tags_lifecycle(front_api_client: FrontClient) -> None:
    created = create_tag.sync(client=front_api_client, body=CreateTag(name="vip"))
    assert created is not None and created.name == "vip"
    fetched = get_tag.sync(created.id, client=front_api_client)
    assert fetched is not None and fetched.id == created.id and not fetched.missing_fields
    update_a_tag.sync_detailed(created.id, client=front_api_client, body=UpdateTag(name="VIP"))
    assert [t.name for t in front_api_client.paginate(list_tags)] == ["VIP"]
    delete_tag.sync_detailed(created.id, client=front_api_client)
    with pytest.raises(NotFoundError):
        get_tag.sync(created.id, client=front_api_client)
    assert list(front_api_client.paginate(list_tags)) == []


def test_conversation_tags_assignee_and_delete(
    front_emulator: FrontEmulator, front_api_client: FrontClient
) -> None:
    (tag_id,) = front_emulator.add_tags("urgent")
    (teammate_id,) = front_emulator.add_teammates("bo")
    first, second = front_emulator.add_conversations(2, status="open", subject="Order {n}")
    add_conversation_tag.sync_detailed(first, client=front_api_client, body=TagIds(tag_ids=[tag_id]))
    update_conversation_assignee.sync_detailed(
        first, client=front_api_client, body=UpdateConversationAssignee(assignee_id=teammate_id)
    )
    conversation = get_conversation_by_id.sync(first, client=front_api_client)
    assert conversation is not None
    assert (conversation.subject, conversation.status) == ("Order 1", "assigned")
    assert [t.id for t in conversation.tags] == [tag_id]
    assert conversation.assignee is not None and conversation.assignee.id == teammate_id
    assert [c.id for c in front_api_client.paginate(list_tagged_conversations, tag_id=tag_id)] == [first]
    assert [
        c.id for c in front_api_client.paginate(list_assigned_conversations, teammate_id=teammate_id)
    ] == [first]
    with pytest.raises(BadRequestError):
        update_conversation.sync_detailed(
            second, client=front_api_client, body=UpdateConversation(tag_ids=["tag_nope"])
        )
    delete_conversation.sync_detailed(second, client=front_api_client)
    with pytest.raises(NotFoundError):
        get_conversation_by_id.sync(second, client=front_api_client)
    assert [c.id for c in front_api_client.paginate(list_conversations)] == [first]


def test_created_conversation_is_listed_in_its_inbox(front_api_client: FrontClient) -> None:
    create_inbox.sync_detailed(client=front_api_client, body=CreateInbox(name="Billing"))
    inbox = next(i for i in front_api_client.paginate(list_inboxes) if i.name == "Billing")
    made = create_conversation.sync(
        client=front_api_client,
        body=CreateConversation(type_="discussion", subject="Refund", inbox_id=inbox.id),
    )
    assert made is not None and made.subject == "Refund"
    assert [c.id for c in front_api_client.paginate(list_inbox_conversations, inbox_id=inbox.id)] == [made.id]


def test_comments(front_emulator: FrontEmulator, front_api_client: FrontClient) -> None:
    (cid,) = front_emulator.add_conversations(1)
    comment = add_comment.sync(cid, client=front_api_client, body=CreateComment(body="Looking into it"))
    assert comment is not None and comment.body == "Looking into it"
    update_comment.sync(comment.id, client=front_api_client, body=UpdateComment(body="Fixed"))
    fetched = get_comment.sync(comment.id, client=front_api_client)
    assert fetched is not None and fetched.body == "Fixed"
    assert [c.id for c in front_api_client.paginate(list_conversation_comments, conversation_id=cid)] == [
        comment.id
    ]


def test_contacts_and_teammates(front_api_client: FrontClient) -> None:
    made = create_contact.sync(
        client=front_api_client,
        body=CreateContact(handles=[ContactHandle(handle="ana@example.com", source="email")], name="Ana"),
    )
    assert made is not None and made.name == "Ana" and isinstance(made.id, str)
    update_a_contact.sync_detailed(made.id, client=front_api_client, body=Contact(name="Ana B."))
    fetched = get_contact.sync(made.id, client=front_api_client)
    assert fetched is not None and fetched.name == "Ana B." and isinstance(fetched.handles, list)
    assert fetched.handles[0].handle == "ana@example.com"
    assert [c.id for c in front_api_client.paginate(list_contacts)] == [made.id]
    delete_a_contact.sync_detailed(made.id, client=front_api_client)
    assert list(front_api_client.paginate(list_contacts)) == []
    api_user = next(iter(front_api_client.paginate(list_teammates)))
    update_teammate.sync_detailed(
        api_user.id, client=front_api_client, body=UpdateTeammate(is_available=False)
    )
    teammate = get_teammate.sync(api_user.id, client=front_api_client)
    assert teammate is not None and teammate.is_available is False


def test_seed_rejects_unknown_status_and_tags(front_emulator: FrontEmulator) -> None:
    with pytest.raises(ValueError, match="status"):
        front_emulator.add_conversations(1, status="pending")
    with pytest.raises(ValueError, match="tag"):
        front_emulator.add_conversations(1, tag_ids=["tag_missing"])


def test_front_form_fields_unflatten() -> None:
    assert unflatten(
        [
            ("to[]", "a@x"),
            ("to[]", "b@x"),
            ("options[archive]", "true"),
            ("options[tag_ids][]", "tag_1"),
            ("body", "hi"),
        ]
    ) == {"to": ["a@x", "b@x"], "options": {"archive": True, "tag_ids": ["tag_1"]}, "body": "hi"}
