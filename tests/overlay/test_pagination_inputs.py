"""paginate()'s ``limit`` and ``max_items``: what is sent as Front's page size, and what is refused."""

from __future__ import annotations

import pytest
from front_client.errors import PaginationError
from front_client.pagination import MAX_LIMIT
from front_core_api.api.conversations import get_conversation_by_id, list_conversations

from .conftest import Driver, Recorded, Reply


def pages_of(api: Driver, per_page: int, pages: int = 10) -> None:
    """``/conversations``: ``per_page`` items a page (whatever ``limit`` asks), ``pages`` pages."""

    def route(request: Recorded) -> Reply:
        number = int(request.query.get("page_token", ["p1"])[0][1:])
        following = f"{api.front.url}/conversations?page_token=p{number + 1}" if number < pages else None
        results = [{"id": f"cnv_{number}_{i}"} for i in range(per_page)]
        return Reply(json={"_pagination": {"next": following}, "_results": results})

    api.front.on("GET", "/conversations", route)


async def test_max_items_above_front_s_largest_page_asks_for_100(api: Driver) -> None:
    pages_of(api, per_page=100)
    items = await api.collect(api.client(), [], list_conversations, max_items=250)
    assert len(items) == 250
    assert api.front.requests[0].query == {"limit": [str(MAX_LIMIT)]}  # not limit=250: Front refuses that
    assert MAX_LIMIT == 100
    assert len(api.front.requests) == 3


async def test_max_items_of_exactly_100_asks_for_100(api: Driver) -> None:
    pages_of(api, per_page=100)
    items = await api.collect(api.client(), [], list_conversations, max_items=100)
    assert len(items) == 100
    assert api.front.requests[0].query == {"limit": ["100"]}
    assert len(api.front.requests) == 1  # the first page held them all: page 2 is never asked


async def test_max_items_below_a_page_asks_for_that_many(api: Driver) -> None:
    pages_of(api, per_page=1)
    items = await api.collect(api.client(), [], list_conversations, max_items=1)
    assert [item.id for item in items] == ["cnv_1_0"]
    assert api.front.requests[0].query == {"limit": ["1"]}
    assert len(api.front.requests) == 1


async def test_an_explicit_limit_is_kept_with_max_items(api: Driver) -> None:
    pages_of(api, per_page=10)
    items = await api.collect(api.client(), [], list_conversations, limit=10, max_items=25)
    assert len(items) == 25
    assert [r.query.get("limit") for r in api.front.requests] == [["10"], None, None]


async def test_max_items_zero_sends_nothing(api: Driver) -> None:
    pages_of(api, per_page=5)
    client = api.client()
    assert await api.collect(client, [], list_conversations, max_items=0) == []
    assert await api.pages(client, list_conversations, max_items=0, limit=5) == []
    assert api.front.requests == []


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
async def test_a_limit_outside_1_to_100_is_refused_before_any_request(api: Driver, limit: int) -> None:
    with pytest.raises(ValueError, match=r"^limit must be between 1 and 100 \(Front's largest page\)$"):
        api.client().paginate(list_conversations, limit=limit)
    assert api.front.requests == []


@pytest.mark.parametrize("limit", [1, MAX_LIMIT])
async def test_the_edges_of_the_limit_are_accepted(api: Driver, limit: int) -> None:
    pages_of(api, per_page=1, pages=1)
    await api.collect(api.client(), [], list_conversations, limit=limit)
    assert api.front.requests[0].query == {"limit": [str(limit)]}


@pytest.mark.parametrize("max_items", [-1, -100])
async def test_a_negative_max_items_is_refused_before_any_request(api: Driver, max_items: int) -> None:
    with pytest.raises(ValueError, match=r"^max_items must be >= 0$"):
        api.client().paginate(list_conversations, max_items=max_items)
    with pytest.raises(ValueError, match=r"^max_items must be >= 0$"):
        api.client().paginate(list_conversations, max_items=max_items, limit=10)
    assert api.front.requests == []


async def test_without_max_items_no_limit_is_sent(api: Driver) -> None:
    pages_of(api, per_page=3, pages=2)
    items = await api.collect(api.client(), [], list_conversations)
    assert len(items) == 6
    assert [r.query.get("limit") for r in api.front.requests] == [None, None]  # Front's default page size


async def test_max_pages_zero_sends_nothing_and_one_sends_one(api: Driver) -> None:
    pages_of(api, per_page=2, pages=3)
    client = api.client()
    assert await api.collect(client, [], list_conversations, max_pages=0) == []
    assert api.front.requests == []
    assert len(await api.collect(client, [], list_conversations, max_pages=1)) == 2
    assert len(api.front.requests) == 1
    assert len(await api.collect(client, [], list_conversations, max_pages=2)) == 4
    assert len(api.front.requests) == 3


async def test_max_empty_pages_of_one_stops_at_the_first_empty_page_that_links_on(api: Driver) -> None:
    pages_of(api, per_page=0, pages=3)
    with pytest.raises(PaginationError) as stopped:
        await api.collect(api.client(), [], list_conversations, max_empty_pages=1)
    assert str(stopped.value) == (
        "list_conversations: 1 empty pages in a row, each linking to another: stopped (the server's "
        "next links make no progress). The items of earlier pages were yielded; max_empty_pages= allows "
        "longer runs."
    )
    assert len(api.front.requests) == 1


@pytest.mark.parametrize(
    ("option", "says"),
    [({"max_pages": -1}, "max_pages must be >= 0"), ({"max_empty_pages": 0}, "max_empty_pages must be >= 1")],
)
async def test_bad_page_limits_are_refused_with_their_rule(
    api: Driver, option: dict[str, int], says: str
) -> None:
    with pytest.raises(ValueError) as refused:
        api.client().paginate(list_conversations, **option)
    assert str(refused.value) == says
    assert api.front.requests == []


async def test_an_operation_that_answers_no_list_is_refused_by_name(api: Driver) -> None:
    with pytest.raises(TypeError) as refused:
        api.client().paginate(get_conversation_by_id)
    assert str(refused.value) == (
        "get_conversation_by_id does not answer a list (no _results): it cannot be paginated"
    )


async def test_next_links_that_differ_only_in_a_percent_escape_are_different_pages(api: Driver) -> None:
    following = {None: "%41", "A": "%42", "B": None}  # ?page_token=%41, then %42: not the same page

    def route(request: Recorded) -> Reply:
        token = request.query.get("page_token", [None])[0]
        after = following[token]
        link = None if after is None else f"{api.front.url}/conversations?page_token={after}"
        return Reply(json={"_pagination": {"next": link}, "_results": [{"id": f"cnv_{token}"}]})

    api.front.on("GET", "/conversations", route)
    items = await api.collect(api.client(), [], list_conversations)
    assert [item.id for item in items] == ["cnv_None", "cnv_A", "cnv_B"]


async def test_a_next_link_that_is_not_a_url_is_a_pagination_error_naming_the_operation(api: Driver) -> None:
    link = "http://h:abc/conversations?page_token=p2"
    api.front.on(
        "GET", "/conversations", Reply(json={"_pagination": {"next": link}, "_results": [{"id": "c"}]})
    )
    with pytest.raises(PaginationError) as refused:
        await api.collect(api.client(), [], list_conversations)
    assert str(refused.value) == "list_conversations: the next link is not a URL (Invalid port: 'abc')"
    assert len(api.front.requests) == 1
