"""An ID reaches Front as exactly one non-empty path segment, or nothing is sent.

httpx (and servers and proxies after it) resolve ``.`` and ``..`` segments: ``create_team_tag("..")`` would
``POST /tags`` (a company tag instead of the team's), ``delete_tag("..")`` would ``DELETE /``, and
``get_tag("")`` would list the collection. Each is refused before sending, by the generated function
(``InvalidPathParameter``) and for a raw ``client.request`` path (``InvalidPathError``).
"""

from __future__ import annotations

from typing import Any

import pytest
from front_client import FrontClientError, InvalidPathError, NotFoundError
from front_core_api.api.contacts import create_team_contact
from front_core_api.api.tags import create_team_tag, delete_tag, get_tag
from front_core_api.client import AuthenticatedClient
from front_core_api.errors import InvalidPathParameter
from front_core_api.models.create_contact import CreateContact
from front_core_api.models.create_tag import CreateTag

from tests.overlay.conftest import Reply

from .conftest import Driver

TAG = {"id": "tag_1", "name": "x", "_links": {"self": "x"}}


@pytest.mark.parametrize("value", ["", ".", ".."])
@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        (create_team_tag, {"body": CreateTag(name="vip")}),
        (create_team_contact, {"body": CreateContact(handles=[])}),
        (delete_tag, {}),
        (get_tag, {}),
    ],
)
async def test_a_dot_or_empty_id_is_refused_before_sending(
    api: Driver, value: str, operation: Any, arguments: dict[str, Any]
) -> None:
    api.front.on("POST", "/tags", Reply(201, json=TAG))  # where ".." would land
    client = api.client()
    with pytest.raises(InvalidPathParameter) as caught:
        await api.call_detailed(client, operation, value, **arguments)
    assert caught.value.value == value
    assert caught.value.name in ("team_id", "tag_id")
    assert isinstance(caught.value, ValueError)
    assert api.front.requests == []  # nothing was sent anywhere


def test_the_plain_generated_client_refuses_them_too() -> None:
    plain = AuthenticatedClient(base_url="http://127.0.0.1:9", token="t")
    for value in ("", ".", ".."):
        with pytest.raises(InvalidPathParameter, match="tag_id"):
            delete_tag.sync_detailed(value, client=plain)


@pytest.mark.parametrize("value", ["a.b", "...", ".hidden", "a/b", "%2e%2e", " "])
async def test_any_other_id_is_one_segment(api: Driver, value: str) -> None:
    api.front.on("GET", "/tags/x", Reply(200, json=TAG))  # unused: every ID below is its own segment
    with pytest.raises(NotFoundError):  # the stand-in's "no route"
        await api.call_detailed(api.client(), get_tag, value)
    (sent,) = api.front.requests
    assert sent.path.count("/") == 2 and sent.path.startswith("/tags/")


@pytest.mark.parametrize(
    "path",
    [
        "/tags/..",
        "/tags/.",
        "/teams/tim_1/../tags",
        "/tags/%2e%2e",  # servers decode it into ".."
        "/tags/%2E",
        "/conversations//messages",  # an empty ID in the middle
        "tags/../contacts",
    ],
)
async def test_a_raw_request_with_dot_or_empty_segments_is_refused(api: Driver, path: str) -> None:
    client = api.client()
    with pytest.raises(InvalidPathError) as caught:
        await api.request(client, "DELETE", path)
    assert isinstance(caught.value, FrontClientError) and isinstance(caught.value, InvalidPathParameter)
    assert "segment" in str(caught.value)
    assert api.front.requests == []


async def test_an_absolute_url_with_dot_segments_is_refused(api: Driver) -> None:
    with pytest.raises(InvalidPathError):
        await api.request(api.client(), "GET", f"{api.front.url}/tags/../contacts")
    assert api.front.requests == []


async def test_a_trailing_slash_is_kept(api: Driver) -> None:
    """Front documents routes ending in a slash (``PATCH /comments/{comment_id}/``)."""
    api.front.on("PATCH", "/comments/com_1/", Reply(200, json={}))
    response = await api.request(api.client(), "PATCH", "/comments/com_1/", json={"body": "x"})
    assert response.status_code == 200


async def test_dots_in_the_query_are_not_path_segments(api: Driver) -> None:
    api.front.on("GET", "/raw", Reply(200, json={}))
    response = await api.request(api.client(), "GET", "/raw?next=http://x/../y&dir=..")
    assert response.status_code == 200
