"""What is sent again, when, and what never is. Counts on the server side; sleeps recorded, never slept."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from front_client import (
    AsyncFrontClient,
    FrontConnectionError,
    FrontTimeoutError,
    RateLimitError,
    ServerError,
)
from front_client.transport import RetryPolicy
from front_core_api.api.conversations import get_conversation_by_id, update_conversation
from front_core_api.api.messages import create_message
from front_core_api.models.outbound_message import OutboundMessage
from front_core_api.models.update_conversation import UpdateConversation

from .conftest import TOKEN, Driver, FrontStandIn, Recorded, Reply, error_body

PATH = "/conversations/cnv_1"
SEND = "/channels/cha_1/messages"
OK = Reply(json={"id": "cnv_1"})
ACCEPTED = Reply(202, json={"status": "accepted", "message_uid": "abc"})
WRITES = ["POST", "PATCH", "PUT", "DELETE"]


def too_many(retry_after: str | None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Reply(429, json=error_body(429, "Too Many Requests", "Rate limit exceeded"), headers=headers)


def message() -> OutboundMessage:
    return OutboundMessage(to=["a@example.com"], body="Hello")


async def test_429_waits_retry_after_then_retries(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("0.5"), OK)
    result = await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert result.id == "cnv_1"
    assert api.front.count("GET", PATH) == 2
    assert api.sleeps == [0.5]


async def test_429_retries_a_post_too_with_the_same_body(api: Driver) -> None:
    api.front.on("POST", SEND, too_many("2"), ACCEPTED)
    await api.call(api.client(), create_message, "cha_1", body=message())
    sent = [r for r in api.front.requests if r.path == SEND]
    assert len(sent) == 2
    assert sent[0].body == sent[1].body and sent[0].json()["to"] == ["a@example.com"]
    assert api.sleeps == [2.0]


async def test_429_without_retry_after_backs_off(api: Driver) -> None:
    api.front.on("GET", PATH, too_many(None), OK)
    await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert len(api.sleeps) == 1 and 0.375 <= api.sleeps[0] <= 0.5


async def test_retry_after_over_the_cap_raises_at_once(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("300"), OK)
    with pytest.raises(RateLimitError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert caught.value.server_retry_after == 300.0  # what the server asked
    assert caught.value.retry_after == 120.0  # what the client honours: its max_retry_after
    assert "max_retry_after=120" in str(caught.value)
    assert api.front.count("GET", PATH) == 1


async def test_an_absurd_retry_after_is_capped_on_the_error(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("1000000000"), OK)
    with pytest.raises(RateLimitError) as caught:
        await api.call(api.client(max_retry_after=30.0), get_conversation_by_id, "cnv_1")
    assert caught.value.server_retry_after == 1e9
    assert caught.value.retry_after == 30.0  # time.sleep(error.retry_after) cannot sleep 31 years
    assert api.sleeps == []


async def test_the_cap_is_configurable(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("300"), OK)
    await api.call(api.client(max_retry_after=600), get_conversation_by_id, "cnv_1")
    assert api.sleeps == [300.0]


async def test_429_until_attempts_run_out(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("1"))
    with pytest.raises(RateLimitError, match="gave up after 3 attempts"):
        await api.call(api.client(max_retries=2), get_conversation_by_id, "cnv_1")
    assert api.front.count("GET", PATH) == 3
    assert api.sleeps == [1.0, 1.0]


async def test_total_wait_is_capped(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("100"))
    with pytest.raises(RateLimitError, match="max_total_wait=150"):
        await api.call(api.client(max_total_wait=150), get_conversation_by_id, "cnv_1")
    assert api.sleeps == [100.0]
    assert api.front.count("GET", PATH) == 2


async def test_5xx_on_get_is_retried_with_growing_backoff(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(503), Reply(502), Reply(504), OK)
    result = await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert result.id == "cnv_1"
    assert api.front.count("GET", PATH) == 4
    first, second, third = api.sleeps
    assert 0.375 <= first <= 0.5 and 0.75 <= second <= 1.0 and 1.5 <= third <= 2.0


async def test_5xx_on_get_until_attempts_run_out(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(503))
    with pytest.raises(ServerError, match="gave up after 4 attempts"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert api.front.count("GET", PATH) == 4


@pytest.mark.parametrize("method", WRITES)
async def test_5xx_on_a_write_is_not_retried(api: Driver, method: str) -> None:
    api.front.on(method, "/raw", Reply(503), Reply(200, json={}))
    with pytest.raises(ServerError, match=f"a {method} is not re-sent after a 503"):
        await api.request(api.client(), method, "/raw", json={"a": 1})
    assert api.front.count(method, "/raw") == 1
    assert api.sleeps == []


async def test_a_post_that_times_out_is_sent_exactly_once(api: Driver) -> None:
    api.front.on("POST", SEND, Reply(202, json={"status": "accepted"}, delay=1.0))
    client = api.client(timeout=httpx.Timeout(5.0, read=0.2))
    with pytest.raises(FrontTimeoutError) as caught:
        await api.call(client, create_message, "cha_1", body=message())
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert api.front.count("POST", SEND) == 1
    assert api.sleeps == []


async def test_a_get_that_times_out_is_retried(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(json={"id": "late"}, delay=1.0), OK)
    client = api.client(timeout=httpx.Timeout(5.0, read=0.2))
    result = await api.call(client, get_conversation_by_id, "cnv_1")
    assert result.id == "cnv_1"
    assert api.front.count("GET", PATH) == 2


@pytest.mark.parametrize("method", WRITES)
async def test_a_write_whose_connection_drops_is_sent_exactly_once(api: Driver, method: str) -> None:
    api.front.on(method, "/raw", Reply(drop=True), Reply(200, json={}))
    with pytest.raises(FrontConnectionError) as caught:
        await api.request(api.client(), method, "/raw", json={"a": 1})
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert api.front.count(method, "/raw") == 1


async def test_a_get_whose_connection_drops_is_retried(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(drop=True), OK)
    await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert api.front.count("GET", PATH) == 2


class FailingFirst(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Raises ``error`` (before sending) for the first ``failures`` requests, then sends for real."""

    def __init__(self, failures: int, error: type[httpx.TransportError]) -> None:
        self.failures = failures
        self.error = error
        self.attempts = 0
        self._sync = httpx.HTTPTransport()
        self._async = httpx.AsyncHTTPTransport()

    def _maybe_fail(self, request: httpx.Request) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error("refused", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._maybe_fail(request)
        return self._sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._maybe_fail(request)
        return await self._async.handle_async_request(request)


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_a_write_that_never_left_is_retried(api: Driver, error: type[httpx.TransportError]) -> None:
    api.front.on("POST", SEND, ACCEPTED)
    transport = FailingFirst(2, error)
    await api.call(api.client(transport=transport), create_message, "cha_1", body=message())
    assert transport.attempts == 3
    assert api.front.count("POST", SEND) == 1
    assert len(api.sleeps) == 2


async def test_a_refused_connection_is_retried_then_raised(api: Driver) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    client = api.client(base_url=f"http://127.0.0.1:{closed_port}", max_retries=2)
    with pytest.raises(FrontConnectionError) as caught:
        await api.call(client, create_message, "cha_1", body=message())
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(api.sleeps) == 2


@pytest.mark.parametrize(
    ("method", "error", "retried"),
    [
        ("POST", httpx.ReadTimeout, False),
        ("POST", httpx.WriteTimeout, False),
        ("POST", httpx.RemoteProtocolError, False),
        ("POST", httpx.ReadError, False),
        ("POST", httpx.WriteError, False),
        ("PATCH", httpx.ReadTimeout, False),
        ("PUT", httpx.ReadTimeout, False),
        ("DELETE", httpx.ReadTimeout, False),
        ("POST", httpx.ConnectError, True),
        ("POST", httpx.ConnectTimeout, True),
        ("POST", httpx.PoolTimeout, True),
        ("GET", httpx.ReadTimeout, True),
        ("GET", httpx.RemoteProtocolError, True),
        ("HEAD", httpx.ReadError, True),
        ("OPTIONS", httpx.ReadError, True),
    ],
)
def test_policy_on_transport_errors(method: str, error: type[httpx.TransportError], retried: bool) -> None:
    delay = RetryPolicy().error_delay(method, error("x"), 0)
    assert (delay is not None) is retried


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=8.0, jitter=lambda: 0.0)
    assert [policy.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = RetryPolicy(jitter=lambda: 1.0)
    assert jittered.backoff(0) == 0.375


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)


async def test_429_through_the_default_limiter(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("3"), OK)
    client = api.client(limiter=None)  # the default: an InProcessLimiter on this client's clock and sleep
    result = await api.call(client, get_conversation_by_id, "cnv_1")
    assert result.id == "cnv_1"
    assert api.front.count("GET", PATH) == 2
    assert client.limiter is not None
    stats = client.limiter.stats()
    assert (stats.sent, stats.responses_429) == (2, 1)
    assert api.sleeps == [3.0]  # the limiter's pause and the retry's wait are the same 3 s, not twice


# -- a Retry-After over the cap freezes nothing: neither the retry layer nor the limiter under it ----------
def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


async def test_a_long_retry_after_does_not_freeze_the_next_call_in_the_limiter(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("300"), OK)
    client = api.client(limiter=None)  # the default limiter: its max pause is this client's max_retry_after
    with pytest.raises(RateLimitError) as first:
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert first.value.server_retry_after == 300.0 and first.value.retry_after == 120.0
    # The limiter paused everyone for 300 s; the next call is refused at once rather than slept through.
    with pytest.raises(RateLimitError) as second:
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert second.value.retry_after == 300.0  # the time left of the pause (the fake clock has not moved)
    assert second.value.tier is None
    assert "max_pause=120" in str(second.value) and "not sent" in str(second.value)
    assert api.front.count("GET", PATH) == 1  # the second call was never sent
    assert api.sleeps == []
    api.clock.now += 250.0  # 50 s of the pause left: within max_pause, so the limiter waits them out
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.front.count("GET", PATH) == 2
    assert api.sleeps == [pytest.approx(50.0)]


async def test_the_default_limiters_max_pause_follows_max_retry_after(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("300"))
    client = api.client(limiter=None, max_retry_after=200, max_retries=0)
    with pytest.raises(RateLimitError):
        await api.call(client, get_conversation_by_id, "cnv_1")
    with pytest.raises(RateLimitError, match="max_pause=200"):
        await api.call(client, get_conversation_by_id, "cnv_1")
    api.front.on("GET", PATH, too_many("150"), OK)
    api.clock.now += 300.0
    patient = api.client(limiter=None, max_retry_after=200)
    assert (await api.call(patient, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.sleeps == [150.0]  # the retry layer waits Retry-After; the limiter adds nothing


async def test_a_long_tier_retry_after_refuses_that_tier_only(api: Driver) -> None:
    tier_429 = Reply(
        429,
        json=error_body(429, "Too Many Requests", "Tier limit"),
        headers={"Retry-After": "300", "X-Front-Tier": "2"},
    )
    api.front.on("PATCH", PATH, tier_429, Reply(204))
    api.front.on("GET", PATH, OK)
    client = api.client(limiter=None)
    archive = UpdateConversation(status="archived")
    with pytest.raises(RateLimitError):
        await api.call_detailed(client, update_conversation, "cnv_1", body=archive)
    with pytest.raises(RateLimitError) as refused:
        await api.call_detailed(client, update_conversation, "cnv_2", body=archive)
    assert refused.value.retry_after == 300.0 and refused.value.tier == "2"
    assert "tier 2" in str(refused.value)
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"  # untiered: not paused
    assert api.front.count("PATCH", PATH) == 1 and api.front.count("PATCH", "/conversations/cnv_2") == 0
    assert api.sleeps == []


async def test_an_http_date_retry_after_over_the_cap_raises_at_once(api: Driver) -> None:
    api.front.on("GET", PATH, too_many(http_date(3600)), OK)
    client = api.client(limiter=None)
    with pytest.raises(RateLimitError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert caught.value.server_retry_after == pytest.approx(3600.0, abs=5.0)  # 1 s resolution
    assert caught.value.retry_after == 120.0
    assert "exceeds max_retry_after=120" in str(caught.value)
    assert api.front.count("GET", PATH) == 1
    with pytest.raises(RateLimitError) as refused:  # and the limiter's pause refuses the next call
        await api.call(client, get_conversation_by_id, "cnv_1")
    assert refused.value.retry_after == pytest.approx(3600.0, abs=5.0)
    assert api.front.count("GET", PATH) == 1
    assert api.sleeps == []


# A wall clock decades from the real one: a layer still reading time.time() would see a Retry-After
# decades long (and refuse it), not the 30 s the fake clock says.
FAKE_EPOCH = 4_000_000_000  # 2096-10-02T07:06:40Z, whole seconds like an HTTP date


async def test_an_http_date_retry_after_under_the_cap_is_waited_by_the_retry_layer(api: Driver) -> None:
    start = api.clock()

    def wall_clock() -> float:  # moves with the fake monotonic clock, so with the recorded sleeps
        return FAKE_EPOCH + api.clock() - start

    when = format_datetime(datetime.fromtimestamp(FAKE_EPOCH + 30, UTC), usegmt=True)
    api.front.on("GET", PATH, too_many(when), OK)
    client = api.client(limiter=None, wall_clock=wall_clock)  # the default limiter gets it too
    await api.call(client, get_conversation_by_id, "cnv_1")
    assert api.front.count("GET", PATH) == 2
    # The retry layer waits exactly the date's 30 s; the limiter's pause (same date, same clock) ended
    # with it, so it adds no wait of its own.
    assert api.sleeps == [30.0]


def test_the_policy_reads_an_http_date_against_the_given_now() -> None:
    when = format_datetime(datetime.fromtimestamp(FAKE_EPOCH + 30, UTC), usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": when})
    assert RetryPolicy().response_delay("GET", response, 0, FAKE_EPOCH) == 30.0
    assert RetryPolicy().response_delay("GET", response, 0, FAKE_EPOCH + 40) == 0.0


# -- without an injected sleep, the asyncio client's waits are awaited: the event loop keeps running --------
TICK = 0.01  # the ticker's period; a 0.2 s wait holds about 20 ticks
# A blocking wait lets at most an overdue tick or two through (when the loop gets back control); an
# awaited one lets about 20. The threshold is far from both.
MIN_TICKS = 5


class Ticker:
    """A task counting its own wake-ups, every ``TICK`` seconds, while the test's calls run."""

    def __init__(self) -> None:
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self.ticks += 1

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def two_answers(front: FrontStandIn, ticker: Ticker, first: Reply) -> list[int]:
    """``PATH`` answers ``first``, then ``OK``; returns the tick counts seen as each request arrived."""
    seen: list[int] = []

    def route(request: Recorded) -> Reply:
        seen.append(ticker.ticks)
        return first if len(seen) == 1 else OK

    front.on("GET", PATH, route)
    return seen


async def test_the_default_async_retry_sleep_does_not_block_the_loop(front: FrontStandIn) -> None:
    async with Ticker() as ticker:
        seen = two_answers(front, ticker, too_many("0.2"))
        async with AsyncFrontClient(TOKEN, base_url=front.url, limiter=False) as client:  # no sleep=
            result = await get_conversation_by_id.asyncio("cnv_1", client=client)
    assert result is not None and result.id == "cnv_1"
    first, second = seen
    assert second - first >= MIN_TICKS  # the ticker ran while the retry layer waited


async def test_the_default_limiters_async_wait_does_not_block_the_loop(front: FrontStandIn) -> None:
    async with Ticker() as ticker:
        seen = two_answers(front, ticker, too_many("0.2"))
        # The default limiter, no sleep=; max_retries=0: no retry wait, only the limiter's pause.
        async with AsyncFrontClient(TOKEN, base_url=front.url, max_retries=0) as client:
            with pytest.raises(RateLimitError):
                await get_conversation_by_id.asyncio("cnv_1", client=client)
            result = await get_conversation_by_id.asyncio("cnv_1", client=client)
    assert result is not None and result.id == "cnv_1"
    first, second = seen
    assert second - first >= MIN_TICKS  # the ticker ran while the limiter waited out the 429's pause
