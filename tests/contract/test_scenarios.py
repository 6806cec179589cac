"""Scenario cassettes: how the whole client behaves on Front's failure modes, recorded from the emulator.

While recording (``make record``) each test starts the Front emulator (``front_client.testing``) on a fixed
port, sets it up for its scenario (a spent rate-limit window, a strict tier, a private resource, a failing
route...) and drives ``FrontClient`` / ``AsyncFrontClient`` against it. On replay the emulator is not
started at all: vcrpy answers from the cassette, and our auth, limiter, retry and error layers run on the
recorded answers exactly as they did on the live ones.

One clock for everything: the emulator's rate-limit windows, the client's limiter (monotonic and wall
clock) and the retry layer's sleeps all read a :class:`FakeClock` that only moves when the client sleeps.
So a recorded ``Retry-After: 60`` is "slept" in no time, the emulator's headers (``X-RateLimit-Reset``) are
the same on every recording, and ``clock.slept`` says exactly what the client waited.

Each scenario runs sync and async on one cassette (recorded by whichever runs first).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from front_client import (
    AsyncFrontClient,
    FrontClient,
    NotFoundError,
    PrivateResourceError,
    RateLimitError,
    ServerError,
)
from front_client.limiter import InProcessLimiter, RateLimitPolicy
from front_client.pagination import Page
from front_client.testing import EmulatorLimits, EmulatorResponse, FrontEmulator, paginated, sequence
from front_core_api.api.comments import add_comment
from front_core_api.api.contacts import get_contact
from front_core_api.api.conversations import get_conversation_by_id, update_conversation
from front_core_api.api.tags import get_tag, list_tags
from front_core_api.models import (
    ConversationResponse,
    CreateComment,
    ListTagsResponse200,
    TagResponse,
    UpdateConversation,
)
from front_core_api.types import UNSET, Response
from vcr.cassette import Cassette  # type: ignore[import-untyped]

from tests import payloads
from tests.support.clocked import clocked

from .conftest import EMULATOR_PORT, EMULATOR_URL, TEST_TOKEN, recording
from .fakes import FakeClock

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z: a real UNIX time, as X-RateLimit-Reset is one

pytestmark = pytest.mark.vcr


def tag(number: int) -> dict[str, Any]:
    return {
        "_links": {"self": f"{EMULATOR_URL}/tags/tag_{number}", "related": {}},
        "id": f"tag_{number}",
        "name": f"Tag {number}",
        "description": None,
        "highlight": None,
        "is_private": False,
        "is_visible_in_conversation_lists": True,
        "created_at": 1_700_000_000.0 + number,
    }


def conversation(**overrides: Any) -> dict[str, Any]:
    return payloads.conversation(EMULATOR_URL, **overrides)


def front_error(status: int, title: str, message: str) -> dict[str, Any]:
    return {"_error": {"status": status, "title": title, "message": message}}


COMMENT = {"_links": {"self": f"{EMULATOR_URL}/comments/com_1"}, "id": "com_1", "body": "Hello"}


class Front:
    """One client, sync or async, driven the same way: every method is awaitable in both modes."""

    def __init__(self, mode: str, clock: FakeClock, **options: Any) -> None:
        common: dict[str, Any] = {"base_url": EMULATOR_URL, "clock": clock, **options}
        self.client: FrontClient | AsyncFrontClient
        if mode == "async":
            limiter = InProcessLimiter(clock=clock, wall_clock=clock, async_sleep=clock.async_sleep)
            self.client = AsyncFrontClient(
                TEST_TOKEN, **clocked(limiter=limiter, sleep=clock.async_sleep, **common)
            )
        else:
            limiter = InProcessLimiter(clock=clock, wall_clock=clock, sleep=clock.sleep)
            self.client = FrontClient(TEST_TOKEN, **clocked(limiter=limiter, sleep=clock.sleep, **common))

    async def call(self, operation: ModuleType, *args: Any, **kwargs: Any) -> Response[Any]:
        """``operation.sync_detailed`` or ``await operation.asyncio_detailed``."""
        if isinstance(self.client, AsyncFrontClient):
            response: Response[Any] = await operation.asyncio_detailed(*args, client=self.client, **kwargs)
        else:
            response = operation.sync_detailed(*args, client=self.client, **kwargs)
        return response

    async def pages(self, operation: ModuleType, **kwargs: Any) -> list[Page[Any]]:
        """Every page of ``client.paginate(operation, ...)``."""
        if isinstance(self.client, AsyncFrontClient):
            return [page async for page in self.client.paginate(operation, **kwargs).pages()]
        return list(self.client.paginate(operation, **kwargs).pages())

    async def close(self) -> None:
        if isinstance(self.client, AsyncFrontClient):
            await self.client.aclose()
        else:
            self.client.close()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's name without the mode: sync and async share (and must both match) one cassette."""
    params = {k: v for k, v in request.node.callspec.params.items() if k != "mode"}
    name = request.node.originalname.removeprefix("test_").replace("_", "-")
    return "-".join([name, *map(str, params.values())])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def emulator(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[FrontEmulator]:
    """Front's default limits (100 requests / 60 s; tier 1 = 1/s, tier 2 = 3/s) on the fake clock. Started
    only while recording; on replay the test still sets it up (the same code), but nothing listens."""
    emulator = FrontEmulator(EmulatorLimits(), clock=clock, port=EMULATOR_PORT, stateful=False)
    if recording(request.config):
        with emulator:
            yield emulator
    else:
        yield emulator


@pytest.fixture
async def connect(mode: str, clock: FakeClock) -> AsyncIterator[Callable[..., Front]]:
    """``connect(**options)``: a :class:`Front` on the emulator's URL (closed after the test)."""
    opened: list[Front] = []

    def factory(**options: Any) -> Front:
        opened.append(Front(mode, clock, **options))
        return opened[-1]

    yield factory
    for front in opened:
        await front.close()


@pytest.fixture
def front(connect: Callable[..., Front]) -> Front:
    return connect()


def requests_sent(cassette: Cassette) -> int:
    """How many requests reached the (recorded or replayed) server in this test."""
    if cassette.dirty:  # recorded just now: everything in it was sent
        return len(cassette)
    assert cassette.all_played, f"{len(cassette) - cassette.play_count} recorded answer(s) never asked for"
    return int(cassette.play_count)


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Fails the test if anything really sleeps (a yield, ``asyncio.sleep(0)``, is no sleep): every wait
    must go to the fake clock. Requested before ``front``, so the client's defaults are these too."""
    slept: list[float] = []
    yield_once = asyncio.sleep

    def real_sleep(seconds: float) -> None:
        slept.append(seconds)
        pytest.fail(f"time.sleep({seconds}) really called: the wait did not go to the fake clock")

    async def real_async_sleep(seconds: float, result: Any = None) -> Any:
        if seconds <= 0:
            return await yield_once(0, result)
        slept.append(seconds)
        pytest.fail(f"asyncio.sleep({seconds}) really called: the wait did not go to the fake clock")

    monkeypatch.setattr(time, "sleep", real_sleep)
    monkeypatch.setattr(asyncio, "sleep", real_async_sleep)
    yield slept
    assert slept == []


async def test_a_429_is_retried_once_after_its_retry_after(
    no_real_sleep: list[float], emulator: FrontEmulator, front: Front, clock: FakeClock, vcr: Cassette
) -> None:
    emulator.json_route("GET", "/tags/{tag_id}", tag(1))
    emulator.burn()  # other clients of the company spent the whole window: the next request gets a 429

    response = await front.call(get_tag, "tag_1")

    assert response.status_code == 200
    assert isinstance(response.parsed, TagResponse) and response.parsed.id == "tag_1"
    assert requests_sent(vcr) == 2  # the 429, then its one re-send
    # The retry layer waited the Retry-After (to the end of Front's 60 s window, which started with the
    # burn) before its one re-send; the limiter, which read the window's end from X-RateLimit-Reset, waits
    # at most its reset margin more. All of it on the fake clock (``no_real_sleep``).
    assert clock.slept[0] == 60.0
    assert sum(clock.slept) <= 60.0 + RateLimitPolicy().reset_margin_seconds
    assert clock.now - START >= 60.0


async def test_a_tier_2_429_names_its_tier_and_is_retried(
    emulator: FrontEmulator, front: Front, clock: FakeClock, vcr: Cassette
) -> None:
    emulator.set_tier("2", 1, 10.0)  # stricter than the client's table (3 per second): Front wins
    emulator.json_route("PATCH", "/conversations/{conversation_id}", None, 204)
    archive = UpdateConversation.from_dict({"status": "archived"})

    first = await front.call(update_conversation, "cnv_1", body=archive)
    second = await front.call(update_conversation, "cnv_1", body=archive)

    assert first.status_code == second.status_code == 204
    assert requests_sent(vcr) == 3  # the second update got a tier 429 and was re-sent once
    assert clock.slept[0] == 10.0  # the tier's Retry-After


async def test_a_tier_429_longer_than_max_retry_after_raises_rate_limit_error(
    emulator: FrontEmulator, connect: Callable[..., Front], vcr: Cassette
) -> None:
    emulator.set_tier("2", 1, 10.0)
    emulator.json_route("PATCH", "/conversations/{conversation_id}", None, 204)
    front = connect(max_retry_after=5.0)
    archive = UpdateConversation.from_dict({"status": "archived"})

    await front.call(update_conversation, "cnv_1", body=archive)
    with pytest.raises(RateLimitError) as raised:
        await front.call(update_conversation, "cnv_1", body=archive)

    error = raised.value
    assert (error.status, error.tier, error.server_retry_after, error.retry_after) == (429, "2", 10.0, 5.0)
    assert "exceeds max_retry_after=5 s" in str(error)
    assert requests_sent(vcr) == 2  # not retried


async def test_a_private_resource_403_says_how_to_allow_it(
    emulator: FrontEmulator, front: Front, vcr: Cassette
) -> None:
    emulator.private("/conversations/{conversation_id}")

    with pytest.raises(PrivateResourceError) as raised:
        await front.call(get_conversation_by_id, "cnv_private")

    message = str(raised.value)
    assert raised.value.status == 403
    assert "You do not have access to the resources of this teammate" in message
    assert 'Settings > My preferences > "Allow access to my individual resources via the API"' in message
    assert "OAuth client never can" in message
    assert TEST_TOKEN not in message
    assert requests_sent(vcr) == 1


async def test_a_404_raises_not_found_error_with_fronts_message(
    emulator: FrontEmulator, front: Front, vcr: Cassette
) -> None:
    emulator.json_route(
        "GET", "/contacts/{contact_id}", front_error(404, "Not found", "Unknown contact ID crd_404"), 404
    )

    with pytest.raises(NotFoundError) as raised:
        await front.call(get_contact, "crd_404")

    assert (raised.value.status, raised.value.title) == (404, "Not found")
    assert raised.value.message == "Unknown contact ID crd_404"
    assert raised.value.url == f"{EMULATOR_URL}/contacts/crd_404"
    assert requests_sent(vcr) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_server_error_on_a_get_is_retried_after_a_backoff(
    emulator: FrontEmulator, front: Front, clock: FakeClock, vcr: Cassette, status: int
) -> None:
    failing = EmulatorResponse(status, front_error(status, "Unavailable", "Try again"))
    emulator.route("GET", "/tags/{tag_id}", sequence(failing, EmulatorResponse(200, tag(1))))

    response = await front.call(get_tag, "tag_1")

    assert response.status_code == 200 and isinstance(response.parsed, TagResponse)
    assert requests_sent(vcr) == 2
    assert len(clock.slept) == 1 and 0.375 <= clock.slept[0] <= 0.5  # the first backoff, with jitter


async def test_a_500_on_a_post_is_not_retried(
    emulator: FrontEmulator, front: Front, clock: FakeClock, vcr: Cassette
) -> None:
    """Front may have created the comment before failing: a write is never sent twice."""
    failing = EmulatorResponse(500, front_error(500, "Internal server error", "Something went wrong"))
    emulator.route(
        "POST", "/conversations/{conversation_id}/comments", sequence(failing, EmulatorResponse(201, COMMENT))
    )

    with pytest.raises(ServerError) as raised:
        await front.call(add_comment, "cnv_1", body=CreateComment(body="Hello"))

    assert (raised.value.status, raised.value.method) == (500, "POST")
    assert "a POST is not re-sent after a 500" in str(raised.value)
    assert requests_sent(vcr) == 1
    assert clock.slept == []


async def test_a_503_on_a_post_is_not_retried(
    emulator: FrontEmulator, front: Front, clock: FakeClock, vcr: Cassette
) -> None:
    failing = EmulatorResponse(503, front_error(503, "Unavailable", "Try again"))
    emulator.route(
        "POST", "/conversations/{conversation_id}/comments", sequence(failing, EmulatorResponse(201, COMMENT))
    )

    with pytest.raises(ServerError) as raised:
        await front.call(add_comment, "cnv_1", body=CreateComment(body="Hello"))

    assert raised.value.status == 503
    assert "a POST is not re-sent after a 503" in str(raised.value)
    assert requests_sent(vcr) == 1  # the comment may have been posted: never twice
    assert clock.slept == []


async def test_paginate_follows_next_links_across_three_pages(
    emulator: FrontEmulator, front: Front, vcr: Cassette
) -> None:
    emulator.route(
        "GET", "/tags", paginated(lambda: EMULATOR_URL, [tag(n) for n in range(1, 6)], page_size=2)
    )

    pages = await front.pages(list_tags, limit=2)

    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert all(isinstance(page.model, ListTagsResponse200) for page in pages)
    items = [item for page in pages for item in page.items]
    assert all(isinstance(item, TagResponse) for item in items)
    assert [item.id for item in items] == ["tag_1", "tag_2", "tag_3", "tag_4", "tag_5"]
    assert requests_sent(vcr) == 3
    assert [request.uri for request in vcr.requests] == [
        f"{EMULATOR_URL}/tags?limit=2",
        f"{EMULATOR_URL}/tags?page_token=2",
        f"{EMULATOR_URL}/tags?page_token=4",
    ]


async def test_a_response_drifting_from_the_spec_still_parses(
    emulator: FrontEmulator, front: Front, vcr: Cassette
) -> None:
    drifted = conversation(status="snoozed_by_robot")  # an enum value the spec does not know
    del drifted["subject"]  # a field the spec says is required
    emulator.json_route("GET", "/conversations/{conversation_id}", drifted)

    response = await front.call(get_conversation_by_id, "cnv_1")

    parsed = response.parsed
    assert isinstance(parsed, ConversationResponse)
    assert parsed.id == "cnv_1"
    assert parsed.status == "snoozed_by_robot"  # type: ignore[comparison-overlap]  # kept as Front sent it
    assert parsed.subject is UNSET
    assert parsed.missing_fields == ("subject",)
    assert requests_sent(vcr) == 1
