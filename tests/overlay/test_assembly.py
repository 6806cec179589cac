"""One assembly for every client: options, the credential seam, closed clients, Core and Channel alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from front_channel_api.api.messages import sync_inbound_message
from front_channel_api.models import InboundMessage
from front_client import (
    AsyncFrontChannelClient,
    AsyncFrontClient,
    AuthenticationError,
    ClientClosedError,
    FrontChannelClient,
    FrontClient,
    FrontClientError,
    FrontStatusError,
    InProcessLimiter,
)
from front_client.credentials import CredentialKind
from front_client.options import ClientOptions
from front_client.testing import EmulatorResponse, FrontEmulator
from front_core_api.api.conversations import get_conversation_by_id

from .conftest import TOKEN, Driver, Recorded, Reply

PATH = "/conversations/cnv_1"
CONVERSATION = {"id": "cnv_1", "subject": "s", "status": "archived"}
CHANNEL: dict[str, Any] = {
    "channel_id": "cha_1",
    "app_uid": "app_9f2c",
    "app_secret": "app-secret-7d1e5b2a-0c44-4f1e-9b7d-aa31",
}
MESSAGE = InboundMessage.from_dict(
    {
        "sender": {"handle": "h"},
        "body": "x",
        "metadata": {"external_id": "m", "external_conversation_id": "c"},
    }
)


class RotatingToken:
    """A credential whose token Front refuses until it is refreshed (an OAuth token revoked)."""

    kind: CredentialKind = "oauth"

    def __init__(self, tokens: list[str], refreshable: bool = True) -> None:
        self.tokens = tokens
        self.refreshable = refreshable
        self.refreshed: list[str] = []

    def token(self) -> str:
        return self.tokens[0]

    async def atoken(self) -> str:
        return self.token()

    def refresh(self, rejected: str) -> str | None:
        self.refreshed.append(rejected)
        if not self.refreshable or len(self.tokens) == 1:
            return None
        self.tokens.pop(0)
        return self.tokens[0]

    async def arefresh(self, rejected: str) -> str | None:
        return self.refresh(rejected)

    def secrets(self) -> Iterable[str]:
        return tuple(self.tokens)


def only_token(valid: str) -> Any:
    def answer(request: Recorded) -> Reply:
        if request.headers.get("authorization") == f"Bearer {valid}":
            return Reply(json=CONVERSATION)
        sent = request.headers.get("authorization", "")
        return Reply(401, json={"_error": {"status": 401, "title": "Unauthorized", "message": f"bad {sent}"}})

    return answer


async def test_a_401_refreshes_the_credential_and_re_sends_once(api: Driver) -> None:
    api.front.on("GET", PATH, only_token("tok_fresh_2222"))
    credential = RotatingToken(["tok_stale_1111", "tok_fresh_2222"])
    client = api.client(token=None, credential=credential)
    conversation = await api.call(client, get_conversation_by_id, "cnv_1")
    assert conversation.id == "cnv_1"
    assert credential.refreshed == ["tok_stale_1111"]
    assert [r.headers["authorization"] for r in api.front.requests] == [
        "Bearer tok_stale_1111",
        "Bearer tok_fresh_2222",
    ]


async def test_a_second_401_raises_without_a_third_request_or_a_token_in_the_text(api: Driver) -> None:
    api.front.on("GET", PATH, only_token("never"))
    credential = RotatingToken(["tok_stale_1111", "tok_fresh_2222", "tok_third_3333"])
    client = api.client(token=None, credential=credential)
    with pytest.raises(AuthenticationError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert len(api.front.requests) == 2 and credential.refreshed == ["tok_stale_1111"]
    text = f"{caught.value} {caught.value.body} {caught.value!r} {caught.value.headers}"
    assert "tok_" not in text and "<redacted>" in str(caught.value)


async def test_a_credential_that_cannot_refresh_raises_the_first_401(api: Driver) -> None:
    api.front.on("GET", PATH, only_token("never"))
    client = api.client()  # a static API token
    with pytest.raises(AuthenticationError):
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert len(api.front.requests) == 1


async def test_a_closed_client_sends_nothing_and_says_so(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(json=CONVERSATION))
    client = api.client()
    copy = client.with_options(max_retries=0)
    await api.close()
    for closed in (client, copy):
        with pytest.raises(ClientClosedError, match="was closed") as caught:
            await api.call(closed, get_conversation_by_id, "cnv_1")
        assert isinstance(caught.value, FrontClientError)
    assert api.front.requests == []


async def test_closing_a_copy_leaves_its_original_open(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(json=CONVERSATION))
    client = api.client()
    copy = client.with_options(timeout=5.0)
    if isinstance(copy, AsyncFrontClient):
        await copy.aclose()
    else:
        copy.close()
    assert copy.closed and not client.closed
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    with pytest.raises(ClientClosedError):
        await api.call(copy, get_conversation_by_id, "cnv_1")


@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
def test_with_options_cannot_change_what_the_copy_shares(cls: type[FrontClient]) -> None:
    client = cls(TOKEN, base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="base_url"):
        client._copy_with(client.options.replace(base_url="http://127.0.0.1:10"))
    copy = client.with_options(max_retries=0, headers={"X-Trace": "1"})
    assert copy.options.max_retries == 0 and copy.options.headers == {"X-Trace": "1"}
    assert client.options.max_retries == 3 and client.options.headers == {}
    assert copy.limiter is client.limiter


@pytest.mark.parametrize(
    ("changes", "word"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_retry_after": float("nan")}, "max_retry_after"),
        ({"max_total_wait": -1.0}, "max_total_wait"),
        ({"deadline": 0}, "deadline"),
        ({"max_body_size": 0}, "max_body_size"),
    ],
)
def test_options_refuse_what_cannot_work(changes: dict[str, Any], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        ClientOptions(**changes)


def test_limiter_true_is_refused_with_a_message() -> None:
    with pytest.raises(TypeError, match="limiter=True"):
        FrontClient(TOKEN, limiter=True)  # type: ignore[arg-type]


def test_options_and_keywords_compose_keywords_winning() -> None:
    base = ClientOptions(max_retries=1, deadline=10.0)
    client = FrontClient(TOKEN, options=base, max_retries=5)
    assert (client.options.max_retries, client.options.deadline) == (5, 10.0)
    assert base.max_retries == 1  # frozen: nothing changed the caller's object


# -- the Channel clients are assembled the same way --------------------------------------------------------
def _channel(asynchronous: bool, **options: Any) -> FrontChannelClient | AsyncFrontChannelClient:
    return (
        AsyncFrontChannelClient(**CHANNEL, **options)
        if asynchronous
        else FrontChannelClient(**CHANNEL, **options)
    )


async def _send(client: FrontChannelClient | AsyncFrontChannelClient) -> Any:
    if isinstance(client, AsyncFrontChannelClient):
        return await sync_inbound_message.asyncio_detailed(client.channel_id, client=client, body=MESSAGE)
    return sync_inbound_message.sync_detailed(client.channel_id, client=client, body=MESSAGE)


async def _close(client: Any) -> None:
    if isinstance(client, AsyncFrontChannelClient | AsyncFrontClient):
        await client.aclose()
    else:
        client.close()


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_channel_and_core_clients_send_the_same_stack(
    asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FrontEmulator() as emulator:
        emulator.route("POST", "/channels/{id}/inbound_messages", lambda request: EmulatorResponse(202, {}))
        monkeypatch.setenv("FRONT_API_BASE_URL", emulator.base_url)
        channel = _channel(asynchronous)
        core: Any = AsyncFrontClient(TOKEN) if asynchronous else FrontClient(TOKEN)
        assert channel.base_url == core.base_url == emulator.base_url  # FRONT_API_BASE_URL for both
        await _send(channel)
        copy = channel.with_options(max_retries=0)
        await _send(copy)
        assert copy.options.max_retries == 0 and copy.limiter is channel.limiter
        assert isinstance(channel.limiter, InProcessLimiter) and channel.limiter.max_wait == pytest.approx(
            120.0
        )
        sent = emulator.requests_to("POST /channels/{id}/inbound_messages")
        assert [request.headers["accept-encoding"] for request in sent] == ["gzip, deflate"] * 2
        for client in (channel, core):
            await _close(client)
        with pytest.raises(ClientClosedError):
            await _send(copy)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_a_channel_jwt_echoed_by_the_server_is_redacted_everywhere(asynchronous: bool) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"]
        return httpx.Response(
            400, headers={"X-Echo": sent}, json={"_error": {"status": 400, "message": f"you sent {sent}"}}
        )

    transport: Any = httpx.MockTransport(echo)
    client = _channel(asynchronous, transport=transport, limiter=False)
    with pytest.raises(FrontStatusError) as caught:
        await _send(client)
    await _close(client)
    error = caught.value
    texts = [str(error), repr(error), error.message or "", error.body, str(error.headers), repr(client)]
    assert all("eyJ" not in text for text in texts), texts  # no JWT (base64 JSON header) anywhere
    assert all(CHANNEL["app_secret"] not in text for text in texts)
    assert "<redacted>" in str(error) and error.headers["x-echo"] == "Bearer <redacted>"


async def test_limiter_false_never_waits_but_still_counts(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(429, headers={"Retry-After": "0"}), Reply(json=CONVERSATION))
    client = api.client(limiter=False)
    await api.call(client, get_conversation_by_id, "cnv_1")
    stats = client.limiter.stats()  # typed: client.limiter is never None
    assert (stats.sent, stats.responses, stats.responses_429) == (2, 2, 1)
    client.limiter.reset()
    assert client.limiter.stats().sent == 0
