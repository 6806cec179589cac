"""What the Channel API cassettes must never hold (a JWT, the app secret), and that each one is used."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import vcr  # type: ignore[import-untyped]
import yaml
from front_channel_api.api.messages import sync_inbound_message
from front_client import FrontChannelClient
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from tests.contract.conftest import FILTERED
from tests.contract.fakes import FakeClock, loopback_server
from tests.support.clocked import clocked

from .conftest import APP_SECRET, APP_UID, CHANNEL_CASSETTES, CHANNEL_ID, CHANNEL_PRISM_URL, JWT
from .test_client import MESSAGE
from .test_operations import OPERATIONS, call_arguments

RECORDING = "config.getoption('--record-mode') not in (None, 'none')"


def leaks(text: str) -> list[str]:
    found = [f"a JWT {match.group(0)[:12]}..." for match in JWT.finditer(text)]
    return found + (["the app secret"] if APP_SECRET in text else [])


@pytest.mark.skipif(RECORDING, reason="cassettes are being rewritten: the replay pass scans them")
def test_no_channel_cassette_holds_a_jwt_or_the_secret() -> None:
    files = sorted(CHANNEL_CASSETTES.glob("*.yaml"))
    assert len(files) == len(OPERATIONS) == 11
    offenders = {path.name: leaks(path.read_text(encoding="utf-8")) for path in files}
    assert not {name: found for name, found in offenders.items() if found}
    for path in files:
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            headers = {name.lower(): value for name, value in interaction["request"]["headers"].items()}
            assert headers["authorization"] == [FILTERED], path.name


def test_each_channel_cassette_belongs_to_an_operation() -> None:
    names = {path.stem for path in CHANNEL_CASSETTES.glob("*.yaml")}
    assert names == {operation.operation_id for operation in OPERATIONS}


def test_the_scan_finds_a_jwt_and_the_secret() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGFfMSJ9.c2lnbmF0dXJl"
    assert leaks(f"body: '{token}'") == ["a JWT eyJhbGciOiJI..."]
    assert leaks(f"x: {APP_SECRET}") == ["the app secret"]
    assert leaks(f"authorization:\n- {FILTERED}\n") == []


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every POST with the JWT it was sent, in the body and in a header (a hostile server)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        sent = self.headers["Authorization"]
        body = f'{{"status": "accepted", "message_uid": "{sent}", "secret": "{APP_SECRET}"}}'.encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Echo", sent)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    with loopback_server(EchoHandler) as url:
        yield url


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_recorded_channel_cassette_holds_no_jwt(
    vcr_config: dict[str, Any], echo_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "echo.yaml"
    with (
        vcr.VCR(**vcr_config).use_cassette(str(path), record_mode="once"),
        FrontChannelClient(channel_id=CHANNEL_ID, app_uid=APP_UID, app_secret=APP_SECRET,
                           base_url=echo_server) as client,
    ):  # fmt: skip
        answer = sync_inbound_message.sync(CHANNEL_ID, client=client, body=MESSAGE)
    assert answer is not None and JWT.search(str(answer.message_uid))  # the echo had work for the filters

    text = path.read_text(encoding="utf-8")
    assert leaks(text) == []
    [interaction] = yaml.safe_load(text)["interactions"]
    assert interaction["request"]["headers"]["authorization"] == [FILTERED]
    answer_headers = {name.lower(): value for name, value in interaction["response"]["headers"].items()}
    assert answer_headers["x-echo"] == ["Bearer <FILTERED>"]


@pytest.mark.skipif(RECORDING, reason="replay only")
@pytest.mark.vcr
@pytest.mark.default_cassette("sync-inbound-message")
def test_a_channel_write_with_another_body_than_recorded_fails() -> None:
    """Bodies are matched on replay: an inbound message other than the recorded one is never answered."""
    (operation,) = [op for op in OPERATIONS if op.operation_id == "sync-inbound-message"]
    positional, keywords = call_arguments(operation)
    clock = FakeClock()
    with FrontChannelClient(**clocked(
        channel_id=CHANNEL_ID, app_uid=APP_UID, app_secret=APP_SECRET, base_url=CHANNEL_PRISM_URL,
        clock=clock, sleep=clock.sleep,
    )) as client:  # fmt: skip
        with pytest.raises(CannotOverwriteExistingCassetteException):
            sync_inbound_message.sync_detailed(*positional, client=client, body=MESSAGE)
        assert sync_inbound_message.sync_detailed(*positional, client=client, **keywords).status_code == 202
