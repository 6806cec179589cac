"""Servers whose ``next`` links make no progress cannot keep a pagination walk going.

The same URL spelled differently (``HTTP://``, a host in capitals, an explicit default port, an encoded space,
lower-case escapes, a fragment) is the same page; a run of empty pages each linking onwards raises
``PaginationError``; ``max_pages`` stops after that many pages. The stand-in stops linking after 30 requests,
so a client that loops fails the counts instead of hanging the run.
"""

from __future__ import annotations

from typing import Any

import pytest
from front_client import FrontClientError, PaginationError
from front_client.pagination import MAX_EMPTY_PAGES
from front_core_api.api.conversations import list_conversations

from tests.overlay.conftest import Recorded, Reply

from .conftest import Driver

GUARD = 30  # requests after which the stand-in stops linking


def respelled(url: str, spelling: str) -> str:
    """``url`` (``http://127.0.0.1:<port>/conversations?...``) spelled another way that names the same URL."""
    scheme, rest = url.split("://", 1)
    if spelling == "upper-case scheme":
        host, path = rest.split("/", 1)
        return f"{scheme.upper()}://{host.upper()}/{path}"
    if spelling == "a fragment":
        return f"{url}#again"
    if spelling == "lower-case escapes":
        return url.replace("%2F", "%2f")
    if spelling == "an encoded space":
        return url.replace("%20", " ")
    raise AssertionError(spelling)


@pytest.mark.parametrize(
    "spelling", ["upper-case scheme", "a fragment", "lower-case escapes", "an encoded space"]
)
async def test_a_link_to_the_same_page_spelled_differently_ends_the_walk(api: Driver, spelling: str) -> None:
    second = f"{api.front.url}/conversations?page_token=a%20b%2Fc"

    def route(request: Recorded) -> Reply:
        number = len(api.front.requests)
        # Page 1 links to page 2; page 2 links to itself, spelled another way.
        following = second if number == 1 else respelled(second, spelling) if number < GUARD else None
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": f"cnv_{number}"}]})

    api.front.on("GET", "/conversations", route)
    items = await api.collect(api.client(), [], list_conversations)
    assert [item.id for item in items] == ["cnv_1", "cnv_2"]
    assert len(api.front.requests) == 2


async def test_an_explicit_default_port_is_the_same_page(api: Driver) -> None:
    """``https://api2.frontapp.com:443/...`` is ``https://api2.frontapp.com/...``."""

    def route(request: Recorded) -> Reply:
        following = (
            "https://API2.frontapp.com:443/conversations?limit=5" if len(api.front.requests) < GUARD else None
        )
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": "cnv_1"}]})

    api.front.on("GET", "/conversations", route)
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    items = await api.collect(client, [], list_conversations, limit=5)
    assert len(items) == 1
    assert len(api.front.requests) == 1


def endless_empty_pages(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        number = len(api.front.requests)
        first = number == 1
        following = f"{api.front.url}/conversations?page_token=t{number}" if number < GUARD else None
        results = [{"id": "cnv_1"}, {"id": "cnv_2"}] if first else []
        return Reply(json={"_pagination": {"next": following}, "_results": results})

    api.front.on("GET", "/conversations", route)


async def test_a_run_of_empty_pages_raises_after_the_items_before(api: Driver) -> None:
    endless_empty_pages(api)
    items: list[Any] = []
    with pytest.raises(PaginationError, match=f"{MAX_EMPTY_PAGES} empty pages in a row") as caught:
        await api.collect(api.client(), items, list_conversations)
    assert isinstance(caught.value, FrontClientError)
    assert [item.id for item in items] == ["cnv_1", "cnv_2"]
    assert len(api.front.requests) == 1 + MAX_EMPTY_PAGES


async def test_max_empty_pages_is_configurable(api: Driver) -> None:
    endless_empty_pages(api)
    with pytest.raises(PaginationError, match="3 empty pages"):
        await api.collect(api.client(), [], list_conversations, max_empty_pages=3)
    assert len(api.front.requests) == 4


async def test_a_single_empty_last_page_is_fine(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        number = len(api.front.requests)
        following = f"{api.front.url}/conversations?page_token=t{number}" if number < 3 else None
        results = [] if number == 3 else [{"id": f"cnv_{number}"}]
        return Reply(json={"_pagination": {"next": following}, "_results": results})

    api.front.on("GET", "/conversations", route)
    items = await api.collect(api.client(), [], list_conversations)
    assert [item.id for item in items] == ["cnv_1", "cnv_2"]


async def test_max_pages_stops_after_that_many_pages(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        number = len(api.front.requests)
        following = f"{api.front.url}/conversations?page_token=t{number}" if number < GUARD else None
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": f"cnv_{number}"}]})

    api.front.on("GET", "/conversations", route)
    items = await api.collect(api.client(), [], list_conversations, max_pages=3)
    assert [item.id for item in items] == ["cnv_1", "cnv_2", "cnv_3"]
    assert len(api.front.requests) == 3
    pages = await api.pages(api.client(), list_conversations, max_pages=2)
    assert len(pages) == 2 and pages[-1].next_url is None


async def test_bad_page_limits_fail_before_any_request(api: Driver) -> None:
    with pytest.raises(ValueError, match="max_pages"):
        api.client().paginate(list_conversations, max_pages=-1)
    with pytest.raises(ValueError, match="max_empty_pages"):
        api.client().paginate(list_conversations, max_empty_pages=0)
    assert api.front.requests == []
