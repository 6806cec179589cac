"""The emulator is as strict as Front where user code can go wrong: tokens, the query object ``q``,
conversation statuses, the event log."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from front_client import AuthenticationError, FrontClient
from front_client.testing import UNAUTHORIZED_BODY, EmulatorLimits, FrontEmulator
from front_core_api.api.conversations import list_conversations


def get(front: FrontEmulator, path: str, params: Any = None, token: str = "any-token") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{front.base_url}{path}", params=params, headers=headers)


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["_results"]]


# -- tokens -----------------------------------------------------------------------------------------------
def test_only_the_given_tokens_are_accepted_and_others_get_fronts_401() -> None:
    with FrontEmulator(tokens=["tok_right"]) as front:
        assert get(front, "/me", token="tok_right").status_code == 200
        refused = get(front, "/me", token="tok_wrong")
        assert refused.status_code == 401 and refused.json() == UNAUTHORIZED_BODY
        assert UNAUTHORIZED_BODY == {
            "_error": {"status": 401, "title": "Unauthorized", "message": "Invalid token"}
        }
        assert front.served.total() == 1  # a refused request is not counted against the rate limits
        with (
            FrontClient(token="tok_wrong", base_url=front.base_url) as client,
            pytest.raises(AuthenticationError),
        ):
            list_conversations.sync(client=client)
        with front.client() as client:  # front.client() sends a token the emulator accepts
            assert list_conversations.sync(client=client) is not None


def test_by_default_any_token_is_accepted_but_none_is_refused() -> None:
    with FrontEmulator() as front:
        assert get(front, "/me", token="whatever").status_code == 200
        assert httpx.get(f"{front.base_url}/me").status_code == 401


def test_a_revoked_token_is_refused_and_an_accepted_one_let_in() -> None:
    with FrontEmulator(tokens=[]) as front:
        assert get(front, "/me", token="tok_issued").status_code == 401
        front.accept_token("tok_issued")
        assert get(front, "/me", token="tok_issued").status_code == 200
        front.revoke_token("tok_issued")
        assert get(front, "/me", token="tok_issued").status_code == 401


def test_tokens_must_be_a_list() -> None:
    with pytest.raises(TypeError, match="list of tokens"):
        FrontEmulator(tokens="tok_one")


def test_a_route_added_without_authentication_is_served_without_a_token() -> None:
    with FrontEmulator(tokens=["tok_right"]) as front:
        front.json_route("POST", "/oauth/token", {"access_token": "x"})
        front.route("GET", "/oauth/authorize", lambda r: front_ok(), authenticated=False)
        assert httpx.get(f"{front.base_url}/oauth/authorize").status_code == 200
        assert httpx.post(f"{front.base_url}/oauth/token").status_code == 401  # authenticated by default


def front_ok() -> Any:
    from front_client.testing import EmulatorResponse

    return EmulatorResponse(200, {"ok": True})


# -- q -------------------------------------------------------------------------------------------------------
@pytest.fixture
def front() -> Any:
    with FrontEmulator(EmulatorLimits(enabled=False)) as emulator:
        yield emulator


def test_statuses_in_brackets_and_repeated_both_filter(front: FrontEmulator) -> None:
    unassigned = front.add_conversations(2, status="unassigned")
    archived = front.add_conversations(2, status="archived")
    deleted = front.add_conversation(status="deleted")
    newest_first = list(reversed(unassigned + archived))
    both = [c for c in newest_first if c in unassigned + archived]
    assert ids(get(front, "/conversations", {"q[statuses][]": ["archived"]})) == list(reversed(archived))
    assert (
        ids(get(front, "/conversations", [("q[statuses]", "archived"), ("q[statuses]", "unassigned")]))
        == both
    )
    assert ids(get(front, "/conversations", {"q[statuses][]": ["trashed"]})) == [deleted]
    assert ids(get(front, "/conversations", {"q": "archived"})) == both  # a bare q filters nothing
    assert ids(get(front, "/conversations")) == both  # the deleted ones only when asked for


def test_status_categories_and_status_ids(front: FrontEmulator) -> None:
    waiting = front.add_conversation(status="unassigned", status_category="waiting", status_id="sts_w")
    front.add_conversation(status="unassigned")
    resolved = front.add_conversation(status="archived")
    assert ids(get(front, "/conversations", {"q[status_categories][]": ["waiting"]})) == [waiting]
    assert ids(get(front, "/conversations", {"q[status_categories][]": ["resolved"]})) == [resolved]
    assert ids(get(front, "/conversations", {"q[status_ids][]": ["sts_w"]})) == [waiting]


def test_the_other_conversation_lists_filter_too(front: FrontEmulator) -> None:
    (tag,) = front.add_tags("vip")
    open_id = front.add_conversation(status="unassigned", tag_ids=[tag])
    front.add_conversation(status="archived", tag_ids=[tag])
    assert ids(get(front, f"/tags/{tag}/conversations", {"q[statuses][]": ["unassigned"]})) == [open_id]


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/conversations", {"q[status]": "archived"}, "q takes status_categories, status_ids, statuses"),
        ("/conversations", {"q[statuses][]": "open"}, "'open' is not one of assigned, unassigned"),
        ("/events", {"q[after]": "yesterday"}, "a timestamp in seconds"),
        ("/contacts", {"q[statuses][]": "archived"}, "q takes updated_after, updated_before"),
        ("/links", {"q[kinds][]": "web"}, "q takes types"),
        ("/teammates/tea_1/time_offs", {"q[since]": "1"}, "q takes active_from, active_until"),
    ],
)
def test_a_filter_front_would_refuse_is_a_400_naming_the_allowed_ones(
    front: FrontEmulator, path: str, params: dict[str, str], says: str
) -> None:
    response = get(front, path, params)
    assert response.status_code == 400
    assert says in response.json()["_error"]["message"]


def test_contacts_updated_after_and_before(front: FrontEmulator) -> None:
    old, changed = front.add_contacts(2)
    (newer,) = front.add_contacts(1)
    cutoff = front.data.contacts[newer]["updated_at"] if front.data else 0
    with front.client() as client:
        client.request("PATCH", f"/contacts/{changed}", json={"name": "Renamed"})
    assert ids(get(front, "/contacts", {"q[updated_after]": str(cutoff)})) == [changed]
    assert ids(get(front, "/contacts", {"q[updated_before]": str(cutoff)})) == [old]


def test_events_filtered_by_time_type_and_inbox(front: FrontEmulator) -> None:
    (billing,) = front.add_inboxes("Billing")
    first = front.add_conversation(status="unassigned")
    second = front.add_conversation(status="unassigned", inbox_id=billing)
    with front.client() as client:
        client.request("PATCH", f"/conversations/{first}", json={"status": "archived"})
        client.request("POST", f"/conversations/{second}/comments", json={"body": "Looking"})
        client.request("PATCH", f"/conversations/{second}", json={"status": "archived"})
    events = get(front, "/events").json()["_results"]
    assert [(e["type"], e["conversation"]["id"]) for e in events] == [
        ("archive", second),
        ("comment", second),
        ("archive", first),
    ]
    first_archive = events[2]["emitted_at"]
    after = get(front, "/events", {"q[after]": str(first_archive), "q[types][]": ["archive"]})
    assert [e["conversation"]["id"] for e in after.json()["_results"]] == [second]
    before = get(front, "/events", {"q[before]": str(events[0]["emitted_at"])})
    assert [e["type"] for e in before.json()["_results"]] == ["comment", "archive"]
    in_billing = get(front, "/events", {"q[inboxes][]": [billing]})
    assert [e["type"] for e in in_billing.json()["_results"]] == ["archive", "comment"]


# -- statuses ------------------------------------------------------------------------------------------------
def test_open_is_a_seeding_shorthand_never_a_status_front_answers(front: FrontEmulator) -> None:
    (teammate,) = front.add_teammates("ann")
    unassigned = front.add_conversation(status="open")
    assigned = front.add_conversation(status="open", assignee_id=teammate)
    statuses = {c["id"]: c["status"] for c in get(front, "/conversations").json()["_results"]}
    assert statuses == {unassigned: "unassigned", assigned: "assigned"}
    with pytest.raises(ValueError, match="one of open, archived, unassigned, deleted, assigned"):
        front.add_conversation(status="closed")
