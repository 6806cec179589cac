"""Cassettes with Front's query object ``q``: recorded from the emulator (``make record``), replayed offline.

vcrpy matches a replayed request on its query string too, so each cassette pins the wire form
(``q[statuses][]=unassigned``, ``q[after]=<Unix seconds>``) and that a next link, which carries ``q`` as
Front writes it, is followed as given. The emulator's answers here are Front-shaped lists whose next links
keep the filters, as Front's do. Each test runs sync and async on one cassette.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from front_client import AsyncFrontClient, FrontClient
from front_client.testing import EmulatorLimits, EmulatorRequest, EmulatorResponse, FrontEmulator
from front_core_api.api.contacts import list_contacts
from vcr.cassette import Cassette  # type: ignore[import-untyped]

from tests import payloads

from .conftest import EMULATOR_PORT, EMULATOR_URL, TEST_TOKEN, recording

pytestmark = pytest.mark.vcr

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def front_list(items: list[dict[str, Any]], page_size: int) -> Any:
    """A list as Front answers it: pages of ``page_size``, each next link carrying the request's q."""

    def handler(request: EmulatorRequest) -> EmulatorResponse:
        start = int(request.query.get("page_token", ["0"])[0])
        filters = [(k, v) for k, values in request.query.items() if k.startswith("q[") for v in values]
        following = None
        if start + page_size < len(items):
            following = (
                f"{EMULATOR_URL}{request.path}?{urlencode([*filters, ('page_token', start + page_size)])}"
            )
        return EmulatorResponse(
            200, {"_results": items[start : start + page_size], "_pagination": {"next": following}}
        )

    return handler


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's name without the mode: sync and async share (and must both match) one cassette."""
    return str(request.node.originalname.removeprefix("test_").replace("_", "-"))


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[FrontEmulator]:
    """Started only while recording; on replay it is set up the same way, but nothing listens."""
    emulator = FrontEmulator(EmulatorLimits(enabled=False), port=EMULATOR_PORT, stateful=False)
    if recording(request.config):
        with emulator:
            yield emulator
    else:
        yield emulator


@pytest.fixture
async def client(mode: str) -> AsyncIterator[FrontClient | AsyncFrontClient]:
    if mode == "async":
        async with AsyncFrontClient(TEST_TOKEN, base_url=EMULATOR_URL, limiter=False) as front:
            yield front
    else:
        with FrontClient(TEST_TOKEN, base_url=EMULATOR_URL, limiter=False) as front:
            yield front


async def items_of(listing: Any) -> list[Any]:
    if hasattr(listing, "__aiter__"):
        return [item async for item in listing]
    return list(listing)


async def test_open_conversations_across_pages(
    emulator: FrontEmulator, client: FrontClient | AsyncFrontClient, vcr: Cassette
) -> None:
    conversations = [
        payloads.conversation(EMULATOR_URL, id=f"cnv_{n}", status="unassigned") for n in range(5)
    ]
    emulator.route("GET", "/conversations", front_list(conversations, page_size=2))
    found = await items_of(client.conversations.list(q={"statuses": ["unassigned", "assigned"]}))
    assert [c.id for c in found] == [f"cnv_{n}" for n in range(5)]
    statuses = [("q[statuses][]", "assigned"), ("q[statuses][]", "unassigned")]  # vcrpy sorts the query
    assert [(r.path, r.query) for r in vcr.requests] == [
        ("/conversations", statuses),
        # The next links as Front wrote them: q once, and the page token.
        ("/conversations", [("page_token", "2"), *statuses]),
        ("/conversations", [("page_token", "4"), *statuses]),
    ]


async def test_events_since_a_time(
    emulator: FrontEmulator, client: FrontClient | AsyncFrontClient, vcr: Cassette
) -> None:
    emulator.route("GET", "/events", front_list([], page_size=10))
    assert await items_of(client.events.list(q={"after": SINCE, "types": ["archive", "reopen"]})) == []
    [request] = vcr.requests
    assert request.path == "/events"
    assert [(k, v) for k, v in request.query if k.startswith("q")] == [
        ("q[after]", "1767225600"),
        ("q[types][]", "archive"),
        ("q[types][]", "reopen"),
    ]


async def test_contacts_updated_since_through_paginate(
    emulator: FrontEmulator, client: FrontClient | AsyncFrontClient, vcr: Cassette
) -> None:
    emulator.route("GET", "/contacts", front_list([], page_size=10))
    await items_of(client.paginate(list_contacts, q={"updated_after": SINCE}, limit=50))
    [request] = vcr.requests
    assert (request.path, request.query) == (
        "/contacts",
        [("limit", "50"), ("q[updated_after]", "1767225600")],
    )
