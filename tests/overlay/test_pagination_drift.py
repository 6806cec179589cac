"""paginate() on answers that drift from the spec: a ``_pagination`` the spec does not declare, results or
links of the wrong shape, and the exact errors when there is nothing to page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from front_client import FrontClientError
from front_client.pagination import _next_link, _results
from front_core_api.api.channels import list_channels
from front_core_api.api.conversations import list_conversations
from front_core_api.api.message_templates import list_message_templates

from .conftest import Driver, Recorded, Reply


async def test_a_next_link_the_spec_does_not_declare_is_followed(api: Driver) -> None:
    """Front's spec gives ``GET /channels`` no ``_pagination``; Front may still send one."""

    def route(request: Recorded) -> Reply:
        if "page_token" in request.query:
            return Reply(json={"_results": [{"id": "cha_2"}]})
        following = f"{api.front.url}/channels?page_token=2"
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": "cha_1"}]})

    api.front.on("GET", "/channels", route)
    items = await api.collect(api.client(), [], list_channels)
    assert [item.id for item in items] == ["cha_1", "cha_2"]
    assert [r.query for r in api.front.requests] == [{}, {"page_token": ["2"]}]


@pytest.mark.parametrize(
    "pagination",
    [None, {"next": None}, {"next": ""}, {"next": 5}, {}, "p2", ["next"]],
    ids=["null", "next null", "next empty", "next a number", "empty", "a string", "a list"],
)
async def test_no_usable_next_link_is_the_last_page(api: Driver, pagination: Any) -> None:
    api.front.on(
        "GET", "/conversations", Reply(json={"_pagination": pagination, "_results": [{"id": "cnv_1"}]})
    )
    pages = await api.pages(api.client(), list_conversations)
    assert [[item.id for item in page.items] for page in pages] == [["cnv_1"]]
    assert pages[0].next_url is None
    assert len(api.front.requests) == 1


async def test_results_that_cannot_be_parsed_are_kept_as_sent(api: Driver) -> None:
    api.front.on("GET", "/conversations", Reply(json={"_pagination": {"next": None}, "_results": [1, "two"]}))
    assert await api.collect(api.client(), [], list_conversations) == [1, "two"]


@pytest.mark.parametrize("answer", [{"id": "cnv_1"}, {"_results": {"id": "cnv_1"}}, {"_results": None}])
async def test_an_answer_without_a_list_of_results_is_an_error_naming_the_operation(
    api: Driver, answer: dict[str, Any]
) -> None:
    api.front.on("GET", "/conversations", Reply(json=answer))
    with pytest.raises(FrontClientError) as caught:
        await api.collect(api.client(), [], list_conversations)
    assert (
        str(caught.value) == "list_conversations did not answer a list (no _results): it cannot be paginated"
    )


def test_a_limit_for_an_operation_without_one_names_the_operation(api: Driver) -> None:
    with pytest.raises(TypeError) as caught:
        api.client().paginate(list_message_templates, limit=10)
    assert str(caught.value) == "list_message_templates takes no limit: Front chooses its page size"


def test_results_and_next_link_the_model_keeps_undeclared() -> None:
    """A list model that declares neither: both are read from ``additional_properties``."""
    model = SimpleNamespace(additional_properties={"_results": [1], "_pagination": {"next": "https://x/2"}})
    assert _results(model) == [1]
    assert _next_link(model) == "https://x/2"
    assert _results(SimpleNamespace(additional_properties={"_results": "1"})) is None
    assert _results(SimpleNamespace(additional_properties=None)) is None
    assert _results(SimpleNamespace()) is None and _next_link(SimpleNamespace()) is None  # no such attribute
    assert _next_link(SimpleNamespace(additional_properties={})) is None
    assert _next_link(SimpleNamespace(field_pagination=SimpleNamespace(next_="https://x/3"))) == "https://x/3"


async def test_an_undocumented_success_status_is_no_list(api: Driver) -> None:
    """A 204 where the spec documents only a 200: the operation's own parser (with this client's settings)
    gives nothing to page."""
    api.front.on("GET", "/conversations", Reply(204))
    with pytest.raises(FrontClientError) as caught:
        await api.collect(api.client(), [], list_conversations)
    assert (
        str(caught.value) == "list_conversations did not answer a list (no _results): it cannot be paginated"
    )
