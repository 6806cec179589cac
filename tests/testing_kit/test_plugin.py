"""The pytest plugin: registered through the ``pytest11`` entry point; its cassette settings keep tokens
out of a user's own cassettes; and the emulator's lifecycle (sync and async context managers)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
from front_client import AsyncFrontClient, FrontClient
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator
from front_client.testing.plugin import vcr_config_for_front

USER_TOKEN = "tok_user_live_7d3e91aa"


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("front_client") == "front_client.testing.plugin"


def test_fixtures_share_one_emulator(
    front_emulator: FrontEmulator, front_api_client: FrontClient, front_async_client: AsyncFrontClient
) -> None:
    assert front_api_client.base_url == front_async_client.base_url == front_emulator.base_url
    assert front_emulator.running


async def test_async_context_manager() -> None:
    emulator = FrontEmulator()
    async with emulator as front:
        (cid,) = front.add_conversations(1)
        async with front.async_client() as client:
            response = await client.request("GET", f"/conversations/{cid}")
        assert response.json()["id"] == cid
        url = front.base_url
    assert not emulator.running
    with pytest.raises(httpx.ConnectError), httpx.Client() as plain:
        plain.get(f"{url}/me")


def test_front_vcr_config_keeps_tokens_out_of_cassettes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONT_API_TOKEN", USER_TOKEN)
    config = vcr_config_for_front()

    def echo_token(request: EmulatorRequest) -> EmulatorResponse:
        token = request.headers["authorization"].removeprefix("Bearer ")
        return EmulatorResponse(200, {"seen": token}, {"X-Echo": token})

    with FrontEmulator() as front:
        front.route("GET", "/echo", echo_token)
        recorder = vcr.VCR(**config)
        with (
            recorder.use_cassette(str(tmp_path / "echo.yaml")),
            FrontClient(base_url=front.base_url) as client,
        ):
            assert client.request("GET", "/echo", params={"api_key": USER_TOKEN}).json() == {
                "seen": USER_TOKEN
            }
    written = (tmp_path / "echo.yaml").read_text(encoding="utf-8")
    assert "/echo" in written and "Bearer <FILTERED>" in written
    assert USER_TOKEN not in written


def test_a_request_without_a_token_is_refused_and_not_counted(front_emulator: FrontEmulator) -> None:
    with httpx.Client(base_url=front_emulator.base_url) as plain:
        refused = plain.get("/me")
        accepted = plain.get("/me", headers={"Authorization": "Bearer anything"})
    assert (refused.status_code, refused.json()["_error"]["status"]) == (401, 401)
    assert accepted.status_code == 200
    assert front_emulator.window_counts() == [1]
    assert [r.status for r in front_emulator.requests_to("GET /me")] == [401, 200]
