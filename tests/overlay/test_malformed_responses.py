"""A success whose body cannot be what the spec declares gives a clear error, never a JSONDecodeError or an
AttributeError from deep inside generated code; drift inside an object still parses (pipeline tests)."""

from __future__ import annotations

import pytest
from front_client import FrontClientError, MalformedResponseError
from front_core_api.api.conversations import get_conversation_by_id, list_conversations
from front_core_api.client import AuthenticatedClient
from front_core_api.errors import MalformedResponse

from tests.payloads import conversation

from .conftest import TOKEN, Driver, FrontStandIn, Recorded, Reply

PROXY_PAGE = Reply(
    200, body=b"<html><title>Upstream unavailable</title></html>", headers={"Content-Type": "text/html"}
)


async def test_an_html_page_instead_of_json(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", PROXY_PAGE)
    with pytest.raises(MalformedResponseError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    error = caught.value
    assert (error.status, error.method, error.operation_id) == (200, "GET", "get_conversation_by_id")
    assert error.url == f"{api.front.url}/conversations/cnv_1"
    assert error.content_type == "text/html"
    text = str(error)
    assert "could not be read as get_conversation_by_id" in text and "Upstream unavailable" in text
    assert TOKEN not in text
    assert isinstance(error, FrontClientError) and isinstance(error, MalformedResponse)


async def test_a_list_where_an_object_is_declared(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(200, json=[conversation()]))
    with pytest.raises(MalformedResponseError, match="AttributeError"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")


async def test_an_empty_body(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(200, body=b""))
    with pytest.raises(MalformedResponseError, match="empty body"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")


async def test_a_malformed_second_page_raises_after_the_first(api: Driver) -> None:
    def route(request: Recorded) -> Reply:
        if request.query.get("page_token") == ["p2"]:
            return PROXY_PAGE
        following = f"{api.front.url}/conversations?page_token=p2"
        return Reply(json={"_pagination": {"next": following}, "_links": {}, "_results": [conversation()]})

    api.front.on("GET", "/conversations", route)
    received: list[object] = []
    with pytest.raises(MalformedResponseError):
        await api.collect(api.client(), received, list_conversations)
    assert len(received) == 1  # page 1 was yielded before page 2 failed: nothing silently dropped


async def test_the_raw_escape_hatch_returns_the_body_as_it_came(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", PROXY_PAGE)
    response = await api.request(api.client(), "GET", "/conversations/cnv_1")
    assert response.status_code == 200 and b"Upstream unavailable" in response.content


def test_the_plain_generated_client_raises_the_generated_error(front: FrontStandIn) -> None:
    front.on("GET", "/conversations/cnv_1", PROXY_PAGE)
    client = AuthenticatedClient(base_url=front.url, token=TOKEN)
    with client, pytest.raises(MalformedResponse) as caught:
        get_conversation_by_id.sync("cnv_1", client=client)
    assert caught.value.status_code == 200 and "JSONDecodeError" in caught.value.reason
    assert not isinstance(caught.value, FrontClientError)
