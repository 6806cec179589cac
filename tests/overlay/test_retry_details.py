"""The retry layer's details: its log lines, its numbers, its refusals, and what it closes."""

from __future__ import annotations

import logging

import httpx
import pytest
from front_client import FrontConnectionError, RateLimitError, ServerError
from front_client.transport import AsyncRetryTransport, RetryPolicy, RetryTransport
from front_core_api.api.conversations import get_conversation_by_id

from .conftest import Driver, Reply, error_body

PATH = "/conversations/cnv_1"
OK = Reply(json={"id": "cnv_1"})


async def test_one_debug_line_per_attempt(api: Driver, caplog: pytest.LogCaptureFixture) -> None:
    limited = Reply(
        429,
        json=error_body(429, "Too Many", "slow"),
        headers={"Retry-After": "2", "X-RateLimit-Remaining": "0"},
    )
    api.front.on("GET", PATH, limited, OK)
    with caplog.at_level(logging.DEBUG, logger="front_client"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    lines = [r.getMessage() for r in caplog.records if r.name == "front_client"]
    assert lines == [
        "GET /conversations/cnv_1 -> 429 in 0.000s (rate-limit remaining: 0, attempt 1)",
        "GET /conversations/cnv_1 -> 200 in 0.000s (rate-limit remaining: -, attempt 2)",
    ]


async def test_a_transport_error_is_logged_by_its_name(api: Driver, caplog: pytest.LogCaptureFixture) -> None:
    api.front.on("GET", PATH, Reply(drop=True), OK)
    with caplog.at_level(logging.DEBUG, logger="front_client"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    lines = [r.getMessage() for r in caplog.records if r.name == "front_client"]
    assert (
        lines[0]
        == "GET /conversations/cnv_1 -> RemoteProtocolError in 0.000s (rate-limit remaining: -, attempt 1)"
    )
    assert lines[1].endswith("-> 200 in 0.000s (rate-limit remaining: -, attempt 2)")


async def test_no_log_work_without_debug(api: Driver, caplog: pytest.LogCaptureFixture) -> None:
    api.front.on("GET", PATH, OK)
    with caplog.at_level(logging.INFO, logger="front_client"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert [r for r in caplog.records if r.name == "front_client"] == []


async def test_a_500_on_a_get_is_retried(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(500), OK)
    assert (await api.call(api.client(), get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.front.count("GET", PATH) == 2


async def test_retries_stop_when_the_next_wait_would_pass_max_total_wait(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(503))
    client = api.client(max_total_wait=1.0)  # backoff: 0.375-0.5 s, then 0.75-1.0 s
    with pytest.raises(ServerError) as caught:
        await api.call(client, get_conversation_by_id, "cnv_1")
    # waits of about 0.5 then 1.0: the second would pass 1.0 s in all
    assert len(api.sleeps) == 1 and api.front.count("GET", PATH) == 2
    assert "would exceed max_total_wait=1 s" in str(caught.value)


async def test_a_connection_failure_with_no_budget_left_is_raised(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(drop=True))
    with pytest.raises(FrontConnectionError) as caught:  # the client's typed error, the httpx one its cause
        await api.call(api.client(max_total_wait=0.1), get_conversation_by_id, "cnv_1")
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert api.front.count("GET", PATH) == 1
    assert api.sleeps == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_retries": -1}, "max_retries must be >= 0"),
        ({"max_retry_after": -0.5}, "max_retry_after and max_total_wait must be >= 0"),
        ({"max_total_wait": -1.0}, "max_retry_after and max_total_wait must be >= 0"),
    ],
)
def test_nonsense_numbers_are_refused(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        RetryPolicy(**options)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_zeros_are_allowed() -> None:
    policy = RetryPolicy(max_retries=0, max_retry_after=0.0, max_total_wait=0.0)
    assert policy.max_retries == 0


def test_jitter_takes_up_to_a_quarter_off() -> None:
    policy = RetryPolicy(backoff_initial=1.0, backoff_max=3.0, jitter=lambda: 0.5)
    assert [policy.backoff(n) for n in range(3)] == [0.875, 1.75, 2.625]


def test_the_method_is_read_in_any_case() -> None:
    policy = RetryPolicy(jitter=lambda: 0.0)
    unavailable = httpx.Response(503)
    assert policy.response_delay("post", unavailable, 0) == "a POST is not re-sent after a 503"
    assert policy.response_delay("get", unavailable, 1) == 1.0
    assert policy.error_delay("get", httpx.ReadTimeout("x"), 2) == 2.0
    assert policy.error_delay("post", httpx.ReadTimeout("x"), 0) is None
    assert policy.response_delay("GET", httpx.Response(404), 0) is None


class Closable(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


async def test_closing_a_retry_transport_closes_the_one_under_it() -> None:
    inner = Closable()
    RetryTransport(inner).close()
    await AsyncRetryTransport(inner).aclose()
    assert inner.closed == 2


async def test_max_total_wait_counts_every_wait_of_the_request(api: Driver) -> None:
    limited = Reply(429, json=error_body(429, "Too Many", "slow"), headers={"Retry-After": "60"})
    api.front.on("GET", PATH, limited)
    with pytest.raises(RateLimitError, match=r"waiting 60 s more would exceed max_total_wait=150 s"):
        await api.call(api.client(max_total_wait=150, max_retries=5), get_conversation_by_id, "cnv_1")
    assert api.sleeps == [60.0, 60.0]  # a third 60 s would make 180 s in all
    assert api.front.count("GET", PATH) == 3


@pytest.mark.parametrize(
    ("max_retries", "wording"), [(0, "gave up after 1 attempt"), (1, "gave up after 2 attempts")]
)
async def test_giving_up_counts_the_attempts_in_words(api: Driver, max_retries: int, wording: str) -> None:
    api.front.on("GET", PATH, Reply(503, json=error_body(503, "Unavailable", "down")))
    with pytest.raises(ServerError) as caught:
        await api.call(api.client(max_retries=max_retries), get_conversation_by_id, "cnv_1")
    assert str(caught.value).endswith(wording)
