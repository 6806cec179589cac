"""The exact text of each error: what a user reads in a traceback or a log line, word for word."""

from __future__ import annotations

import os
import time

import httpx
import pytest
from front_client import (
    BadRequestError,
    ForeignHostError,
    FrontStatusError,
    MalformedResponseError,
    PermissionDeniedError,
    PrivateResourceError,
    RateLimitError,
    ServerError,
    UnexpectedRedirectError,
)
from front_client.errors import parse_retry_after
from front_client.failures import error_from_response
from front_client.redaction import redact_url
from front_core_api.api.conversations import get_conversation_by_id, list_conversations, update_conversation
from front_core_api.api.messages import create_message_reply
from front_core_api.models.outbound_reply_message import OutboundReplyMessage
from front_core_api.models.update_conversation import UpdateConversation

from .conftest import Driver, Reply, error_body

PATH = "/conversations/cnv_1"


async def test_every_part_of_fronts_error_in_order(api: Driver) -> None:
    body = error_body(404, "Some title", "Some message", ["first detail", "second detail"])
    api.front.on("PATCH", PATH, Reply(404, json=body))
    with pytest.raises(FrontStatusError) as caught:
        await api.call_detailed(
            api.client(), update_conversation, "cnv_1", body=UpdateConversation(status="open")
        )
    assert str(caught.value) == (
        f"404 Some title: Some message (first detail; second detail) [PATCH {api.front.url}{PATH}]"
    )
    assert (
        caught.value.body
        == '{"_error": {"status": 404, "title": "Some title", "message": "Some message", '
        + ('"details": ["first detail", "second detail"]}}')
    )
    assert caught.value.hint is None


async def test_a_missing_scope_is_named(api: Driver) -> None:
    api.front.on("GET", "/conversations", Reply(403, json=error_body(403, "Forbidden", "Insufficient scope")))
    with pytest.raises(PermissionDeniedError) as caught:
        await api.collect(api.client(), [], list_conversations)
    assert str(caught.value) == (
        f"403 Forbidden: Insufficient scope [GET {api.front.url}/conversations]. "
        "The operation needs the scope(s) conversations:read: check that the token has them"
    )


async def test_a_403_of_a_call_without_known_scopes_has_no_hint(api: Driver) -> None:
    api.front.on("GET", "/raw", Reply(403, json=error_body(403, "Forbidden", "No")))
    with pytest.raises(PermissionDeniedError) as caught:
        await api.request(api.client(), "GET", "/raw")
    assert type(caught.value) is PermissionDeniedError
    assert str(caught.value) == f"403 Forbidden: No [GET {api.front.url}/raw]"


async def test_a_private_resource_says_how_to_allow_it(api: Driver) -> None:
    message = "You are not allowed to access resources of this teammate"
    api.front.on("GET", PATH, Reply(403, json=error_body(403, "Forbidden", message)))
    with pytest.raises(PrivateResourceError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert str(caught.value) == (
        f"403 Forbidden: {message} [GET {api.front.url}{PATH}]. This is an individual (private) resource. "
        'Its owner must enable Settings > My preferences > "Allow access to my individual resources via '
        'the API" in Front; and only API tokens generated in Front can reach individual resources (an OAuth '
        "client never can)."
    )


async def test_a_redirect_not_followed_names_its_location_without_secrets(api: Driver) -> None:
    api.front.on("POST", "/conversations/cnv_old/messages", Reply(301, headers={"Location": "/a"}))
    api.front.on(
        "POST", "/a", Reply(302, headers={"Location": "https://u:p@acme.api.frontapp.com/b?token=s3cret&x=1"})
    )
    with pytest.raises(UnexpectedRedirectError) as caught:
        await api.call(api.client(), create_message_reply, "cnv_old", body=OutboundReplyMessage(body="x"))
    assert str(caught.value) == (
        f"302 Found [POST {api.front.url}/a]. "
        "Not followed (Location: https://acme.api.frontapp.com/b?token=REDACTED&x=1)"
    )


async def test_a_write_not_retried_after_a_5xx_says_why(api: Driver) -> None:
    api.front.on("POST", "/raw", Reply(503))
    with pytest.raises(ServerError) as caught:
        await api.request(api.client(), "POST", "/raw", json={})
    assert str(caught.value) == (
        f"503 Service Unavailable [POST {api.front.url}/raw]. Not retried: a POST is not re-sent after a 503"
    )


async def test_a_scope_hint_and_a_retry_note_together(api: Driver) -> None:
    api.front.on(
        "GET",
        "/conversations",
        Reply(429, json=error_body(429, "Too Many", "Slow"), headers={"Retry-After": "999"}),
    )
    with pytest.raises(RateLimitError) as caught:
        await api.collect(api.client(), [], list_conversations)
    assert str(caught.value) == (
        f"429 Too Many: Slow [GET {api.front.url}/conversations]. "
        "Not retried: Retry-After 999 s exceeds max_retry_after=120 s"
    )


async def test_a_status_outside_httpstatus_is_named_by_its_number(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(520, body=b""))
    with pytest.raises(ServerError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    assert str(caught.value).startswith(f"520 HTTP 520 [GET {api.front.url}{PATH}]")
    assert caught.value.title == "HTTP 520"


def response(
    status: int, body: bytes, content_type: str = "text/html", **extensions: object
) -> httpx.Response:
    request = httpx.Request("GET", "https://api2.frontapp.com/x", extensions=extensions)
    return httpx.Response(status, content=body, headers={"Content-Type": content_type}, request=request)


def test_a_long_page_is_cut_to_300_characters() -> None:
    error = error_from_response(response(500, ("word " * 200).encode(), "text/plain"))
    assert error.message is not None
    assert len(error.message) == 300 and error.message.endswith("word…")
    assert error.message[:-1] == ("word " * 60)[:299]
    kept = error_from_response(response(500, ("w" * 300).encode(), "text/plain"))
    assert kept.message == "w" * 300  # exactly 300: not cut
    assert len(error_from_response(response(500, b"x" * 9000, "text/plain")).body) == 4000


def test_scripts_and_styles_are_not_the_message() -> None:
    page = b"<html><style>p {color: red}</style><SCRIPT>alert(1)</SCRIPT><p>Service &amp; more</p></html>"
    assert error_from_response(response(503, page)).message == "Service & more"
    titled = b"<html><TITLE id=t>\n Down  for\nmaintenance </TITLE><p>ignored</p></html>"
    assert error_from_response(response(503, titled)).message == "Down for maintenance"


def test_a_body_not_read_gives_no_message() -> None:
    request = httpx.Request("GET", "https://api2.frontapp.com/x")
    streamed = httpx.Response(500, stream=httpx.ByteStream(b"never read"), request=request)
    error = error_from_response(streamed)
    assert (error.message, error.body) == (None, "")
    assert str(error) == "500 Internal Server Error [GET https://api2.frontapp.com/x]"


def test_front_error_details_of_any_shape() -> None:
    single = error_from_response(response(400, b'{"_error": {"details": "one"}}', "application/json"))
    assert single.details == ["one"]
    listed = error_from_response(
        response(400, b'{"_error": {"details": ["a", null, 2]}}', "application/json")
    )
    assert listed.details == ["a", "2"]
    assert (
        error_from_response(response(400, b'{"_error": {"title": ""}}', "application/json")).title
        == "Bad Request"
    )


def test_an_operation_tag_names_the_operation_and_its_scopes() -> None:
    tag = {"operation_id": "get_x", "required_scopes": ["a:read", "b:read"]}
    error = error_from_response(response(403, b"{}", "application/json", front_operation=tag))
    assert (error.operation_id, error.required_scopes) == ("get_x", ("a:read", "b:read"))
    assert str(error).endswith(
        "The operation needs the scope(s) a:read, b:read: check that the token has them"
    )


def test_rate_limit_numbers_that_are_not_numbers() -> None:
    headers = {"X-RateLimit-Limit": "1.5", "X-RateLimit-Remaining": "many", "X-RateLimit-Reset": "soon"}
    request = httpx.Request("GET", "https://api2.frontapp.com/x")
    error = error_from_response(httpx.Response(429, headers=headers, request=request))
    assert isinstance(error, RateLimitError)
    assert (error.limit, error.remaining, error.reset, error.retry_after, error.tier) == (
        1,
        None,
        None,
        None,
        None,
    )
    assert str(error) == "429 Too Many Requests [GET https://api2.frontapp.com/x]"


def test_a_malformed_success_says_what_came_back_for_which_call() -> None:
    tag = {"operation_id": "get_conversation_by_id"}
    answer = response(200, b"<html><title>Login</title></html>", front_operation=tag)
    error = MalformedResponseError(answer, ValueError("not JSON"))
    assert str(error) == (
        "200 response to GET https://api2.frontapp.com/x could not be read as get_conversation_by_id "
        "(ValueError: not JSON); content-type text/html, body: Login"
    )
    empty = MalformedResponseError(
        httpx.Response(200, request=httpx.Request("GET", "https://h/x")), KeyError("k")
    )
    assert str(empty) == (
        "200 response to GET https://h/x could not be read as the declared type (KeyError: 'k'); "
        "content-type absent, empty body"
    )
    assert (empty.content_type, empty.body, empty.operation_id) == ("", "", None)
    # what front_core_api.errors.MalformedResponse carries too
    assert (error.status_code, error.content, error.reason) == (
        200,
        b"<html><title>Login</title></html>",
        "ValueError: not JSON",
    )


@pytest.mark.parametrize(
    "name",
    ["page_token", "api_key", "client_secret", "password", "passwd", "auth", "signature", "code", "session"],
)
def test_secret_looking_query_values_are_redacted(name: str) -> None:
    assert (
        redact_url(f"https://x.frontapp.com/a?{name}=v&limit=5")
        == f"https://x.frontapp.com/a?{name}=REDACTED&limit=5"
    )


def test_urls_without_secrets_are_unchanged() -> None:
    assert redact_url("https://x.frontapp.com/a?q=open&limit=5") == "https://x.frontapp.com/a?q=open&limit=5"
    assert redact_url("https://x.frontapp.com/a") == "https://x.frontapp.com/a"
    assert redact_url("https://user@x.frontapp.com/a") == "https://x.frontapp.com/a"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Wed Oct 21 08:28:00 2015", 3600.0),  # asctime
        ("Wed, 21 Oct 2015 08:28:00 -0000", 3600.0),  # "-0000": UTC
        ("Wed, 21 Oct 2015 10:28:00 +0200", 3600.0),
        ("0", 0.0),
        ("   ", None),
        ("Wed, 32 Oct 2015 08:28:00 GMT", None),
    ],
)
def test_retry_after_in_every_http_date_form(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, 1445412480.0) == seconds


def test_a_refused_host_is_named_without_credentials() -> None:
    error = ForeignHostError(httpx.URL("https://u:p@evil.example.com/x?token=t"), "https://api2.frontapp.com")
    assert error.url == "https://evil.example.com/x?token=REDACTED"
    assert str(error) == (
        "refusing to send a request to https://evil.example.com/x?token=REDACTED: its host is not Front's. "
        "The API token is only sent to https://api2.frontapp.com."
    )


def test_an_error_built_by_hand_has_every_default() -> None:
    """Users build errors in their own tests (``FrontStatusError(status=...)``): every field has a default."""
    error = FrontStatusError(status=503)
    assert str(error) == "503 Service Unavailable"
    assert (error.title, error.message, error.details, error.method, error.url, error.body) == (
        None,
        None,
        [],
        "",
        "",
        "",
    )
    assert isinstance(error.headers, httpx.Headers) and len(error.headers) == 0
    given = httpx.Headers({"Retry-After": "3"})
    limited = RateLimitError(status=429, headers=given)
    assert limited.headers is given and limited.retry_after == 3.0


def test_a_minus_0000_date_is_utc_whatever_the_local_time_zone() -> None:
    """RFC 5322's "-0000" parses without a zone; it must not be read as the machine's local time."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "EST+5"  # 5 hours behind UTC (a POSIX rule: no tz database needed)
    time.tzset()
    try:
        assert parse_retry_after("Wed, 21 Oct 2015 08:28:00 -0000", 1445412480.0) == 3600.0
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.parametrize(
    ("status", "cls", "text"),
    [
        (
            300,
            UnexpectedRedirectError,
            "300 Multiple Choices [GET https://api2.frontapp.com/x]. Not followed (Location: /y)",
        ),
        (
            399,
            UnexpectedRedirectError,
            "399 HTTP 399 [GET https://api2.frontapp.com/x]. Not followed (Location: /y)",
        ),
        (400, BadRequestError, "400 Bad Request [GET https://api2.frontapp.com/x]"),
        (599, ServerError, "599 HTTP 599 [GET https://api2.frontapp.com/x]"),
        (600, FrontStatusError, "600 HTTP 600 [GET https://api2.frontapp.com/x]"),
    ],
)
def test_the_edges_of_each_status_range(status: int, cls: type[FrontStatusError], text: str) -> None:
    request = httpx.Request("GET", "https://api2.frontapp.com/x")
    error = error_from_response(httpx.Response(status, headers={"Location": "/y"}, request=request))
    assert type(error) is cls
    assert str(error) == text


def test_a_redirect_without_location_has_no_hint() -> None:
    request = httpx.Request("GET", "https://api2.frontapp.com/x")
    error = error_from_response(httpx.Response(302, request=request))
    assert (error.hint, str(error)) == (None, "302 Found [GET https://api2.frontapp.com/x]")


def test_empty_fields_of_fronts_error_are_absent_not_empty() -> None:
    body = b'{"_error": {"title": "", "message": ""}}'
    error = error_from_response(response(404, body, "application/json"))
    assert (error.title, error.message) == ("Not Found", None)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<title>At the start</title><p>x</p>", "At the start"),
        ("<title>First</title><title>Second</title>", "First"),
        ("</title> stray <title>Real</title> after </title>", "Real"),
        ("<p>before</p><title>no end", "before no end"),
        ("<script>hidden</script>shown", "shown"),
        ("<script>1</script>a<script>2</script>b<script>3</script>c", "a b c"),
        ("<script>1</script> kept </script> end", "kept end"),
        ("a <script>x</script> b <script>never closed", "a b"),
        ("a <script>x</script", "a"),
        ("<style>s</style>x<script>y</script>z<style>t</style>w", "x z w"),
    ],
)
def test_the_message_of_an_html_page(page: str, message: str) -> None:
    """A title wherever it is (the first one); else the text without scripts, styles (an unclosed one runs
    to the end) or tags."""
    assert error_from_response(response(503, page.encode())).message == message
