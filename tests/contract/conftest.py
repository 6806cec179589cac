"""Cassettes (pytest-recording / vcrpy): replayed offline by default, recorded by `make record`.

Replay needs no Prism, no emulator and no network: the record mode is pytest-recording's default, ``none``
(a request missing from its cassette raises ``CannotOverwriteExistingCassetteException``), and every test
of this directory runs with sockets blocked (``block_network``, loopback included) unless it says which
host it needs. While recording (``--record-mode=once``) the cassette tests may reach Prism and the
emulator. vcrpy replaces httpx's network transport only, so our auth, limiter, retry and error layers all
run on replay; the clock is fake, so a recorded 429 or a rate-limit wait does not really sleep.

Environment (set by ``tools/record.py``, never needed for replay):

- ``FRONT_CONTRACT_CASSETTES``: where cassettes are read and written (default ``tests/cassettes``);
- ``FRONT_CONTRACT_PRISM_URL``: the server of the operation cassettes (default Prism on 127.0.0.1:4010);
- ``FRONT_CONTRACT_LIVE=1``: record against Front itself with ``FRONT_API_TOKEN`` (``make record-live``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_CASSETTES = ROOT / "tests" / "cassettes"
CASSETTES = Path(os.environ.get("FRONT_CONTRACT_CASSETTES") or DEFAULT_CASSETTES)
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
TEST_TOKEN = "contract-test-token-0f9e8d7c6b5a"  # what cassettes must never contain
FILTERED = "Bearer <FILTERED>"
# Where recordings were made (Prism for operations, the emulator for scenarios); replays use the same URL.
PRISM_URL = os.environ.get("FRONT_CONTRACT_PRISM_URL", "http://127.0.0.1:4010")
EMULATOR_PORT = 4011
EMULATOR_URL = f"http://127.0.0.1:{EMULATOR_PORT}"
LIVE = os.environ.get("FRONT_CONTRACT_LIVE") == "1"
# Response headers that change on every run: dropped before writing, so re-recording gives no diff.
VOLATILE_HEADERS = ("date", "keep-alive", "connection", "x-request-id", "server", "set-cookie")
TOKEN_HEADERS = ("authorization", "x-front-token", "cookie")


def client_token() -> str:
    """The token the cassette tests send: a fixed fake one, or the real one for ``make record-live``."""
    return os.environ["FRONT_API_TOKEN"] if LIVE else TEST_TOKEN


def secrets() -> list[str]:
    """Every token that was (or could have been) sent while recording: none may reach a cassette."""
    live = os.environ.get("FRONT_API_TOKEN", "").strip()
    return [TEST_TOKEN, *([live] if len(live) >= 8 else [])]


def response_scrubber(scrub_text: Callable[[str], str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """vcrpy's ``before_record_response``: volatile headers dropped, ``scrub_text`` applied to every other
    header value and to the body (bytes kept as they were, bar what it replaces)."""

    def scrub(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() in VOLATILE_HEADERS:
                del headers[name]
            else:
                headers[name] = [scrub_text(value) for value in headers[name]]
        body = response.get("body", {}).get("string")
        if isinstance(body, bytes):
            text = scrub_text(body.decode("utf-8", "surrogateescape"))
            response["body"]["string"] = text.encode("utf-8", "surrogateescape")
        return response

    return scrub


def _scrub_text(value: str) -> str:
    for secret in secrets():
        value = value.replace(secret, "<FILTERED>")
    return value


scrub_response = response_scrubber(_scrub_text)


def recording(config: pytest.Config) -> bool:
    """Whether this run writes cassettes (``--record-mode`` other than ``none``)."""
    return config.getoption("--record-mode") not in (None, "none")


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    # No "record_mode" here: it would override --record-mode; pytest-recording's default is "none".
    return {
        "filter_headers": [
            (name, FILTERED if name == "authorization" else "<FILTERED>") for name in TOKEN_HEADERS
        ],
        "filter_query_parameters": [("api_key", "<FILTERED>"), ("token", "<FILTERED>")],
        "before_record_response": scrub_response,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def patched_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8"))
    return spec


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Block the network for every test of this directory (hook of a sub-directory conftest: it still
    sees the whole session, so only items under ``tests/contract`` are marked). A test that needs a host
    marks itself ``block_network(allowed_hosts=[...])``."""
    for item in items:
        if item.path.is_relative_to(HERE) and item.get_closest_marker("block_network") is None:
            item.add_marker(pytest.mark.block_network)
