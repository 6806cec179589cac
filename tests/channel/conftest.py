"""The Channel API client: cassettes from Prism on the patched channel spec, and loopback servers.

Cassettes live in ``tests/cassettes/channel`` (replayed offline, sockets blocked, like ``tests/contract``);
``make record`` records them from a Prism serving ``build/spec/channel-api.patched.json`` on 127.0.0.1:4012
(``tools/record.py``). Every request carries a new JWT: ``Authorization`` is filtered before writing, and
``test_hygiene.py`` checks that no cassette holds a JWT, the app secret or an unfiltered header.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.contract.conftest import CASSETTES, FILTERED, TOKEN_HEADERS, response_scrubber

from .jwt_check import JWTCheckingRoute

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PATCHED_SPEC = ROOT / "build" / "spec" / "channel-api.patched.json"
CHANNEL_CASSETTES = CASSETTES / "channel"
CHANNEL_PRISM_URL = os.environ.get("FRONT_CHANNEL_PRISM_URL", "http://127.0.0.1:4012")
# Fake credentials (32+ bytes: PyJWT warns about shorter HMAC keys). Never in a cassette.
APP_SECRET = "channel-test-app-secret-7d1c9b2e4f6a8d0c"
APP_UID = "app_test_5e2a"
CHANNEL_ID = "cha_test_1"
# A JWT: base64url('{"...') . base64url('{"...') . signature.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


def scrub_text(value: str) -> str:
    return JWT.sub("<FILTERED>", value.replace(APP_SECRET, "<FILTERED>"))


# Volatile headers dropped; the app secret and any JWT (a server echoing one) filtered out.
scrub_response = response_scrubber(scrub_text)


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [
            (name, FILTERED if name == "authorization" else "<FILTERED>") for name in TOKEN_HEADERS
        ],
        "before_record_response": scrub_response,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CHANNEL_CASSETTES)


@pytest.fixture(scope="session")
def channel_spec() -> dict[str, Any]:
    if not PATCHED_SPEC.exists():
        pytest.fail(f"{PATCHED_SPEC} is missing: run `make generate`")
    spec: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8"))
    return spec


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Sockets blocked for the cassette tests (``test_operations.py``), loopback too, unless recording."""
    for item in items:
        if item.path == HERE / "test_operations.py" and item.get_closest_marker("block_network") is None:
            item.add_marker(pytest.mark.block_network)


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    """A loopback Front emulator with Front's default limits and no resources of its own."""
    with FrontEmulator(EmulatorLimits(), stateful=False) as em:
        yield em


@pytest.fixture
def route(emulator: FrontEmulator) -> JWTCheckingRoute:
    """``POST /channels/{id}/inbound_messages``, answered only when the JWT checks out."""
    return JWTCheckingRoute(APP_SECRET).install(emulator)
