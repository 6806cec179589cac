"""The token never shows in what the client raises or logs, even when the server echoes it back.

A hostile or careless server echoes it in a 401's ``_error.message``, an HTML title, a header, a ``Location``
or a ``next`` link. Every text an error carries is scrubbed (``str()``, ``message``, ``details``, ``body``,
``headers``, ``content``), and a URL from the server that holds the token is not followed at all, so
neither httpx's INFO request line nor our DEBUG line can print it.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest
from front_client import (
    AsyncFrontClient,
    AuthenticationError,
    FrontClient,
    FrontStatusError,
    MalformedResponseError,
    MissingTokenError,
    SecretInUrlError,
    ServerError,
    UnexpectedRedirectError,
)
from front_core_api.api.conversations import get_conversation_by_id, list_conversations

from tests.overlay.conftest import Recorded, Reply, error_body

from .conftest import TOKEN, Driver

PATH = "/conversations/cnv_1"


@pytest.fixture(autouse=True)
def every_log_line(caplog: pytest.LogCaptureFixture) -> Any:
    """Every record at every level, checked for the token after the test."""
    caplog.set_level(logging.DEBUG)
    yield
    leaked = [record.getMessage() for record in caplog.records if TOKEN in record.getMessage()]
    assert leaked == []


def everything_in(error: BaseException) -> str:
    """All the text a reporter could show of ``error``: str, repr, attributes, headers, the traceback."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for name, value in vars(error).items():
        if name == "headers":
            parts.extend(f"{k}: {v}" for k, v in value.multi_items())
        elif isinstance(value, bytes):
            parts.append(value.decode("utf-8", "replace"))
        else:
            parts.append(f"{name}={value!r}")
    return "\n".join(parts)


async def test_a_401_echoing_the_token(api: Driver) -> None:
    body = error_body(401, "Unauthorized", f"Invalid token {TOKEN}", [f"Bearer {TOKEN} is revoked"])
    api.front.on("GET", PATH, Reply(401, json=body, headers={"X-Echo": f"Bearer {TOKEN}"}))
    with pytest.raises(AuthenticationError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    error = caught.value
    assert TOKEN not in everything_in(error)
    assert error.message == "Invalid token <redacted>"
    assert error.headers["x-echo"] == "Bearer <redacted>"
    assert "<redacted>" in error.body


async def test_an_html_title_echoing_the_token(api: Driver) -> None:
    page = f"<html><head><title>Denied for {TOKEN}</title></head><body>{TOKEN}</body></html>".encode()
    api.front.on("GET", PATH, Reply(502, body=page, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    assert TOKEN not in everything_in(caught.value)
    assert "Denied for <redacted>" in str(caught.value)


async def test_a_success_echoing_the_token_that_cannot_be_read(api: Driver) -> None:
    api.front.on(
        "GET",
        PATH,
        Reply(200, body=f"<title>{TOKEN}</title>".encode(), headers={"Content-Type": "text/html"}),
    )
    with pytest.raises(MalformedResponseError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert TOKEN not in everything_in(caught.value)


async def test_a_location_echoing_the_token_is_not_shown(api: Driver) -> None:
    location = f"{api.front.url}/elsewhere?echo={TOKEN}"
    api.front.on("GET", PATH, Reply(302, headers={"Location": location}))
    with pytest.raises(UnexpectedRedirectError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert TOKEN not in everything_in(caught.value)
    assert "echo=<redacted>" in str(caught.value)


async def test_a_redirect_to_a_url_holding_the_token_is_not_followed(api: Driver) -> None:
    api.front.on("PATCH", PATH, Reply(301, headers={"Location": f"/conversations/cnv_2?x={TOKEN}"}))
    with pytest.raises(SecretInUrlError) as caught:
        await api.request(api.client(), "PATCH", PATH, json={"status": "archived"})
    assert TOKEN not in everything_in(caught.value)
    assert api.front.count("PATCH", PATH) == 1 and len(api.front.requests) == 1


@pytest.mark.parametrize("where", ["query", "path"])
async def test_a_next_link_holding_the_token_is_not_followed(api: Driver, where: str) -> None:
    following = (
        f"{api.front.url}/conversations?page_token=p2&echo={TOKEN}"
        if where == "query"
        else f"{api.front.url}/conversations/{TOKEN}"
    )

    def route(request: Recorded) -> Reply:
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": "cnv_1"}]})

    api.front.on("GET", "/conversations", route)
    items: list[Any] = []
    with pytest.raises(SecretInUrlError) as caught:
        await api.collect(api.client(), items, list_conversations)
    assert TOKEN not in everything_in(caught.value)
    assert len(items) == 1
    assert len(api.front.requests) == 1  # the link was never requested, so never logged


@pytest.mark.parametrize("cls", [FrontClient, AsyncFrontClient])
@pytest.mark.parametrize(
    ("options", "error"),
    [({"token": ""}, MissingTokenError), ({"token": TOKEN, "deadline": 0}, ValueError)],
)
def test_repr_of_a_client_whose_init_raised(
    cls: type[FrontClient], options: dict[str, Any], error: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locals-capturing error reporter (Sentry, rich tracebacks) calls repr() on the half-built ``self``."""
    monkeypatch.delenv("FRONT_API_TOKEN", raising=False)
    with pytest.raises(error) as caught:
        cls(**options)
    selves = [
        frame.f_locals["self"]
        for frame, _ in traceback.walk_tb(caught.value.__traceback__)
        if isinstance(frame.f_locals.get("self"), cls)
    ]
    assert selves
    for half_built in selves:
        text = repr(half_built)
        assert text.startswith(cls.__name__) and TOKEN not in text


def test_a_front_error_built_by_hand_is_unchanged() -> None:
    error = FrontStatusError(status=400, message=f"user text {TOKEN}")
    assert TOKEN in str(error)  # only what the client read from a response is scrubbed


def test_a_placeholder_too_short_to_be_a_token_does_not_garble_messages() -> None:
    from front_client.redaction import Scrubber

    assert Scrubber(["t"]).text("Connection refused [GET http://127.0.0.1:9/me]") == (
        "Connection refused [GET http://127.0.0.1:9/me]"
    )
    scrubbed = Scrubber(["tok_9f8e"]).text("refused tok_9f8e and tok_9f8e in a query ?t=tok_9f8e")
    assert "tok_9f8e" not in scrubbed and scrubbed.count("<redacted>") == 3


async def test_a_next_link_holding_the_token_only_percent_encoded_is_not_followed(api: Driver) -> None:
    spelled = "".join(f"%{ord(character):02X}" for character in TOKEN)  # no plain copy of the token

    def route(request: Recorded) -> Reply:
        following = f"{api.front.url}/conversations?page_token=p2&echo={spelled}"
        return Reply(json={"_pagination": {"next": following}, "_results": [{"id": "cnv_1"}]})

    api.front.on("GET", "/conversations", route)
    with pytest.raises(SecretInUrlError) as caught:
        await api.collect(api.client(), [], list_conversations)
    assert str(caught.value).startswith("refusing to send a request whose URL holds the API token: http")
    assert str(caught.value).endswith("The token is only ever sent in the Authorization header.")
    assert TOKEN not in everything_in(caught.value) and spelled not in str(caught.value)
    assert len(api.front.requests) == 1
