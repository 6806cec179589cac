"""What the cassettes must never hold (a token), what they must all be (used), and that replay is offline."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml
from front_client import FrontClient
from front_core_api.api.conversations import update_conversation
from front_core_api.api.tags import get_tag, list_tags
from front_core_api.models import UpdateConversation
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from tests.support.clocked import clocked

from .conftest import CASSETTES, FILTERED, LIVE, PRISM_URL, TEST_TOKEN, TOKEN_HEADERS, secrets
from .fakes import FakeClock
from .test_operations import ALL_OPERATIONS

# "Bearer " (any spacing, a folded YAML line included) followed by anything but the placeholder.
BEARER = re.compile(r"Bearer\s+(?!<FILTERED>)(\S{0,12})")
SECRET_QUERY = ("api_key", "token")
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RECORDING = "config.getoption('--record-mode') not in (None, 'none')"


def leaks(text: str, tokens: Iterable[str]) -> list[str]:
    """Every unfiltered bearer value and every known token in ``text`` (shown cut short)."""
    found = [f"'Bearer {match.group(1)}...'" for match in BEARER.finditer(text)]
    found += [f"token {token[:6]}... in clear" for token in tokens if token in text]
    return found


def header_leaks(cassette: dict[str, Any]) -> list[str]:
    """Token headers and query values that are not the filtered placeholder."""
    found = []
    for interaction in cassette.get("interactions") or []:
        request = interaction["request"]
        for name, values in (request.get("headers") or {}).items():
            wanted = FILTERED if name.lower() == "authorization" else "<FILTERED>"
            if name.lower() in TOKEN_HEADERS and any(value != wanted for value in values):
                found.append(f"request header {name} not filtered")
        for name, value in parse_qsl(urlsplit(request["uri"]).query):
            if name in SECRET_QUERY and value != "<FILTERED>":
                found.append(f"query parameter {name} not filtered")
    return found


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


@pytest.mark.skipif(
    RECORDING, reason="cassettes are being rewritten: `make record` scans them on its replay pass"
)
def test_no_cassette_holds_a_token() -> None:
    files = cassette_files()
    assert files, f"no cassette under {CASSETTES}"
    offenders = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = leaks(text, secrets()) + header_leaks(yaml.load(text, Loader=Loader))
        if found:
            offenders[str(path.relative_to(CASSETTES))] = found
    assert not offenders, f"tokens in cassettes: {offenders}"


def test_the_scan_finds_what_it_looks_for() -> None:
    assert leaks(f"authorization:\n- {FILTERED}\n", [TEST_TOKEN]) == []
    assert leaks("- Bearer tok_live_1234567890abc\n", []) == ["'Bearer tok_live_123...'"]
    assert leaks("string: 'see Bearer\n        tok_folded'", [])[0].startswith("'Bearer tok_folded")
    assert leaks(f'"echo": "{TEST_TOKEN}"', [TEST_TOKEN]) == ["token contra... in clear"]
    interaction = {
        "request": {"headers": {"Authorization": ["Basic dXNlcjpwYXNz"]}, "uri": "http://h/x?token=t"}
    }
    assert header_leaks({"interactions": [interaction]}) == [
        "request header Authorization not filtered",
        "query parameter token not filtered",
    ]


@pytest.mark.skipif(RECORDING or LIVE, reason="cassettes are being rewritten")
def test_every_operation_cassette_belongs_to_an_operation() -> None:
    """A renamed or removed operation leaves no stale cassette behind (a missing one fails its own test)."""
    names = {path.stem for path in (CASSETTES / "operations").glob("*.yaml")}
    assert names, "no operation cassettes"
    stale = names - {op.operation_id for op in ALL_OPERATIONS}
    assert not stale, f"cassettes of no operation of the spec: {sorted(stale)} (`make record` drops them)"


def test_cassette_tests_cannot_reach_the_network() -> None:
    """Every test of tests/contract runs with sockets blocked (loopback included) unless it names a host."""
    with socket.socket() as probe, pytest.raises(RuntimeError, match="Network is disabled"):
        probe.connect(("127.0.0.1", int(httpx.URL(PRISM_URL).port or 80)))
    clock = FakeClock()
    client = FrontClient(TEST_TOKEN, **clocked(base_url=PRISM_URL, clock=clock, sleep=clock.sleep))
    with client, pytest.raises(RuntimeError, match="Network is disabled"):
        get_tag.sync_detailed("tag_1", client=client)  # no cassette in use: the socket itself refuses


@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTES / "operations")


@pytest.mark.skipif(RECORDING or LIVE, reason="replay only")
@pytest.mark.vcr
@pytest.mark.default_cassette("list-tags")
def test_a_request_missing_from_its_cassette_fails() -> None:
    clock = FakeClock()
    with FrontClient(TEST_TOKEN, **clocked(base_url=PRISM_URL, clock=clock, sleep=clock.sleep)) as client:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            list_tags.sync_detailed(client=client, limit=7)  # not what was recorded: never sent
        assert list_tags.sync_detailed(client=client).status_code == 200  # what was recorded: replayed


@pytest.mark.skipif(RECORDING or LIVE, reason="replay only")
@pytest.mark.vcr
@pytest.mark.default_cassette("update-conversation")
def test_a_write_with_another_body_than_recorded_fails() -> None:
    """Bodies are matched on replay: a PATCH that sends other fields than were recorded is never answered."""
    clock = FakeClock()
    with FrontClient(TEST_TOKEN, **clocked(base_url=PRISM_URL, clock=clock, sleep=clock.sleep)) as client:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            update_conversation.sync_detailed(
                "conversation_id_1", client=client, body=UpdateConversation.from_dict({"status": "archived"})
            )
        recorded = UpdateConversation.from_dict({})  # the recorded body, '{}': replayed
        assert (
            update_conversation.sync_detailed("conversation_id_1", client=client, body=recorded).status_code
            == 204
        )
