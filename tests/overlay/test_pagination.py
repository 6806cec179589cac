"""paginate(): typed items across pages, following ``_pagination.next`` under the host rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from front_client import ForeignHostError, FrontClientError, PermissionDeniedError, ServerError
from front_core_api.api.conversations import list_conversations
from front_core_api.api.message_templates import list_message_templates
from front_core_api.models.conversation_response import ConversationResponse
from front_core_api.models.message_template_response import MessageTemplateResponse

from .conftest import TOKEN, Driver, FrontStandIn, Recorded, Reply, error_body


def conversations_pages(
    api: Driver, pages: int, per_page: int = 2, next_host: str | None = None
) -> Callable[[Recorded], Reply]:
    """``/conversations`` answering ``pages`` pages; page n links to ``?page_token=p<n+1>``."""
    base = next_host or api.front.url

    def route(request: Recorded) -> Reply:
        number = int(request.query.get("page_token", ["p1"])[0][1:])
        results = [{"id": f"cnv_{number}_{i}"} for i in range(per_page)]
        following = f"{base}/conversations?page_token=p{number + 1}" if number < pages else None
        return Reply(json={"_pagination": {"next": following}, "_links": {}, "_results": results})

    api.front.on("GET", "/conversations", route)
    return route


async def test_items_across_pages_are_typed(api: Driver) -> None:
    conversations_pages(api, pages=3)
    items = await api.collect(api.client(), [], list_conversations, limit=2, q={"statuses": ["unassigned"]})
    assert [item.id for item in items] == [f"cnv_{p}_{i}" for p in (1, 2, 3) for i in (0, 1)]
    assert all(isinstance(item, ConversationResponse) for item in items)
    first, *rest = api.front.requests
    assert first.query == {"limit": ["2"], "q[statuses][]": ["unassigned"]}
    assert [r.query for r in rest] == [{"page_token": ["p2"]}, {"page_token": ["p3"]}]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in api.front.requests)


async def test_a_generated_function_names_the_operation_too(api: Driver) -> None:
    conversations_pages(api, pages=2)
    operation = list_conversations.asyncio if api.is_async else list_conversations.sync
    assert len(await api.collect(api.client(), [], operation)) == 4


async def test_page_by_page(api: Driver) -> None:
    conversations_pages(api, pages=3, per_page=1)
    pages = await api.pages(api.client(), list_conversations)
    assert [[item.id for item in page.items] for page in pages] == [["cnv_1_0"], ["cnv_2_0"], ["cnv_3_0"]]
    assert [page.next_url is None for page in pages] == [False, False, True]
    assert pages[0].model.field_pagination.next_ == f"{api.front.url}/conversations?page_token=p2"


async def test_max_items_stops_asking(api: Driver) -> None:
    conversations_pages(api, pages=10, per_page=2)
    items = await api.collect(api.client(), [], list_conversations, max_items=3)
    assert len(items) == 3
    assert len(api.front.requests) == 2
    assert api.front.requests[0].query == {"limit": ["3"]}


async def test_an_error_on_a_later_page_raises_after_the_earlier_pages(api: Driver) -> None:
    pages = conversations_pages(api, pages=10, per_page=2)

    def route(request: Recorded) -> Reply:
        if request.query.get("page_token") == ["p7"]:
            return Reply(500, json=error_body(500, "Internal error", "page 7 broke"))
        return pages(request)

    api.front.on("GET", "/conversations", route)
    items: list[Any] = []
    with pytest.raises(ServerError, match="page 7 broke"):
        await api.collect(api.client(max_retries=0), items, list_conversations)
    assert len(items) == 12  # pages 1-6, then the error: no silent truncation


async def test_next_link_on_a_front_subdomain_is_followed(api: Driver) -> None:
    conversations_pages(api, pages=2, next_host="https://acme.api.frontapp.com")
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    items = await api.collect(client, [], list_conversations)
    assert len(items) == 4
    assert api.hosts == ["api2.frontapp.com", "acme.api.frontapp.com"]
    assert [r.headers["host"] for r in api.front.requests] == ["api2.frontapp.com", "acme.api.frontapp.com"]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in api.front.requests)


@pytest.mark.parametrize(
    "foreign",
    [
        "https://evil.example.com",
        "http://acme.api.frontapp.com",
        "https://frontapp.com.evil.example",
        "https://evilfrontapp.com",  # ends with "frontapp.com", but is not a subdomain of it
        "https://acme.api.frontapp.com:8443",  # Front's subdomain, another port
        "https://frontapp.com:8443",
    ],
)
async def test_next_link_to_a_foreign_host_is_refused(api: Driver, foreign: str) -> None:
    conversations_pages(api, pages=2, next_host=foreign)
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    items: list[Any] = []
    with pytest.raises(ForeignHostError) as caught:
        await api.collect(client, items, list_conversations)
    assert len(items) == 2
    assert api.hosts == ["api2.frontapp.com"]  # nothing was sent to the foreign host
    assert httpx_host(foreign) in str(caught.value)
    assert TOKEN not in str(caught.value)


def httpx_host(url: str) -> str:
    return url.split("://", 1)[1]


async def test_next_link_to_the_base_host_on_another_port_is_refused(
    api: Driver, elsewhere: FrontStandIn
) -> None:
    """Same scheme and host as ``base_url`` (127.0.0.1), another port: another origin, not sent there."""
    route = conversations_pages(api, pages=2, next_host=elsewhere.url)
    elsewhere.on("GET", "/conversations", route)  # would answer, were anything sent
    items: list[Any] = []
    with pytest.raises(ForeignHostError) as caught:
        await api.collect(api.client(), items, list_conversations)
    assert len(items) == 2
    assert elsewhere.requests == []
    assert len(api.front.requests) == 1
    assert httpx_host(elsewhere.url) in str(caught.value)


@pytest.mark.parametrize(("case", "pages"), [("page 1 links to itself", 1), ("page 2 links to page 1", 2)])
async def test_a_next_link_to_a_page_already_fetched_stops(api: Driver, case: str, pages: int) -> None:
    """A ``next`` URL already fetched is the end of the list, not a loop."""
    first_url = f"{api.front.url}/conversations?limit=2"  # what the first request asks, exactly
    second_url = f"{api.front.url}/conversations?page_token=p2"
    links = {"p1": first_url if pages == 1 else second_url, "p2": first_url}

    def route(request: Recorded) -> Reply:
        token = request.query.get("page_token", ["p1"])[0]
        # A client that loops still ends (and fails the counts below) rather than hanging the run.
        following = links[token] if len(api.front.requests) <= 5 else None
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": f"cnv_{token}"}]})

    api.front.on("GET", "/conversations", route)
    client = api.client()
    items = await api.collect(client, [], list_conversations, limit=2)
    assert [item.id for item in items] == [f"cnv_p{n}" for n in range(1, pages + 1)]
    assert len(api.front.requests) == pages
    found = await api.pages(client, list_conversations, limit=2)
    assert len(found) == pages
    assert found[-1].next_url is None


async def test_an_error_on_page_2_still_names_the_operation_and_its_scopes(api: Driver) -> None:
    """The ``front_operation`` extension goes with every page's request, not only the first."""
    pages = conversations_pages(api, pages=3)

    def route(request: Recorded) -> Reply:
        if request.query.get("page_token") == ["p2"]:
            return Reply(403, json=error_body(403, "Forbidden", "Insufficient scope"))
        return pages(request)

    api.front.on("GET", "/conversations", route)
    items: list[Any] = []
    with pytest.raises(PermissionDeniedError) as caught:
        await api.collect(api.client(), items, list_conversations)
    assert len(items) == 2
    assert caught.value.operation_id == "list_conversations"
    assert caught.value.required_scopes == ("conversations:read",)
    assert "conversations:read" in str(caught.value)


async def test_operation_without_paging_parameters(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        if "page_token" in request.query:
            return Reply(json={"_pagination": {"next": None}, "_results": [{"id": "rsp_2", "name": "b"}]})
        following = f"{api.front.url}/message_templates?page_token=x"
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": "rsp_1", "name": "a"}]})

    api.front.on("GET", "/message_templates", route)
    items = await api.collect(api.client(), [], list_message_templates)
    assert [item.id for item in items] == ["rsp_1", "rsp_2"]
    assert all(isinstance(item, MessageTemplateResponse) for item in items)
    with pytest.raises(TypeError, match="takes no limit"):
        api.client().paginate(list_message_templates, limit=10)


async def test_bad_arguments_fail_before_any_request(api: Driver) -> None:
    client = api.client()
    with pytest.raises(ValueError, match="between 1 and 100"):
        client.paginate(list_conversations, limit=101)
    with pytest.raises(TypeError, match="not a generated Front operation"):
        client.paginate(len)
    with pytest.raises(TypeError, match="unexpected keyword argument 'no_such_argument'"):
        client.paginate(list_conversations, no_such_argument=1)
    assert api.front.requests == []


async def test_a_non_list_answer_is_an_error(api: Driver) -> None:
    api.front.on("GET", "/conversations", Reply(json={"id": "cnv_1"}))
    with pytest.raises(FrontClientError, match="no _results"):
        await api.collect(api.client(), [], list_conversations)
