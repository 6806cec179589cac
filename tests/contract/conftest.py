"""Cassettes (pytest-recording / vcrpy): replayed offline by default, recorded by `make record`.

Replay needs no Prism, no emulator and no network (`record_mode=none`, sockets blocked except loopback for
the other suites). vcrpy replaces httpx's network transport, so our auth, limiter, retry and error layers
all run on replay; the clock is fake, so a recorded 429 or a rate-limit wait does not really sleep.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "cassettes"
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
TEST_TOKEN = "contract-test-token-0f9e8d7c6b5a"  # what cassettes must never contain
FILTERED = "Bearer <FILTERED>"
# Where recordings were made (Prism for operations, the emulator for scenarios); replays use the same URL.
PRISM_URL = os.environ.get("FRONT_CONTRACT_PRISM_URL", "http://127.0.0.1:4010")
# Response headers that change on every run: dropped before writing, so re-recording gives no diff.
VOLATILE_HEADERS = ("date", "keep-alive", "connection", "x-request-id", "server", "set-cookie")
TOKEN_HEADERS = ("authorization", "x-front-token", "cookie")


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in VOLATILE_HEADERS:
            del headers[name]
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes) and TEST_TOKEN.encode() in body:
        response["body"]["string"] = body.replace(TEST_TOKEN.encode(), b"<FILTERED>")
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(name, FILTERED if name == "authorization" else "<FILTERED>") for name in TOKEN_HEADERS],
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
