"""What reaches the server for a query object ``q``, on every operation that takes one, whichever way it is
called: the facade (sync and async), the generated functions, and ``client.paginate``.

The server is the shipped emulator (``front_client.testing``) on loopback, recording each request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from front_client import AsyncFrontClient, FrontClient, FrontClientError
from front_client.query import InvalidQueryError
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator

from .conftest import QUERY_OPERATIONS, TOKEN, QueryOperation, sent_query

# One query per kind, every property given, and the wire form Front documents for it
# (https://dev.frontapp.com/docs/query-object-q).
QUERIES: dict[str, tuple[dict[str, Any], dict[str, list[str]]]] = {
    "ConversationsQuery": (
        {"statuses": ["assigned", "archived"], "status_categories": ["open"], "status_ids": ["sts_1"]},
        {
            "q[statuses][]": ["assigned", "archived"],
            "q[status_categories][]": ["open"],
            "q[status_ids][]": ["sts_1"],
        },
    ),
    "EventsQuery": (
        {
            "types": ["archive", "reopen"],
            "before": datetime(2022, 4, 10, 7, 0, tzinfo=UTC),
            "after": 1649487600,
            "inboxes": ["inb_1"],
        },
        {
            "q[types][]": ["archive", "reopen"],
            "q[before]": ["1649574000"],
            "q[after]": ["1649487600"],
            "q[inboxes][]": ["inb_1"],
        },
    ),
    "ContactsQuery": (
        {"updated_after": datetime(2024, 1, 1, tzinfo=UTC), "updated_before": 1704153600.5},
        {"q[updated_after]": ["1704067200"], "q[updated_before]": ["1704153600.5"]},
    ),
    "LinksQuery": (
        {"types": ["web", "app_2f76b9ac738de158"]},
        {"q[types][]": ["web", "app_2f76b9ac738de158"]},
    ),
    "TimeOffsQuery": (
        {"active_from": 1700000000, "active_until": datetime(2023, 11, 15, 22, 13, 20, tzinfo=UTC)},
        {"q[active_from]": ["1700000000"], "q[active_until]": ["1700086400"]},
    ),
}

MODES = ["facade", "facade_async", "sync_detailed", "asyncio_detailed", "paginate", "paginate_async"]


async def call(mode: str, operation: QueryOperation, base_url: str, q: Any) -> None:
    """One call of ``operation`` with ``q`` in ``mode``, every page read."""
    ids = operation.ids
    by_name: dict[str, Any] = dict(zip(operation.path_parameters, ids, strict=True))
    if mode in ("facade", "sync_detailed", "paginate"):
        with FrontClient(token=TOKEN, base_url=base_url) as front:
            if mode == "facade":
                list(operation.facade_method(front)(*ids, q=q))
            elif mode == "sync_detailed":
                operation.module.sync_detailed(*ids, client=front, q=q)
            else:
                list(front.paginate(operation.module, **by_name, q=q))
        return
    async with AsyncFrontClient(token=TOKEN, base_url=base_url) as front:
        if mode == "facade_async":
            [item async for item in operation.facade_method(front)(*ids, q=q)]
        elif mode == "asyncio_detailed":
            await operation.module.asyncio_detailed(*ids, client=front, q=q)
        else:
            [item async for item in front.paginate(operation.module, **by_name, q=q)]


def test_the_operations_are_those_front_documents() -> None:
    assert sorted(op.key for op in QUERY_OPERATIONS) == sorted(
        [
            "GET /conversations",
            "GET /inboxes/{inbox_id}/conversations",
            "GET /tags/{tag_id}/conversations",
            "GET /teammates/{teammate_id}/conversations",
            "GET /contacts/{contact_id}/conversations",
            "GET /links/{link_id}/conversations",
            "GET /events",
            "GET /contacts",
            "GET /teams/{team_id}/contacts",
            "GET /teammates/{teammate_id}/contacts",
            "GET /links",
            "GET /teammates/{teammate_id}/time_offs",
            "GET /teams/{team_id}/time_offs",
        ]
    )
    assert {op.kind for op in QUERY_OPERATIONS} == set(QUERIES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("operation", QUERY_OPERATIONS, ids=lambda op: op.key)
async def test_the_query_object_is_sent_as_front_reads_it(
    emulator: FrontEmulator, operation: QueryOperation, mode: str
) -> None:
    query, wire = QUERIES[operation.kind]
    await call(mode, operation, emulator.base_url, query)
    [request] = emulator.requests
    assert sent_query(request) == wire
    # The rest of the request is the operation's own: its path, with the IDs given.
    assert request.path.split("/")[-1] == operation.key.split("/")[-1]
    for value in operation.ids:
        assert f"/{value}/" in request.path


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "q",
    [{"status": ["archived"]}, "archived", {"statuses": []}],
    ids=["misspelt property", "plain string", "empty list"],
)
async def test_a_query_front_would_ignore_is_refused_before_anything_is_sent(
    emulator: FrontEmulator, mode: str, q: Any
) -> None:
    [operation] = [op for op in QUERY_OPERATIONS if op.key == "GET /conversations"]
    with pytest.raises(InvalidQueryError) as caught:
        await call(mode, operation, emulator.base_url, q)
    assert "list_conversations()" in str(caught.value)
    assert isinstance(caught.value, FrontClientError) and isinstance(caught.value, TypeError)
    assert emulator.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_naive_datetime_is_refused_before_anything_is_sent(
    emulator: FrontEmulator, mode: str
) -> None:
    [operation] = [op for op in QUERY_OPERATIONS if op.key == "GET /events"]
    with pytest.raises(InvalidQueryError, match="naive datetime"):
        await call(mode, operation, emulator.base_url, {"after": datetime(2022, 4, 9, 7, 0)})
    assert emulator.requests == []


@pytest.mark.parametrize("mode", ["facade", "facade_async", "paginate", "paginate_async"])
async def test_next_links_are_followed_as_front_wrote_them(mode: str) -> None:
    """Front's next link already carries q: the client follows it as given and adds no second q."""

    def pages(request: EmulatorRequest) -> EmulatorResponse:
        if "page_token" in request.query:
            return EmulatorResponse(200, {"_pagination": {"next": None}, "_results": []})
        link = f"{front.base_url}/conversations?q%5Bstatuses%5D%5B%5D=archived&page_token=p2"
        return EmulatorResponse(200, {"_pagination": {"next": link}, "_results": []})

    with FrontEmulator(stateful=False, fallback=pages) as front:
        [operation] = [op for op in QUERY_OPERATIONS if op.key == "GET /conversations"]
        await call(mode, operation, front.base_url, {"statuses": ["archived"]})
        first, second = front.requests
    assert sent_query(first) == {"q[statuses][]": ["archived"]}
    assert second.query == {"q[statuses][]": ["archived"], "page_token": ["p2"]}
