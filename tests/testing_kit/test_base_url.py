"""``FRONT_API_BASE_URL``: the argument wins, then the environment, then Front's API; both clients."""

from __future__ import annotations

import pytest
from front_client import DEFAULT_BASE_URL, AsyncFrontClient, FrontClient
from front_client.testing import FrontEmulator


@pytest.fixture(params=["sync", "async"])
def client_class(request: pytest.FixtureRequest) -> type[FrontClient] | type[AsyncFrontClient]:
    return FrontClient if request.param == "sync" else AsyncFrontClient


def test_the_environment_points_a_client_elsewhere(
    monkeypatch: pytest.MonkeyPatch, client_class: type[FrontClient] | type[AsyncFrontClient]
) -> None:
    monkeypatch.setenv("FRONT_API_BASE_URL", "http://127.0.0.1:5999/")
    assert client_class(token="t").base_url == "http://127.0.0.1:5999"


def test_the_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, client_class: type[FrontClient] | type[AsyncFrontClient]
) -> None:
    monkeypatch.setenv("FRONT_API_BASE_URL", "http://127.0.0.1:5999")
    assert (
        client_class(token="t", base_url="https://gateway.example/front").base_url
        == "https://gateway.example/front"
    )


@pytest.mark.parametrize("value", [None, "", "   "])
def test_default_without_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    client_class: type[FrontClient] | type[AsyncFrontClient],
    value: str | None,
) -> None:
    if value is None:
        monkeypatch.delenv("FRONT_API_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("FRONT_API_BASE_URL", value)
    assert client_class(token="t").base_url == DEFAULT_BASE_URL


async def test_requests_reach_the_host_the_environment_names(
    monkeypatch: pytest.MonkeyPatch, front_emulator: FrontEmulator
) -> None:
    monkeypatch.setenv("FRONT_API_BASE_URL", front_emulator.base_url)
    monkeypatch.setenv("FRONT_API_TOKEN", "token-from-env")
    with FrontClient() as client:
        client.request("GET", "/me")
    async with AsyncFrontClient() as async_client:
        await async_client.request("GET", "/me")
    sent = front_emulator.requests_to("GET /me")
    assert [r.headers["authorization"] for r in sent] == ["Bearer token-from-env"] * 2
