"""The emulator itself: rate-limit headers, 429s, tiers, routes, counts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from front_client.testing import (
    PRIVATE_RESOURCE_BODY,
    EmulatorLimits,
    EmulatorResponse,
    FrontEmulator,
    paginated,
    redirect,
    sequence,
)


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits.scaled(3, 10.0, 10.0), stateful=False) as em:
        yield em


def test_global_window_headers_and_429(emulator: FrontEmulator) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        responses = [client.get("/contacts") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert {r.headers["X-RateLimit-Limit"] for r in responses} == {"3"}
    reset = float(responses[0].headers["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 10
    assert 0 < float(responses[3].headers["Retry-After"]) <= 10
    assert "X-Front-Tier" not in responses[3].headers
    assert (emulator.responses_429, emulator.global_429, emulator.window_counts()) == (1, 1, [3])
    assert emulator.received[("GET", "/contacts")] == 4


def test_integer_retry_after_by_default() -> None:
    with (
        FrontEmulator(EmulatorLimits(global_limit=1, window_seconds=2.5), stateful=False) as em,
        httpx.Client() as client,
    ):
        client.get(em.base_url + "/a")
        assert client.get(em.base_url + "/a").headers["Retry-After"] in {"1", "2", "3"}


def test_tier_429_while_global_budget_remains() -> None:
    limits = EmulatorLimits.scaled(100, 10.0, 10.0)
    with FrontEmulator(limits, stateful=False) as em, httpx.Client(base_url=em.base_url) as client:
        assert client.post("/exports").status_code == 200
        limited = client.post("/teams/tim_1/exports/")
        assert limited.status_code == 429
        assert limited.headers["X-Front-Tier"] == "1"
        assert int(limited.headers["X-RateLimit-Remaining"]) > 0
        assert float(limited.headers["Retry-After"]) > 0
        assert [client.patch(f"/conversations/c{i}").status_code for i in range(4)] == [200, 200, 200, 429]
        assert client.get("/contacts").status_code == 200
        assert dict(em.tier_429) == {"1": 1, "2": 1}


def test_limit_changes_and_outside_burn(emulator: FrontEmulator) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        client.get("/a")
        emulator.set_limit(5)
        assert client.get("/a").headers["X-RateLimit-Remaining"] == "3"
        assert emulator.burn(2) == 2
        assert client.get("/a").headers["X-RateLimit-Remaining"] == "0"
        assert client.get("/a").status_code == 429
    assert emulator.outside_burnt == 2


def test_routes_private_403_and_helpers(emulator: FrontEmulator) -> None:
    emulator.limits.enabled = False
    emulator.private("/teammates/{teammate_id}/conversations")
    emulator.json_route("GET", "/me", {"id": "tea_1"}, headers={"X-Extra": "1"})
    emulator.route(
        "GET",
        "/flaky",
        sequence(EmulatorResponse(503, {"_error": {"status": 503}}), EmulatorResponse(200, {"ok": True})),
    )
    emulator.route("GET", "/old", redirect("/me"))
    emulator.route("GET", "/items", paginated(lambda: emulator.base_url, list(range(5)), 2))
    emulator.route(
        "POST", "/echo/{thing}", lambda r: EmulatorResponse(201, {"got": r.json(), **r.path_params})
    )
    with httpx.Client(base_url=emulator.base_url) as client:
        private = client.get("/teammates/tea_1/conversations")
        assert (private.status_code, private.json()) == (403, PRIVATE_RESOURCE_BODY)
        me = client.get("/me")
        assert me.json() == {"id": "tea_1"} and me.headers["X-Extra"] == "1"
        assert [client.get("/flaky").status_code for _ in range(3)] == [503, 200, 200]
        moved = client.get("/old")
        assert (moved.status_code, moved.headers["Location"]) == (301, "/me")
        pages, url = [], "/items"
        while url:
            body = client.get(url).json()
            pages.append(body["_results"])
            url = body["_pagination"]["next"]
        assert pages == [[0, 1], [2, 3], [4]]
        echoed = client.post("/echo/x1", json={"a": 1})
        assert (echoed.status_code, echoed.json()) == (201, {"got": {"a": 1}, "thing": "x1"})
    assert emulator.requests[-1].headers["content-type"] == "application/json"


def test_slow_response_triggers_a_read_timeout(emulator: FrontEmulator) -> None:
    emulator.json_route("GET", "/slow", {}, delay=0.5)
    with httpx.Client(base_url=emulator.base_url, timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/slow")
