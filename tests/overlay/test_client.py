"""FrontClient / AsyncFrontClient: construction, as ``client=``, the raw escape hatch, secrets, logs."""

from __future__ import annotations

import json
import logging
import socket
from importlib import metadata

import httpx
import pytest
from front_client import (
    DEFAULT_BASE_URL,
    AsyncFrontClient,
    ForeignHostError,
    FrontClient,
    FrontStatusError,
    InProcessLimiter,
    InvalidTokenError,
    MissingTokenError,
    NotFoundError,
)
from front_client.limiter.unlimited import Unlimited
from front_core_api.api.conversations import get_conversation_by_id, list_conversations
from front_core_api.client import AuthenticatedClient
from front_core_api.models.conversation_response import ConversationResponse

from tools import fetch_spec

from .conftest import TOKEN, Driver, FrontStandIn, Reply, error_body

CONVERSATION = {"id": "cnv_1", "subject": "Hello", "status": "assigned"}


@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
def test_no_token_names_both_ways_to_give_one(
    cls: type[FrontClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FRONT_API_TOKEN", raising=False)
    with pytest.raises(MissingTokenError) as caught:
        cls()
    assert "token=" in str(caught.value)
    assert "FRONT_API_TOKEN" in str(caught.value)


@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
def test_defaults(cls: type[FrontClient], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONT_API_TOKEN", TOKEN)
    client = cls()
    assert not isinstance(client, AuthenticatedClient)  # composition: it owns an httpx client
    assert client.base_url == DEFAULT_BASE_URL == "https://api2.frontapp.com"
    assert isinstance(client.limiter, InProcessLimiter)
    assert client.options.max_retry_after == 120.0 and client.options.max_retries == 3
    http = (
        client.get_async_httpx_client() if isinstance(client, AsyncFrontClient) else client.get_httpx_client()
    )
    assert http.timeout.connect == 10.0
    assert http.timeout.read == 60.0
    assert http.follow_redirects is False
    assert isinstance(cls("x", limiter=False).limiter, Unlimited)


async def test_generated_functions_take_the_client(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(json=CONVERSATION))
    client = api.client()
    conversation = await api.call(client, get_conversation_by_id, "cnv_1")
    assert isinstance(conversation, ConversationResponse)
    assert conversation.id == "cnv_1"
    detailed = await api.call_detailed(client, get_conversation_by_id, "cnv_1")
    assert detailed.status_code == 200
    assert [r.headers["authorization"] for r in api.front.requests] == [f"Bearer {TOKEN}"] * 2


async def test_token_from_environment(api: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONT_API_TOKEN", "tok_from_env")
    api.front.on("GET", "/conversations/cnv_1", Reply(json=CONVERSATION))
    await api.call(api.client(token=None), get_conversation_by_id, "cnv_1")
    assert api.front.requests[0].headers["authorization"] == "Bearer tok_from_env"


async def test_the_wrong_kind_of_function_says_which_client_to_use(api: Driver) -> None:
    client = api.client()
    # mypy --strict reports it (SyncApiClient / AsyncApiClient); at run time nothing is sent.
    if isinstance(client, AsyncFrontClient):
        with pytest.raises(AttributeError, match="get_httpx_client"):
            get_conversation_by_id.sync("cnv_1", client=client)  # type: ignore[arg-type]
    else:
        with pytest.raises(AttributeError, match="get_async_httpx_client"):
            await get_conversation_by_id.asyncio("cnv_1", client=client)  # type: ignore[arg-type]
    assert api.front.requests == []


async def test_raw_request_goes_through_the_same_stack(api: Driver) -> None:
    api.front.on("GET", "/undocumented/route", Reply(json={"ok": True}))
    api.front.on("POST", "/undocumented/other", Reply(404, json=error_body(404, "Not found", "nope")))
    client = api.client()
    response = await api.request(client, "GET", "/undocumented/route", params={"q": "1"})
    assert response.json() == {"ok": True}
    with pytest.raises(NotFoundError):
        await api.request(client, "POST", "/undocumented/other", json={"a": 1})
    assert [r.headers["authorization"] for r in api.front.requests] == [f"Bearer {TOKEN}"] * 2
    assert api.front.requests[0].query == {"q": ["1"]}


@pytest.mark.parametrize(
    "foreign",
    [
        "https://evilfrontapp.com/conversations",  # ends with "frontapp.com", not a subdomain of it
        "https://acme.api.frontapp.com:8443/conversations",  # Front's subdomain, another port
        "https://api2.frontapp.com:8443/conversations",  # the base host, another port
        "http://api2.frontapp.com/conversations",  # the base host, another scheme
    ],
)
async def test_a_raw_request_to_a_foreign_host_is_not_sent(api: Driver, foreign: str) -> None:
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    with pytest.raises(ForeignHostError) as caught:
        await api.request(client, "GET", foreign)
    assert api.hosts == []  # nothing left the client
    assert api.front.requests == []
    assert foreign.split("/")[2] in str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "front_host",
    [
        "https://acme.api.frontapp.com/conversations",
        "https://acme.api.frontapp.com:443/conversations",
        "https://frontapp.com/conversations",
        "https://api2.frontapp.com/conversations",
    ],
)
async def test_a_raw_request_to_a_front_host_carries_the_token(api: Driver, front_host: str) -> None:
    api.front.on("GET", "/conversations", Reply(json={"_results": []}))
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    await api.request(client, "GET", front_host)
    assert api.hosts == [httpx.URL(front_host).host]
    assert api.front.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_a_raw_request_to_the_base_host_on_another_port_is_not_sent(
    api: Driver, elsewhere: FrontStandIn
) -> None:
    elsewhere.on("GET", "/x", Reply(json={"ok": True}))  # would answer, were anything sent
    with pytest.raises(ForeignHostError):
        await api.request(api.client(), "GET", f"{elsewhere.url}/x")
    assert elsewhere.requests == []
    assert api.front.requests == []


async def test_the_user_agent_names_the_client_and_httpx_versions_and_the_spec_date(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(json=CONVERSATION))
    await api.call(api.client(), get_conversation_by_id, "cnv_1")
    version = metadata.version("front-core-client")
    spec_date = json.loads(fetch_spec.PIN_FILE.read_text(encoding="utf-8"))["date"]
    assert api.front.requests[0].headers["user-agent"] == (
        f"front-core-client/{version} (Front Core API spec {spec_date}) httpx/{httpx.__version__}"
    )


async def test_default_limiter_is_in_the_stack(api: Driver) -> None:
    api.front.on(
        "GET", "/conversations/cnv_1", Reply(json=CONVERSATION, headers={"X-RateLimit-Remaining": "41"})
    )
    limiter = InProcessLimiter()
    client = api.client(limiter=limiter)
    await api.call(client, get_conversation_by_id, "cnv_1")
    await api.call(client, get_conversation_by_id, "cnv_1")
    stats = limiter.stats()
    assert stats.sent == 2
    assert stats.responses == 2


async def test_token_never_in_repr_logs_or_errors(api: Driver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.front.on(
        "GET", "/conversations/cnv_1", Reply(json=CONVERSATION, headers={"X-RateLimit-Remaining": "7"})
    )
    api.front.on("GET", "/conversations/cnv_2", Reply(401, json=error_body(401, "Unauthorized", "bad token")))
    client = api.client()
    await api.call(client, get_conversation_by_id, "cnv_1")
    with pytest.raises(FrontStatusError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_2")
    texts = [repr(client), str(client.__dict__), str(caught.value), repr(caught.value), caplog.text]
    http = (
        client.get_async_httpx_client() if isinstance(client, AsyncFrontClient) else client.get_httpx_client()
    )
    texts += [repr(http)]
    for text in texts:
        assert TOKEN not in text
    assert not hasattr(client, "token")


async def test_one_debug_line_per_request(api: Driver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="front_client")
    api.front.on(
        "GET", "/conversations", Reply(json={"_results": []}, headers={"X-RateLimit-Remaining": "42"})
    )
    await api.call(api.client(), list_conversations, q={"statuses": ["unassigned"]})
    lines = [r.getMessage() for r in caplog.records if r.name == "front_client"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /conversations -> 200 in ")
    assert "remaining: 42" in lines[0]
    assert "unassigned" not in lines[0]


def test_timeout_is_configurable() -> None:
    client = FrontClient("x", timeout=5, limiter=False)
    assert client.get_httpx_client().timeout == httpx.Timeout(5)
    custom = httpx.Timeout(30.0, connect=2.0)
    assert AsyncFrontClient("x", timeout=custom, limiter=False).get_async_httpx_client().timeout == custom


def test_context_managers_close_the_client() -> None:
    with FrontClient("x", limiter=False) as client:
        http = client.get_httpx_client()
    assert http.is_closed


async def test_async_context_manager_closes_the_client() -> None:
    async with AsyncFrontClient("x", limiter=False) as client:
        http = client.get_async_httpx_client()
    assert http.is_closed


@pytest.mark.parametrize(
    "bad", ["eyJhbGciOi\nJIUzI1NiJ9.SECRETPART", "tok en_SECRETPART", "tok_é_SECRETPART"]
)
@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
def test_a_token_a_header_cannot_carry_is_refused_without_quoting_it(
    cls: type[FrontClient], bad: str
) -> None:
    with pytest.raises(InvalidTokenError) as caught:
        cls(bad)
    assert "SECRETPART" not in str(caught.value)
    assert "FRONT_API_TOKEN" in str(caught.value)


async def test_the_environment_proxy_is_used(api: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passing our own transport stack makes httpx ignore HTTP(S)_PROXY: the client must apply it itself,
    NO_PROXY included."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", api.front.url)  # the stand-in plays the proxy
    api.front.on("GET", "/conversations/cnv_1", Reply(json=CONVERSATION))
    client = api.client(base_url="http://front.invalid")
    conversation = await api.call(client, get_conversation_by_id, "cnv_1")
    assert conversation.id == "cnv_1"
    (through_proxy,) = api.front.requests
    assert through_proxy.headers["host"] == "front.invalid"

    # NO_PROXY lists the API's host: the request goes direct, not to the (unreachable) proxy.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        unused_port = sock.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{unused_port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = api.client(max_retries=0)  # base_url: the stand-in itself, on 127.0.0.1
    conversation = await api.call(direct, get_conversation_by_id, "cnv_1")
    assert conversation.id == "cnv_1"
    assert api.front.requests[-1].headers["host"] == api.front.url.removeprefix("http://")


async def test_a_success_status_httpstatus_does_not_know(api: Driver) -> None:
    api.front.on("GET", "/conversations/cnv_1", Reply(299, json=CONVERSATION))
    detailed = await api.call_detailed(api.client(), get_conversation_by_id, "cnv_1")
    assert detailed.status_code == 299


def test_clients_are_hashable_by_identity() -> None:
    first, second = FrontClient("x", limiter=False), FrontClient("x", limiter=False)
    assert len({first, second, first}) == 2


def test_credentials_in_base_url_stay_out_of_host_errors() -> None:
    client = FrontClient("x", base_url="https://user:hunter2@api2.frontapp.com", limiter=False)
    with pytest.raises(ForeignHostError) as caught:
        client.request("GET", "https://elsewhere.example/x")
    assert "hunter2" not in str(caught.value)
