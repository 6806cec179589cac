"""One exception family: everything the client raises is a ``FrontClientError``, with httpx's error chained.

Transport failures were raw ``httpx.ConnectError`` / ``httpx.ReadTimeout`` and limiter failures a separate
``LimiterError`` (``LimiterBackendError`` not even exported): a caller had to catch three families.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx
import pytest
from front_client import (
    FrontClientError,
    FrontConnectionError,
    FrontTimeoutError,
    LimiterBackendError,
    LimiterError,
    LimiterTimeout,
    RateLimitPauseError,
)
from front_client.limiter import RedisLimiter
from front_core_api.api.conversations import get_conversation_by_id

from tests.overlay.conftest import Reply

from .conftest import TOKEN, Connection, Driver, RawServer, Script, http_head


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_error_class_is_in_the_family() -> None:
    for cls in (FrontConnectionError, FrontTimeoutError, LimiterError, LimiterBackendError, LimiterTimeout):
        assert issubclass(cls, FrontClientError), cls
    assert issubclass(FrontTimeoutError, FrontConnectionError) and issubclass(FrontTimeoutError, TimeoutError)
    assert issubclass(RateLimitPauseError, LimiterError)


async def test_a_refused_connection(api: Driver) -> None:
    client = api.client(base_url=f"http://127.0.0.1:{closed_port()}", max_retries=1)
    with pytest.raises(FrontConnectionError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_1")
    error = caught.value
    assert not isinstance(error, FrontTimeoutError)
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert error.method == "GET" and error.url.endswith("/conversations/cnv_1")
    assert "ConnectError" in str(error) and TOKEN not in str(error)
    assert len(api.sleeps) == 1  # retried once first, as before


async def test_a_read_timeout(api: Driver) -> None:
    api.front.on("POST", "/raw", Reply(200, json={}, delay=1.0))
    client = api.client(timeout=httpx.Timeout(5.0, read=0.2))
    with pytest.raises(FrontTimeoutError) as caught:
        await api.request(client, "POST", "/raw", json={})
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert isinstance(caught.value, TimeoutError)
    assert api.front.count("POST", "/raw") == 1


def hang_up_mid_headers(connection: Connection) -> None:
    connection.send(b"HTTP/1.1 200 OK\r\nContent-")


def hang_up_mid_body(connection: Connection) -> None:
    connection.send(http_head(200, {"Content-Type": "application/json", "Content-Length": "100"}) + b'{"id"')


@pytest.mark.parametrize("script", [hang_up_mid_headers, hang_up_mid_body], ids=["headers", "body"])
async def test_a_server_hanging_up(
    api: Driver, raw_server: Callable[[Script], RawServer], script: Script
) -> None:
    server = raw_server(script)
    client = api.client(base_url=server.url)
    with pytest.raises(FrontConnectionError) as caught:
        await api.request(client, "POST", "/raw", json={"a": 1})
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert len(server.connections) == 1  # a write is not re-sent after the server may have processed it


async def test_an_unreachable_redis_is_a_front_client_error(api: Driver) -> None:
    limiter = RedisLimiter(f"redis://127.0.0.1:{closed_port()}/0", company_key="acme", socket_timeout=0.5)
    client = api.client(limiter=limiter)
    with pytest.raises(FrontClientError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert isinstance(caught.value, LimiterBackendError)
    assert api.front.requests == []  # fails closed: nothing sent
    if api.is_async:
        await limiter.aclose()
    limiter.close()


def test_the_classes_are_exported() -> None:
    import front_client

    for name in ("FrontConnectionError", "FrontTimeoutError", "LimiterBackendError", "LimiterError"):
        assert name in front_client.__all__ and hasattr(front_client, name)
