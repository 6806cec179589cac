"""``paginate_path``: the paginator over a route given as a path (what ``front-api --paginate`` uses), with
the same checks on every ``next`` link as ``client.paginate``."""

from __future__ import annotations

import pytest
from front_client import FrontClient, FrontClientError, PaginationError
from front_client.errors import ForeignHostError, MalformedResponseError, SecretInUrlError
from front_client.pagination import paginate_path

from tests.faults.conftest import TOKEN, FrontStandIn
from tests.overlay.conftest import Reply


def client_for(front: FrontStandIn) -> FrontClient:
    return FrontClient(token=TOKEN, base_url=front.url, limiter=False)


def test_items_of_every_page_as_plain_json_with_the_first_query(front: FrontStandIn) -> None:
    front.on("GET", "/conversations", Reply(json={"_results": [{"id": 1}], "_pagination": {"next": "/p2"}}))
    front.on("GET", "/p2", Reply(json={"_results": [{"id": 2}, {"id": 3}], "_pagination": {"next": None}}))
    with client_for(front) as client:
        assert list(paginate_path(client, "/conversations", params={"q": "x"})) == [
            {"id": 1},
            {"id": 2},
            {"id": 3},
        ]
        assert list(paginate_path(client, "/conversations", max_items=2)) == [{"id": 1}, {"id": 2}]
    assert front.requests[0].query == {"q": ["x"]}


@pytest.mark.parametrize(
    ("following", "error"),
    [(f"/p2?token={TOKEN}", SecretInUrlError), ("https://collector.example/p2", ForeignHostError)],
)
def test_a_next_link_the_client_must_not_follow_is_refused_unsent(
    front: FrontStandIn, following: str, error: type[FrontClientError]
) -> None:
    front.on(
        "GET", "/conversations", Reply(json={"_results": [{"id": 1}], "_pagination": {"next": following}})
    )
    with client_for(front) as client, pytest.raises(error):
        list(paginate_path(client, "/conversations"))
    assert [request.path for request in front.requests] == ["/conversations"]


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (Reply(json={"id": "tea_1"}), FrontClientError, "GET /me did not answer a list (no _results)"),
        (Reply(json=[1, 2]), FrontClientError, "GET /me did not answer a list (no _results)"),
        (
            Reply(body=b"<html>", headers={"Content-Type": "text/html"}),
            MalformedResponseError,
            "200 response",
        ),
        (Reply(body=b"[" * 100_000), MalformedResponseError, "RecursionError"),
    ],
    ids=["object", "array", "html", "deep"],
)
def test_an_answer_that_is_not_a_listing_raises_a_client_error(
    front: FrontStandIn, reply: Reply, error: type[FrontClientError], message: str
) -> None:
    front.on("GET", "/me", reply)
    with (
        client_for(front) as client,
        pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")),
    ):
        list(paginate_path(client, "/me"))


def test_its_bounds_are_checked_like_paginate_s(front: FrontStandIn) -> None:
    with client_for(front) as client:
        for bad in ({"max_items": -1}, {"max_pages": -1}, {"max_empty_pages": 0}):
            with pytest.raises(ValueError):
                paginate_path(client, "/conversations", **bad)  # type: ignore[arg-type]
    assert front.requests == []


def test_a_run_of_empty_pages_is_a_pagination_error(front: FrontStandIn) -> None:
    pages = [Reply(json={"_results": [], "_pagination": {"next": f"/p{i + 1}"}}) for i in range(3)]
    for i, page in enumerate(pages):
        front.on("GET", f"/p{i}", page)
    with client_for(front) as client, pytest.raises(PaginationError):
        list(paginate_path(client, "/p0", max_empty_pages=2))
