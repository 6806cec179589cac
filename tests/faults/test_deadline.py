"""An overall deadline per attempt, headers and body: a server dripping bytes cannot hold a call for long.

httpx's timeouts are per socket read: a byte every 0.2 s never trips ``read=5``. Each server below would take
10 s to finish; with ``deadline=1`` the call raises ``FrontTimeoutError`` long before, and is not re-sent.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from front_client import DEFAULT_DEADLINE, AsyncFrontClient, FrontClient, FrontClientError, FrontTimeoutError
from front_client.network import DeadlineExceeded
from front_core_api.api.conversations import get_conversation_by_id

from .conftest import Connection, Driver, RawServer, Script, http_head

BODY = b'{"id": "cnv_1", "subject": "dripped", "status": "open", "padding": "' + b"x" * 20 + b'"}'


def dripping_headers(connection: Connection) -> None:
    connection.send(b"HTTP/1.1 200 OK\r\n")
    connection.drip(b"".join(b"X-Drip-%d: a\r\n" % n for n in range(50)), every=0.2, size=13)


def dripping_body(connection: Connection) -> None:
    head = http_head(200, {"Content-Type": "application/json", "Content-Length": str(len(BODY))})
    if connection.send(head):
        connection.drip(BODY, every=0.2, size=2)


@pytest.mark.parametrize("script", [dripping_headers, dripping_body], ids=["headers", "body"])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_dripping_server_hits_the_deadline(
    api: Driver, raw_server: Callable[[Script], RawServer], script: Script, method: str
) -> None:
    server = raw_server(script)
    client = api.client(base_url=server.url, deadline=1.0, timeout=httpx.Timeout(5.0))
    with pytest.raises(FrontTimeoutError) as caught:
        if method == "GET":
            await api.call(client, get_conversation_by_id, "cnv_1")
        else:
            await api.request(client, "POST", "/conversations/cnv_1/messages", json={"body": "x"})
    assert "deadline=1 s" in str(caught.value)
    assert isinstance(caught.value.__cause__, DeadlineExceeded)
    assert isinstance(caught.value, TimeoutError) and isinstance(caught.value, FrontClientError)
    assert len(server.connections) == 1  # not re-sent: another try would only double the wait
    assert server.connections[0].sent < len(BODY) + 600  # it had not finished


async def test_with_a_transport_of_your_own_the_body_is_checked_between_chunks(
    api: Driver, raw_server: Callable[[Script], RawServer]
) -> None:
    server = raw_server(dripping_body)
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport = (
        httpx.AsyncHTTPTransport() if api.is_async else httpx.HTTPTransport()
    )
    client = api.client(base_url=server.url, deadline=1.0, transport=transport)
    with pytest.raises(FrontTimeoutError, match="deadline"):
        await api.call(client, get_conversation_by_id, "cnv_1")


async def test_an_honest_slow_answer_within_the_deadline_is_read(
    api: Driver, raw_server: Callable[[Script], RawServer]
) -> None:
    def slow_but_done(connection: Connection) -> None:
        head = http_head(200, {"Content-Type": "application/json", "Content-Length": str(len(BODY))})
        connection.send(head)
        connection.drip(BODY, every=0.01, size=20)

    server = raw_server(slow_but_done)
    client = api.client(base_url=server.url, deadline=30.0)
    conversation = await api.call(client, get_conversation_by_id, "cnv_1")
    assert conversation.subject == "dripped"


@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
def test_the_deadline_is_on_by_default(cls: type[FrontClient]) -> None:
    assert cls("token").options.deadline == DEFAULT_DEADLINE == 300.0
    assert cls("token", deadline=None).options.deadline is None
    with pytest.raises(ValueError, match="deadline"):
        cls("token", deadline=0)
