"""The facade's behaviour on the emulator, sync and async alike: what is sent, what comes back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
import pytest
from front_client import AsyncFrontClient, FrontClient, ServerError
from front_client._resource import RawResponse
from front_client.pagination import Page
from front_client.testing import EmulatorResponse, FrontEmulator, paginated, sequence
from front_core_api.api.conversations import get_conversation_by_id, list_conversations
from front_core_api.models import ConversationResponse, UpdateConversation

from tests.payloads import conversation
from tests.support.clocked import clocked

T = TypeVar("T")
FLAVOURS = ["sync", "async"]


async def _value(result: T | Awaitable[T]) -> T:
    if isinstance(result, Awaitable):
        return await result
    return result


def _client(flavour: str, emulator: FrontEmulator, **options: Any) -> Any:
    kind = FrontClient if flavour == "sync" else AsyncFrontClient
    return kind("test-token", **clocked(base_url=emulator.base_url, **options))


def _network_of(http: Any) -> Any:
    """The innermost transport under a client's stack (retry → limit → guard → network)."""
    layer = http._transport
    while hasattr(layer, "_inner"):
        layer = layer._inner
    return layer


async def _items(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


async def _pages(pager: Any) -> list[Page[Any]]:
    pages = pager.pages()
    if hasattr(pages, "__aiter__"):
        return [page async for page in pages]
    return list(pages)


def _serve_conversations(emulator: FrontEmulator, count: int = 5, page_size: int = 2) -> None:
    items = [conversation(emulator.base_url, id=f"cnv_{n}") for n in range(count)]
    emulator.route("GET", "/conversations", paginated(lambda: emulator.base_url, items, page_size))
    emulator.json_route("GET", "/conversations/{id}", conversation(emulator.base_url))
    emulator.route("PATCH", "/conversations/{id}", lambda _r: EmulatorResponse(204))
    emulator.route("PUT", "/conversations/{id}/assignee", lambda _r: EmulatorResponse(204))
    emulator.route("POST", "/conversations/{id}/messages", lambda _r: EmulatorResponse(202, {"status": "ok"}))


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_null_unassigns_and_nothing_is_sent_for_arguments_not_given(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    _serve_conversations(front_emulator)
    client = _client(flavour, front_emulator)
    assert await _value(client.conversations.update_assignee("cnv_1", assignee_id=None)) is None
    await _value(client.conversations.update("cnv_1", status="open"))
    await _items(client.conversations.list())
    sent = front_emulator.requests
    assert json.loads(sent[0].body) == {"assignee_id": None}
    assert json.loads(sent[1].body) == {"status": "open"}
    assert sent[2].query == {}


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_a_body_model_is_accepted_as_body(flavour: str, front_emulator: FrontEmulator) -> None:
    _serve_conversations(front_emulator)
    client = _client(flavour, front_emulator)
    await _value(client.conversations.update("cnv_1", body=UpdateConversation(status="archived")))
    assert json.loads(front_emulator.requests[0].body) == {"status": "archived"}


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_a_misspelt_body_field_names_the_method_and_sends_nothing(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    _serve_conversations(front_emulator)
    client = _client(flavour, front_emulator)
    with pytest.raises(TypeError, match=r"conversations\.update\(\).*statuss.*UpdateConversation"):
        await _value(client.conversations.update("cnv_1", statuss="archived"))
    with pytest.raises(TypeError, match="limti"):
        client.conversations.list(limti=100)
    assert front_emulator.requests == []


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_results_are_the_models_and_lists_page_on_their_own(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    _serve_conversations(front_emulator, count=5, page_size=2)
    client = _client(flavour, front_emulator)
    got = await _value(client.conversations.get("cnv_1"))
    assert isinstance(got, ConversationResponse) and got.id == "cnv_1"
    items = await _items(client.conversations.list(limit=2))
    assert [c.id for c in items] == [f"cnv_{n}" for n in range(5)]
    assert all(isinstance(c, ConversationResponse) for c in items)
    pages = await _pages(client.conversations.list(limit=2))
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert pages[0].next is not None and pages[0].next.endswith("page_token=2") and pages[-1].next is None
    front_emulator.requests.clear()
    assert len(await _items(client.conversations.list(max_items=3))) == 3
    assert len(front_emulator.requests) == 2  # stopped after the page that reached max_items


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_with_raw_response_gives_status_headers_and_the_parsed_result(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    _serve_conversations(front_emulator)
    client = _client(flavour, front_emulator)
    raw = await _value(client.conversations.with_raw_response.get("cnv_1"))
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200 and "x-ratelimit-remaining" in raw.headers
    assert isinstance(raw.parse(), ConversationResponse) and raw.parsed.id == "cnv_1"
    first = await _value(client.conversations.with_raw_response.list(limit=2))
    assert first.status_code == 200 and isinstance(first.parsed, Page)
    assert [c.id for c in first.parsed.items] == ["cnv_0", "cnv_1"] and first.parsed.next
    assert len(front_emulator.requests) == 2  # the raw list asked for its first page only


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_with_options_shares_pool_and_limiter_and_applies_its_options(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    front_emulator.route("GET", "/conversations/{id}", sequence(EmulatorResponse(503), repeat_last=True))
    network = _ClosingSpy() if flavour == "sync" else _AsyncClosingSpy()
    client = _client(flavour, front_emulator, sleep=_no_sleep(flavour), transport=network)
    quick = client.with_options(timeout=5.0, max_retries=0)
    http = quick.get_httpx_client() if flavour == "sync" else quick.get_async_httpx_client()
    base = client.get_httpx_client() if flavour == "sync" else client.get_async_httpx_client()
    assert http.timeout == httpx.Timeout(5.0) and base.timeout != httpx.Timeout(5.0)
    assert quick.limiter is client.limiter
    assert quick.options.max_retries == 0 and client.options.max_retries == 3
    # The same limiter and network transport under a retry layer of the copy's own.
    assert _network_of(http) is _network_of(base) is network
    assert quick.conversations is not client.conversations and quick.conversations._client is quick
    with pytest.raises(ServerError):
        await _value(quick.conversations.get("cnv_1"))
    assert len(front_emulator.requests) == 1  # max_retries=0: sent once
    with pytest.raises(ServerError):
        await _value(client.conversations.get("cnv_1"))
    assert len(front_emulator.requests) == 1 + 4  # the original keeps its 3 retries
    # Closing the copy leaves the original's pool open; closing the original closes it.
    if flavour == "sync":
        quick.close()
        with client.with_options(timeout=1.0):
            pass
        assert network.closed == 0
        client.close()
    else:
        await quick.aclose()
        async with client.with_options(timeout=1.0):
            pass
        assert network.closed == 0
        await client.aclose()
    assert network.closed == 1


class _ClosingSpy(httpx.HTTPTransport):
    closed = 0

    def close(self) -> None:
        self.closed += 1
        super().close()


class _AsyncClosingSpy(httpx.AsyncHTTPTransport):
    closed = 0

    async def aclose(self) -> None:
        self.closed += 1
        await super().aclose()


def _no_sleep(flavour: str) -> Any:
    if flavour == "sync":
        return lambda _seconds: None

    async def sleep(_seconds: float) -> None:
        return None

    return sleep


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_attachments_as_bytes_or_open_files(flavour: str, front_emulator: FrontEmulator) -> None:
    _serve_conversations(front_emulator)
    client = _client(flavour, front_emulator)
    upload = io.BytesIO(b"second file")
    upload.name = "/tmp/notes.txt"
    await _value(client.messages.create_reply("cnv_1", body="two files", attachments=[b"first", upload]))
    body = front_emulator.requests[0].body
    assert b"first" in body and b"second file" in body and b'filename="notes.txt"' in body


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_paginate_refuses_a_non_list_operation_before_sending(
    flavour: str, front_emulator: FrontEmulator
) -> None:
    client = _client(flavour, front_emulator)
    with pytest.raises(TypeError, match="does not answer a list"):
        client.paginate(get_conversation_by_id, conversation_id="cnv_1")
    assert front_emulator.requests == []
    assert client.paginate(list_conversations, limit=5) is not None


def test_namespaces_are_cached_per_client() -> None:
    client = FrontClient("token", limiter=False)
    assert client.conversations is client.conversations
    assert client.conversations.with_raw_response is client.conversations.with_raw_response


def test_namespaces_load_lazily() -> None:
    script = (
        "import sys\n"
        "from front_client import FrontClient\n"
        "loaded = lambda: {m for m in sys.modules if m.startswith('front_core_api.resources.')}\n"
        "before = loaded()\n"
        "client = FrontClient('token', limiter=False)\n"
        "client.conversations\n"
        "print(sorted(before), sorted(loaded()))\n"
        "print(any(m.startswith('front_core_api.api.tags') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[] ['front_core_api.resources.conversations']", "False"]


def test_models_also_read_fronts_own_names() -> None:
    from front_core_api.models import ListConversationsResponse200

    page = ListConversationsResponse200.from_dict(
        {
            "_results": [conversation()],
            "_pagination": {"next": None},
            "_links": {"self": "https://x/conversations"},
        }
    )
    assert page.results is page.field_results and page.pagination is page.field_pagination
    assert not isinstance(page.links, type(None)) and page.links.self == "https://x/conversations"  # type: ignore[union-attr]
    assert page.results[0].id == "cnv_1"  # type: ignore[index]


def test_a_misspelt_paginate_argument_names_the_operation_and_sends_nothing(
    front_emulator: FrontEmulator,
) -> None:
    client = _client("sync", front_emulator)
    with pytest.raises(
        TypeError, match=r"list_conversations\(\) got an unexpected keyword argument 'limti'.*limit"
    ):
        client.paginate(list_conversations, limti=100)
    assert front_emulator.requests == []
