"""The cassette filters of ``vcr_config`` are really applied when a cassette is written.

``test_hygiene`` scans the committed cassettes, which only proves the last recording was clean. This
records a fresh cassette with the very config ``make record`` uses, against a loopback server that echoes
the token back (in its body and a header), and reads what vcrpy wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
import yaml

from .conftest import FILTERED, TEST_TOKEN
from .fakes import loopback_server


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every GET with the token it was sent, in the body and in a header."""

    def do_GET(self) -> None:
        body = f'{{"you_sent": "{TEST_TOKEN}", "see": "Bearer {TEST_TOKEN}"}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Echo-Token", f"token={TEST_TOKEN}")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    with loopback_server(EchoHandler) as url:
        yield url


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_recorded_cassette_holds_no_token(
    vcr_config: dict[str, Any], echo_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "echo.yaml"
    recorder = vcr.VCR(**vcr_config)
    with recorder.use_cassette(str(path), record_mode="once"), httpx.Client() as client:
        response = client.get(
            f"{echo_server}/echo",
            params={"token": TEST_TOKEN, "api_key": TEST_TOKEN, "limit": "5"},
            headers={
                "Authorization": f"Bearer {TEST_TOKEN}",
                "X-Front-Token": TEST_TOKEN,
                "Cookie": f"session={TEST_TOKEN}",
            },
        )
    assert TEST_TOKEN in response.text  # the live answer did echo it: the filters had work to do

    text = path.read_text(encoding="utf-8")
    assert TEST_TOKEN not in text
    [interaction] = yaml.safe_load(text)["interactions"]
    request, answer = interaction["request"], interaction["response"]
    headers = {name.lower(): values for name, values in request["headers"].items()}
    assert headers["authorization"] == [FILTERED]
    assert headers["x-front-token"] == ["<FILTERED>"]
    assert headers["cookie"] == ["<FILTERED>"]
    query = parse_qs(urlsplit(request["uri"]).query)
    assert query == {"token": ["<FILTERED>"], "api_key": ["<FILTERED>"], "limit": ["5"]}
    assert answer["body"]["string"] == '{"you_sent": "<FILTERED>", "see": "Bearer <FILTERED>"}'
    answer_headers = {name.lower(): values for name, values in answer["headers"].items()}
    assert answer_headers["x-echo-token"] == ["token=<FILTERED>"]
    assert "date" not in answer_headers and "server" not in answer_headers  # volatile: dropped
