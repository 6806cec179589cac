"""Front's real answers drift from its spec: parsing keeps going, keeps the data and says what drifted."""

from __future__ import annotations

import logging
from typing import Any

import front_core_api.types
import pytest
from front_core_api.models import (
    ConversationResponse,
    CreateDraft,
    EventResponseTarget,
    TagResponse,
    TeammateResponse,
)
from front_core_api.types import UNSET

from tests.payloads import conversation


def test_an_unassigned_conversation_parses_with_assignee_none() -> None:
    parsed = ConversationResponse.from_dict(conversation(assignee=None))
    assert parsed.assignee is None
    assert parsed.missing_fields == () and parsed.unparsed_fields == ()


def test_an_assigned_conversation_parses_the_teammate() -> None:
    teammate = {"_links": {"self": "x"}, "id": "tea_1", "email": "a@b.c", "username": "a",
                "first_name": "A", "last_name": "B", "is_admin": False, "is_available": True,
                "is_blocked": False, "type": "user", "custom_fields": {}}  # fmt: skip
    parsed = ConversationResponse.from_dict(conversation(assignee=teammate))
    assert isinstance(parsed.assignee, TeammateResponse)
    assert parsed.assignee.id == "tea_1"


def test_an_unknown_enum_value_is_kept_and_logged_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drift is reported once per process and kind: start from a process that has reported nothing yet.
    monkeypatch.setattr(front_core_api.types, "_drift_reported", set())
    caplog.set_level(logging.DEBUG, logger="front_core_api.drift")
    first = ConversationResponse.from_dict(conversation(status="snoozed_by_robot"))
    second = ConversationResponse.from_dict(conversation(status="snoozed_by_robot"))
    assert first.status == second.status == "snoozed_by_robot"  # type: ignore[comparison-overlap]
    logged = [r for r in caplog.records if "snoozed_by_robot" in r.getMessage()]
    assert [(r.name, r.levelno) for r in logged] == [("front_core_api.drift", logging.DEBUG)]
    # The enum of ConversationResponse.status is named after the model and the field.
    assert (
        logged[0]
        .getMessage()
        .startswith("response drift in ConversationResponseStatus.value: unknown enum value")
    )


def test_an_extra_field_is_kept_in_additional_properties() -> None:
    parsed = ConversationResponse.from_dict(conversation(brand_new_field={"x": 1}))
    assert parsed.additional_properties["brand_new_field"] == {"x": 1}
    assert parsed.to_dict()["brand_new_field"] == {"x": 1}


def test_a_missing_required_field_is_unset_and_named() -> None:
    body = conversation()
    del body["subject"]
    parsed = ConversationResponse.from_dict(body)
    assert parsed.subject is UNSET  # type: ignore[comparison-overlap]
    assert parsed.missing_fields == ("subject",)
    assert "subject" not in parsed.to_dict()


def test_null_where_the_spec_says_non_nullable_is_kept_raw() -> None:
    parsed = ConversationResponse.from_dict(conversation(tags=None, _links=None))
    assert parsed.tags is None
    assert set(parsed.unparsed_fields) == {"tags", "_links"}
    round_trip = parsed.to_dict()
    assert round_trip["tags"] is None and round_trip["_links"] is None


def test_request_models_still_require_what_the_spec_requires() -> None:
    with pytest.raises(TypeError, match="body"):
        CreateDraft()  # type: ignore[call-arg]
    draft = CreateDraft(body="Hi")
    assert draft.to_dict() == {"body": "Hi"}  # no defaults invented for the user (mode stays unsent)


TEAMMATE = {"_links": {"self": "x"}, "id": "tea_1", "email": "a@b.c", "username": "a", "first_name": "A",
            "last_name": "B", "is_admin": False, "is_available": True, "is_blocked": False, "type": "user",
            "custom_fields": {}}  # fmt: skip
TAG = {"_links": {"self": "x"}, "id": "tag_1", "name": "Urgent", "description": None, "highlight": None,
       "is_private": False, "is_visible_in_conversation_lists": True}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "expected"),
    [(TEAMMATE, TeammateResponse), (TAG, TagResponse), ({**TAG, "parent_tag_id": "tag_0"}, TagResponse)],
    ids=["teammate", "tag", "tag with a field the spec lacks"],
)
def test_a_union_of_models_picks_the_member_the_answer_fits(data: dict[str, Any], expected: type) -> None:
    """Tolerant parsing accepts any object for any model, so trying members in order would make every
    event target the union's first member (a teammate); the keys decide instead."""
    target = EventResponseTarget.from_dict({"_meta": {"type": "tag"}, "data": data})
    assert type(target.data) is expected
    assert target.data.missing_fields == ()  # type: ignore[union-attr]


def test_a_union_of_models_keeps_a_value_that_is_no_object() -> None:
    target = EventResponseTarget.from_dict({"_meta": {"type": "tag"}, "data": "tag_1"})
    assert target.data == "tag_1"  # type: ignore[comparison-overlap]  # drift: kept raw, unlike the type
    assert target.unparsed_fields == ("data",)
