"""The generated from_dict has two paths: a fast one for answers that match the spec, and the tolerant one.

Both must build the same models. The tolerant path is forced here with a mapping that refuses ``d[key]``
(the fast path reads required fields that way) but answers ``d.get(key)`` (the tolerant path's way).
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from front_core_api.models import ConversationResponse, ListConversationsResponse200, TagResponseLinksRelated

from bench.payloads import conversations_page
from tests.payloads import conversation


class GetOnly(dict[str, Any]):
    """A dict whose ``[key]`` fails: every from_dict with a required field takes its tolerant path."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)


def wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return GetOnly({key: wrap(item) for key, item in value.items()})
    if isinstance(value, list):
        return [wrap(item) for item in value]
    return value


def page() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(conversations_page(20))
    return data


def test_a_page_parses_alike_on_both_paths() -> None:
    fast = ListConversationsResponse200.from_dict(page())
    tolerant = ListConversationsResponse200.from_dict(wrap(page()))
    assert fast == tolerant
    assert isinstance(fast.field_results, list) and len(fast.field_results) == 20
    first = fast.field_results[0]
    assert first.assignee is not None and first.assignee.id == "tea_0"
    assert [tag.id for tag in first.tags] == ["tag_1", "tag_2"]
    assert first.missing_fields == () and first.unparsed_fields == ()


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"status": "snoozed_by_robot"},
        {"tags": None, "_links": None},
        {"assignee": "tea_1"},
        {"recipient": {"handle": "a@b.c", "role": "from", "_links": {"related": {}}}},
        {"brand_new_field": {"x": 1}},
        {"custom_fields": {"Priority": "High"}},
    ],
)
def test_drifted_answers_parse_alike_on_both_paths(overrides: dict[str, Any]) -> None:
    body = conversation(**overrides)
    fast = ConversationResponse.from_dict(copy.deepcopy(body))
    tolerant = ConversationResponse.from_dict(wrap(copy.deepcopy(body)))
    assert fast == tolerant
    assert fast.unparsed_fields == tolerant.unparsed_fields
    assert fast.missing_fields == tolerant.missing_fields
    assert fast.to_dict() == ConversationResponse.from_dict(body).to_dict()


def test_a_missing_required_field_takes_the_tolerant_path() -> None:
    body = conversation()
    del body["id"]
    parsed = ConversationResponse.from_dict(body)
    assert parsed.missing_fields == ("id",)


def test_attributes_made_on_first_use_behave_like_fields() -> None:
    first = TagResponseLinksRelated.from_dict({"owner": "o"})
    second = TagResponseLinksRelated.from_dict({"owner": "o"})
    assert first.additional_properties == {} and first.missing_fields == () and first.unparsed_fields == ()
    first["extra"] = 1
    assert first.additional_properties == {"extra": 1} and second.additional_properties == {}
    assert first != second
    assert first.to_dict() == {"owner": "o", "extra": 1}
    assert "additional_properties={'extra': 1}" in repr(first)
    restored = pickle.loads(pickle.dumps(first))
    assert restored.additional_properties == {"extra": 1} and restored.owner == "o"
    with pytest.raises(AttributeError, match="no attribute 'ownr'"):
        _ = first.ownr  # type: ignore[attr-defined]
