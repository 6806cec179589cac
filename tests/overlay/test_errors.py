"""Every non-2xx becomes a typed FrontStatusError, read from Front's ``_error`` body or whatever it holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from front_client import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FrontStatusError,
    NotFoundError,
    PermissionDeniedError,
    PrivateResourceError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)
from front_client.errors import parse_retry_after
from front_client.redaction import redact_url
from front_core_api.api.conversations import get_conversation_by_id, list_conversations, update_conversation
from front_core_api.models.update_conversation import UpdateConversation

from .conftest import TOKEN, Driver, Reply, error_body

PATH = "/conversations/cnv_1"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, FrontStatusError),
    ],
)
async def test_status_chooses_the_class(api: Driver, status: int, cls: type[FrontStatusError]) -> None:
    body = error_body(status, "Some title", "Some message", ["first detail", "second detail"])
    api.front.on("PATCH", PATH, Reply(status, json=body))
    client = api.client(max_retries=0)
    with pytest.raises(FrontStatusError) as caught:
        await api.call_detailed(
            client, update_conversation, "cnv_1", body=UpdateConversation(status="archived")
        )
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.title, error.message) == (status, "Some title", "Some message")
    assert error.details == ["first detail", "second detail"]
    assert error.method == "PATCH"
    assert error.url == f"{api.front.url}{PATH}"
    assert error.operation_id == "update_conversation"
    assert (
        "Some message" in str(error)
        and "second detail" in str(error)
        and f"PATCH {api.front.url}" in str(error)
    )


@pytest.mark.parametrize(
    ("reply", "title", "message"),
    [
        (Reply(404, json={"_error": {"message": "Only a message"}}), "Not Found", "Only a message"),
        (Reply(404, json={"_error": {}}), "Not Found", None),
        (Reply(404, json={"message": "Not Front's shape"}), "Not Found", "Not Front's shape"),
        (Reply(404, json=["a", "list"]), "Not Found", '["a", "list"]'),
        (Reply(404), "Not Found", None),
        (
            Reply(404, body=b"plain text answer", headers={"Content-Type": "text/plain"}),
            "Not Found",
            "plain text answer",
        ),
        (
            Reply(
                502,
                body=b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad</h1></body></html>",
                headers={"Content-Type": "text/html"},
            ),
            "Bad Gateway",
            "502 Bad Gateway",
        ),
        (
            Reply(
                500,
                body=b"<html><body><p>Something   broke</p></body></html>",
                headers={"Content-Type": "text/html"},
            ),
            "Internal Server Error",
            "Something broke",
        ),
    ],
)
async def test_any_body_shape_gives_a_readable_error(
    api: Driver, reply: Reply, title: str, message: str | None
) -> None:
    api.front.on("POST", "/raw", reply)
    with pytest.raises(FrontStatusError) as caught:
        await api.request(api.client(), "POST", "/raw")
    assert caught.value.title == title
    assert caught.value.message == message
    assert caught.value.status == reply.status
    assert str(caught.value).startswith(f"{reply.status} {title}")
    assert "<" not in str(caught.value)


async def test_status_outside_httpstatus_is_a_server_error_not_a_valueerror(api: Driver) -> None:
    api.front.on(
        "GET", PATH, Reply(520, body=b"<html><title>Web server is returning an unknown error</title></html>")
    )
    with pytest.raises(ServerError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert caught.value.status == 520
    assert "unknown error" in str(caught.value)


@pytest.mark.parametrize(
    "message",
    [
        "You do not have access to the resources of this teammate",
        'This agent is not allowed to read the "conversation" with ID: "cnv_1"',
        'This agent is not allowed to read the "message template" with ID: "rsp_1"',
        "You cannot access this individual resource with this token",
        "The conversation is in a private inbox",
    ],
)
async def test_private_resource_error_tells_the_fix(api: Driver, message: str) -> None:
    api.front.on("GET", PATH, Reply(403, json=error_body(403, "Forbidden", message)))
    with pytest.raises(PrivateResourceError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    text = str(caught.value)
    assert isinstance(caught.value, PermissionDeniedError)
    assert message in text
    assert 'Settings > My preferences > "Allow access to my individual resources via the API"' in text
    assert "only API tokens generated in Front" in text
    assert "OAuth" in text


async def test_private_resource_wording_only_in_the_details(api: Driver) -> None:
    body = error_body(403, "Forbidden", "Access denied", ["cnv_1 belongs to a private inbox"])
    api.front.on("GET", PATH, Reply(403, json=body))
    with pytest.raises(PrivateResourceError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert "cnv_1 belongs to a private inbox" in str(caught.value)
    assert "Allow access to my individual resources via the API" in str(caught.value)


async def test_other_403_names_the_scope_the_operation_needs(api: Driver) -> None:
    api.front.on("GET", "/conversations", Reply(403, json=error_body(403, "Forbidden", "Insufficient scope")))
    with pytest.raises(PermissionDeniedError) as caught:
        await api.call(api.client(), list_conversations)
    assert type(caught.value) is PermissionDeniedError
    assert caught.value.required_scopes == ("conversations:read",)
    assert "conversations:read" in str(caught.value)


async def test_rate_limit_error_carries_the_headers(api: Driver) -> None:
    headers = {
        "Retry-After": "2.5",
        "X-Front-Tier": "tier-2",
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1700000000",
    }
    api.front.on(
        "GET", PATH, Reply(429, json=error_body(429, "Too Many Requests", "Slow down"), headers=headers)
    )
    with pytest.raises(RateLimitError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    error = caught.value
    assert (error.retry_after, error.tier, error.limit, error.remaining, error.reset) == (
        2.5,
        "2",  # "tier-2" is the tier table's "2", as the limiter names it
        100,
        0,
        1700000000.0,
    )
    assert "gave up after 1 attempt " in str(error)
    assert "1 attempts" not in str(error)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 08:28:00 GMT", 3600.0),  # an HTTP date: seconds from ``now``
        ("Wednesday, 21-Oct-15 08:28:00 GMT", 3600.0),  # RFC 850, still an HTTP date
        ("Wed, 21 Oct 2015 06:28:00 GMT", 0.0),  # already past
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates(value: str | None, seconds: float | None) -> None:
    now = 1445412480.0  # 2015-10-21T07:28:00Z
    assert parse_retry_after(value, now) == (None if seconds is None else pytest.approx(seconds))


async def test_rate_limit_error_reads_an_http_date_retry_after(api: Driver) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    reply = Reply(429, json=error_body(429, "Too Many Requests", "Slow down"), headers={"Retry-After": when})
    api.front.on("GET", PATH, reply)
    with pytest.raises(RateLimitError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    assert caught.value.server_retry_after == pytest.approx(3600.0, abs=5.0)  # the date has 1 s resolution
    assert caught.value.retry_after == 120.0  # capped at the client's max_retry_after


async def test_error_text_holds_no_secret_from_the_url(api: Driver) -> None:
    api.front.on("GET", "/raw", Reply(400, json=error_body(400, "Bad request", "no")))
    with pytest.raises(BadRequestError) as caught:
        await api.request(api.client(), "GET", "/raw", params={"api_key": TOKEN, "q": "visible"})
    assert TOKEN not in str(caught.value)
    assert "q=visible" in caught.value.url


def test_redact_url() -> None:
    assert redact_url("https://u:p@x.frontapp.com/a?page_token=abc&limit=5") == (
        "https://x.frontapp.com/a?page_token=REDACTED&limit=5"
    )
