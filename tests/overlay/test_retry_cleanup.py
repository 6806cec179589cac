"""Before a retry the answer it replaces is closed (its connection goes back to the pool); a ``Retry-After``
exactly ``max_retry_after`` long is still waited, one second more is not."""

from __future__ import annotations

import httpx
import pytest
from front_client import RateLimitError
from front_client.transport import RetryPolicy
from front_core_api.api.conversations import get_conversation_by_id

from .conftest import Driver, Reply, error_body

PATH = "/conversations/cnv_1"
OK = Reply(json={"id": "cnv_1"})


def too_many(retry_after: str) -> Reply:
    return Reply(
        429, json=error_body(429, "Too Many Requests", "slow down"), headers={"Retry-After": retry_after}
    )


class Recording(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The network transport, noting at each request whether every earlier response was closed by then."""

    def __init__(self, limits: httpx.Limits | None = None) -> None:
        self.responses: list[httpx.Response] = []
        self.earlier_closed: list[bool] = []
        self._sync = httpx.HTTPTransport(limits=limits or httpx.Limits())
        self._async = httpx.AsyncHTTPTransport(limits=limits or httpx.Limits())

    def _note(self) -> None:
        self.earlier_closed.append(all(response.is_closed for response in self.responses))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._note()
        self.responses.append(self._sync.handle_request(request))
        return self.responses[-1]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._note()
        self.responses.append(await self._async.handle_async_request(request))
        return self.responses[-1]

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()


@pytest.mark.parametrize("status", [429, 503])
async def test_the_answer_a_retry_replaces_is_closed_before_the_retry_is_sent(
    api: Driver, status: int
) -> None:
    first = too_many("1") if status == 429 else Reply(503)
    api.front.on("GET", PATH, first, first, OK)
    network = Recording()
    result = await api.call(api.client(transport=network), get_conversation_by_id, "cnv_1")
    assert result.id == "cnv_1"
    assert [r.status_code for r in network.responses] == [status, status, 200]
    assert network.earlier_closed == [True, True, True]


async def test_retries_through_a_pool_of_one_connection_do_not_run_dry(api: Driver) -> None:
    """An unclosed answer would keep the only connection: the retry would wait for the pool, then fail."""
    api.front.on("GET", PATH, too_many("0"), too_many("0"), OK)
    network = Recording(httpx.Limits(max_connections=1, max_keepalive_connections=1))
    client = api.client(transport=network, timeout=httpx.Timeout(5.0, pool=0.5))
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.front.count("GET", PATH) == 3
    assert len(api.sleeps) == 2  # two 429 waits; no pool timeout was retried


@pytest.mark.parametrize("cap", [120.0, 30.0, 0.0])
async def test_a_retry_after_equal_to_max_retry_after_is_waited(api: Driver, cap: float) -> None:
    api.front.on("GET", PATH, too_many(f"{cap:g}"), OK)
    client = api.client(max_retry_after=cap)
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.front.count("GET", PATH) == 2
    assert api.sleeps == [cap]


async def test_a_retry_after_equal_to_the_default_cap_is_waited_through_the_default_limiter(
    api: Driver,
) -> None:
    api.front.on("GET", PATH, too_many("120"), OK)
    client = api.client(limiter=None)  # the limiter pauses 120 s too; its max_pause is the same 120 s
    assert (await api.call(client, get_conversation_by_id, "cnv_1")).id == "cnv_1"
    assert api.front.count("GET", PATH) == 2
    assert api.sleeps == [120.0]  # the retry layer's wait; the limiter's pause ended with it


async def test_a_retry_after_just_over_max_retry_after_is_not(api: Driver) -> None:
    api.front.on("GET", PATH, too_many("120.5"), OK)
    with pytest.raises(RateLimitError, match=r"Retry-After 120\.5 s exceeds max_retry_after=120 s"):
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert api.front.count("GET", PATH) == 1
    assert api.sleeps == []


def test_the_policy_at_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=120.0)
    at_cap = httpx.Response(429, headers={"Retry-After": "120"})
    over = httpx.Response(429, headers={"Retry-After": "121"})
    assert policy.response_delay("POST", at_cap, 0) == 120.0
    assert policy.response_delay("POST", over, 0) == "Retry-After 121 s exceeds max_retry_after=120 s"
