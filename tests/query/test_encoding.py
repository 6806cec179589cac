"""``front_client.query.encode_query_object``: Front's query object as query parameters, or a clear refusal.

The wire form is Front's (https://dev.frontapp.com/docs/query-object-q): a list as repeated
``q[name][]=value``, a time as ``q[name]=<Unix seconds>``. Everything Front would ignore or misread is
refused with :class:`InvalidQueryError` (a ``FrontClientError``, a ``TypeError`` and a ``ValueError``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from front_client import FrontClientError
from front_client.query import InvalidQueryError, encode_query_object
from front_core_api.query import QUERY_FORMS

CONVERSATIONS = QUERY_FORMS["ConversationsQuery"]
EVENTS = QUERY_FORMS["EventsQuery"]


def test_a_list_is_repeated_under_brackets() -> None:
    assert encode_query_object({"statuses": ["assigned", "archived"]}, CONVERSATIONS, "op") == {
        "q[statuses][]": ["assigned", "archived"]
    }


def test_a_tuple_is_a_list_and_a_lone_string_is_one_value() -> None:
    assert encode_query_object({"statuses": ("assigned",)}, CONVERSATIONS, "op") == {
        "q[statuses][]": ["assigned"]
    }
    assert encode_query_object({"types": "archive"}, EVENTS, "op") == {"q[types][]": ["archive"]}


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (1649487600, "1649487600"),
        (1649487600.25, "1649487600.25"),
        (1649487600.0, "1649487600"),
        (1649487600.1234, "1649487600.123"),  # Front reads up to 3 decimal places
        (datetime(2022, 4, 9, 7, 0, tzinfo=UTC), "1649487600"),
        (datetime(2022, 4, 9, 9, 0, tzinfo=timezone(timedelta(hours=2))), "1649487600"),
        (datetime(2022, 4, 9, 7, 0, 0, 500_000, tzinfo=UTC), "1649487600.5"),
    ],
)
def test_a_time_is_unix_seconds(value: Any, wire: str) -> None:
    assert encode_query_object({"after": value}, EVENTS, "op") == {"q[after]": wire}


def test_every_property_of_a_kind_together() -> None:
    query = {"before": 1649574000, "after": 1649487600, "types": ["archive"], "inboxes": ["inb_1", "inb_2"]}
    assert encode_query_object(query, EVENTS, "list_events") == {
        "q[before]": "1649574000",
        "q[after]": "1649487600",
        "q[types][]": ["archive"],
        "q[inboxes][]": ["inb_1", "inb_2"],
    }


def test_an_empty_query_sends_nothing() -> None:
    assert encode_query_object({}, EVENTS, "op") == {}


def test_an_unknown_property_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(InvalidQueryError) as caught:
        encode_query_object({"status": ["archived"]}, CONVERSATIONS, "list_conversations")
    message = str(caught.value)
    assert "list_conversations()" in message and "'status'" in message
    assert "status_categories, status_ids, statuses" in message
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, FrontClientError)


def test_a_plain_string_is_refused_pointing_to_the_dict_form() -> None:
    # Front reads q[name]=value: a bare q=archived would filter nothing.
    with pytest.raises(InvalidQueryError, match=r"a dict such as \{'statuses': \['...'\]\}, not a string"):
        encode_query_object("archived", CONVERSATIONS, "list_conversations")


@pytest.mark.parametrize("query", [["statuses"], 42, b"statuses"])
def test_q_must_be_a_dict(query: Any) -> None:
    with pytest.raises(InvalidQueryError, match="list_conversations"):
        encode_query_object(query, CONVERSATIONS, "list_conversations")


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(InvalidQueryError, match="naive datetime") as caught:
        encode_query_object({"after": datetime(2022, 4, 9, 7, 0)}, EVENTS, "list_events")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("query", "match"),
    [
        ({"statuses": []}, "empty list, which would filter nothing"),
        ({"statuses": [1]}, "list of strings; it holds 1"),
        ({"statuses": None}, "list of strings, not NoneType"),
        ({"statuses": b"archived"}, "list of strings, not bytes"),
    ],
)
def test_a_list_property_takes_strings(query: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidQueryError, match=match):
        encode_query_object(query, CONVERSATIONS, "op")


@pytest.mark.parametrize("value", ["1649487600", True, None, float("nan"), float("inf")])
def test_a_time_is_a_datetime_or_a_number(value: Any) -> None:
    with pytest.raises(InvalidQueryError, match=r"q\['after'\]"):
        encode_query_object({"after": value}, EVENTS, "op")


def test_a_string_property() -> None:
    forms = {"name": "string"}
    assert encode_query_object({"name": "x"}, forms, "op") == {"q[name]": "x"}
    with pytest.raises(InvalidQueryError, match="must be a string"):
        encode_query_object({"name": ["x"]}, forms, "op")
