"""``front-api`` driven against the emulator: output, bodies, pagination, and one exit status per error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from front_client.cli import exit_status, main
from front_client.errors import FrontConnectionError, FrontTimeoutError
from front_client.testing import FrontEmulator


@pytest.fixture
def front(monkeypatch: pytest.MonkeyPatch) -> Iterator[FrontEmulator]:
    with FrontEmulator() as emulator:
        monkeypatch.setenv("FRONT_API_BASE_URL", emulator.base_url)
        monkeypatch.setenv("FRONT_API_TOKEN", "cli-test-token")
        yield emulator


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_paginate_prints_one_json_line_per_item(
    front: FrontEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = front.add_conversations(230, status="open")
    status, out, err = run(capsys, "GET", "/conversations", "--paginate")
    lines = out.splitlines()
    assert status == 0
    assert [json.loads(line)["id"] for line in lines] == list(reversed(seeded))
    assert len(front.requests_to("GET /conversations")) == 3  # pages of 100
    assert err.splitlines() == [
        "front-api: page 1, 100 items",
        "front-api: page 2, 200 items",
        "front-api: page 3, 230 items",
    ]


def test_get_prints_the_json_body_and_query_fields(
    front: FrontEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    front.add_conversations(3)
    status, out, _ = run(capsys, "GET", "/conversations", "-f", "limit=2")
    assert status == 0
    body = json.loads(out)
    assert len(body["_results"]) == 2
    assert front.requests_to("GET /conversations")[0].query == {"limit": ["2"]}


def test_fields_and_input_become_the_json_body(
    front: FrontEmulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (cid,) = front.add_conversations(1, status="open")
    assert run(capsys, "PATCH", f"/conversations/{cid}", "-f", "status=archived")[0] == 0
    assert front.conversation(cid)["status"] == "archived"
    assert front.requests_to("PATCH /conversations/{id}")[0].json() == {"status": "archived"}
    contact = tmp_path / "contact.json"
    contact.write_text(
        json.dumps({"name": "Ana", "handles": [{"handle": "ana@example.com", "source": "email"}]})
    )
    status, out, _ = run(capsys, "POST", "/contacts", "--input", str(contact), "-F", "is_spammer=false")
    assert status == 0
    assert json.loads(out)["name"] == "Ana"
    assert front.requests_to("POST /contacts")[0].json()["is_spammer"] is False


@pytest.mark.parametrize(
    ("setup", "args", "expected_status", "error_class"),
    [
        (None, ("GET", "/conversations/cnv_missing"), 7, "NotFoundError"),
        ("private", ("GET", "/conversations/{private}"), 6, "PrivateResourceError"),
        ("fail", ("POST", "/conversations/{open}/comments", "-f", "body=hi"), 10, "ServerError"),
        (None, ("PATCH", "/conversations/{open}", "-f", "status=closed"), 8, "BadRequestError"),
    ],
)
def test_api_errors_are_one_line_with_their_own_exit_status(
    front: FrontEmulator,
    capsys: pytest.CaptureFixture[str],
    setup: str | None,
    args: tuple[str, ...],
    expected_status: int,
    error_class: str,
) -> None:
    ids = {"open": front.add_conversation(status="open"), "private": front.add_private_conversation()}
    if setup == "fail":
        front.fail_next("POST /conversations/{id}/comments", status=503)
    status, out, err = run(capsys, *(a.format(**ids) for a in args))
    assert status == expected_status
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"front-api: {error_class}: ")
    assert "Traceback" not in err


def test_missing_token_and_unreachable_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FRONT_API_TOKEN", raising=False)
    status, _, err = run(capsys, "GET", "/me", "--base-url", "http://127.0.0.1:9")
    assert (status, err.split(":")[1].strip()) == (3, "MissingTokenError")
    monkeypatch.setenv("FRONT_API_TOKEN", "t")
    status, _, err = run(capsys, "GET", "/me", "--base-url", "http://127.0.0.1:9")
    assert status == 14 and "Traceback" not in err
    assert err.startswith("front-api: FrontConnectionError: ") and "refused" in err  # not garbled


def test_a_timeout_has_its_own_exit_status() -> None:
    timeout = FrontTimeoutError("ReadTimeout: timed out", method="GET", url="https://api2.frontapp.com/me")
    connection = FrontConnectionError(
        "ConnectError: refused", method="GET", url="https://api2.frontapp.com/me"
    )
    assert (exit_status(timeout), exit_status(connection)) == (15, 14)


def test_usage_errors(front: FrontEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "POST", "/tags", "--paginate")[0] == 2
    assert run(capsys, "POST", "/tags", "-f", "no-equals-sign")[0] == 2


def test_the_console_script_with_a_fresh_emulator() -> None:
    """`front-api GET /conversations --paginate --emulator | wc -l` prints the seeded count."""
    script = Path(sys.executable).parent / "front-api"
    env = {k: v for k, v in os.environ.items() if k not in ("FRONT_API_TOKEN", "FRONT_API_BASE_URL")}
    done = subprocess.run(
        [str(script), "GET", "/conversations", "--paginate", "--emulator", "--seed", "150"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 150
    assert "page 2, 150 items" in done.stderr
