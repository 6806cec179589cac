"""``front-api`` against a scripted loopback Front and given bad input: every failure is one line on stderr
with its exit status (2 for the user's own input, nothing sent), never a traceback, and the token is never
requested in a URL nor printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from front_client.cli import main

from tests.faults.conftest import TOKEN, FrontStandIn
from tests.overlay.conftest import Reply

FRONT_API = Path(sys.executable).parent / "front-api"


@pytest.fixture
def front_env(front: FrontStandIn, monkeypatch: pytest.MonkeyPatch) -> FrontStandIn:
    monkeypatch.setenv("FRONT_API_BASE_URL", front.url)
    monkeypatch.setenv("FRONT_API_TOKEN", TOKEN)
    return front


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line(err: str, starts: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(starts), err


# 1. --paginate walks with the library's paginator: a next link holding the token is never requested.


def test_paginate_refuses_a_next_link_holding_the_token_without_requesting_it(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    following = f"{front_env.url}/conversations?page_token=p2&token={TOKEN}"
    page = {"_results": [{"id": "cnv_1"}], "_pagination": {"next": following}}
    front_env.on("GET", "/conversations", Reply(json=page))
    status, out, err = run(capsys, "GET", "/conversations", "--paginate", "-q")
    assert front_env.count("GET", "/conversations") == 1  # the link was not requested
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["cnv_1"]  # page 1 was printed
    assert status == 11
    assert_one_line(
        err, "front-api: SecretInUrlError: refusing to send a request whose URL holds the API token"
    )
    assert TOKEN not in err


def test_paginate_stops_at_a_next_link_it_already_followed(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    page = {
        "_results": [{"id": "cnv_1"}],
        "_pagination": {"next": f"{front_env.url}/conversations?limit=100"},
    }
    front_env.on("GET", "/conversations", Reply(json=page))
    status, out, _ = run(capsys, "GET", "/conversations", "--paginate", "-q")
    assert (status, out.splitlines()) == (0, ['{"id": "cnv_1"}'])
    assert front_env.count("GET", "/conversations") == 1


# 5. Unreadable -F files and unparseable --input: a usage error, one line, exit 2, nothing sent.


@pytest.mark.parametrize("case", ["missing", "directory", "binary"])
def test_a_field_file_that_cannot_be_read_as_text_is_a_usage_error(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    target = {"missing": tmp_path / "nonexistent", "directory": tmp_path, "binary": binary}[case]
    status, out, err = run(capsys, "POST", "/contacts", "-F", f"name=@{target}")
    assert (status, out) == (2, "")
    assert_one_line(err, "front-api: usage error: Invalid value for '-F': @")
    assert {"missing": "No such file", "directory": "Is a directory", "binary": "not UTF-8"}[case] in err
    assert front_env.requests == []


def test_input_json_nested_100000_deep_is_a_usage_error(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    status, out, err = run(capsys, "POST", "/contacts", "--input", str(deep))
    assert (status, out) == (2, "")
    assert_one_line(err, "front-api: usage error: Invalid value for '--input': the JSON is nested too deeply")
    assert front_env.requests == []


def test_an_answer_nested_too_deeply_to_parse_is_printed_as_received(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    front_env.on("GET", "/deep", Reply(body=deep, headers={"Content-Type": "application/json"}))
    status, out, err = run(capsys, "GET", "/deep")
    assert (status, err) == (0, "")
    assert out == deep.decode() + "\n"


# 6. --paginate on an answer that is not a listing: refused with a message, not silently dropped.


def test_paginate_on_an_object_that_is_not_a_listing_says_so(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    front_env.on("GET", "/me", Reply(json={"id": "tea_1", "email": "ana@example.com"}))
    status, out, err = run(capsys, "GET", "/me", "--paginate", "-q")
    assert (status, out) == (1, "")
    assert_one_line(err, "front-api: FrontClientError: GET /me did not answer a list (no _results)")


# 7. Fields cannot be merged into a JSON body that is not an object.


@pytest.mark.parametrize("payload", ["[1, 2, 3]", '"text"', "42"])
def test_fields_with_an_input_that_is_not_an_object_are_a_usage_error(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path, payload: str
) -> None:
    source = tmp_path / "body.json"
    source.write_text(payload)
    status, out, err = run(capsys, "POST", "/contacts", "--input", str(source), "-f", "name=x")
    assert (status, out) == (2, "")
    assert_one_line(
        err, "front-api: usage error: -f/-F fields add keys to a JSON object, and --input holds a "
    )
    assert front_env.requests == []


def test_fields_are_still_merged_into_an_input_object(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    front_env.on("POST", "/contacts", Reply(status=201, json={"id": "crd_1"}))
    source = tmp_path / "body.json"
    source.write_text('{"description": "d"}')
    assert run(capsys, "POST", "/contacts", "--input", str(source), "-f", "name=x")[0] == 0
    assert front_env.requests[0].json() == {"description": "d", "name": "x"}


# Smaller: -H that no HTTP header can carry is the user's mistake (2), not the network's (14).


@pytest.mark.parametrize(
    "header", ["X-Note: a\r\nX-Injected: b", "X-Note: a\nb", "X-Note: caf\u00e9", "X Note: v", "X-Note: \x00"]
)
def test_a_header_no_http_request_can_carry_is_a_usage_error(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str], header: str
) -> None:
    status, out, err = run(capsys, "GET", "/me", "-H", header)
    assert (status, out) == (2, "")
    assert_one_line(err, "front-api: usage error: Invalid value for '-H': ")
    assert front_env.requests == []


def test_a_plain_header_is_still_sent(front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]) -> None:
    front_env.on("GET", "/me", Reply(json={"id": "tea_1"}))
    assert run(capsys, "GET", "/me", "-H", "X-Note:  a value\twith tab ")[0] == 0
    assert front_env.requests[0].headers["x-note"] == "a value\twith tab"


# Smaller: -i prints headers with the token redacted (a server that echoes it back).


def test_include_redacts_the_token_a_server_echoes_in_headers_and_body(
    front_env: FrontStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    echo = Reply(
        json={"authorization": f"Bearer {TOKEN}"}, headers={"X-Echo-Authorization": f"Bearer {TOKEN}"}
    )
    front_env.on("GET", "/me", echo)
    status, out, _ = run(capsys, "GET", "/me", "-i")
    assert status == 0
    assert TOKEN not in out
    assert "x-echo-authorization: Bearer <redacted>" in out.splitlines()
    assert json.loads(out.split("\n\n", 1)[1]) == {"authorization": "Bearer <redacted>"}


# 8. A reader that leaves early (`| head -1`): exit 0, nothing on stderr. A real pipe, in a subprocess.


def big_listing() -> dict[str, Any]:
    return {"_results": [{"id": f"cnv_{i}", "subject": "s" * 200} for i in range(3000)], "_pagination": {}}


@pytest.mark.parametrize("paginate", [False, True], ids=["object", "paginate"])
def test_a_reader_that_leaves_after_one_line_ends_the_command_quietly(
    front: FrontStandIn, paginate: bool
) -> None:
    front.on("GET", "/conversations", Reply(json=big_listing()))  # ~700 KB: far more than a pipe holds
    env = {**os.environ, "FRONT_API_BASE_URL": front.url, "FRONT_API_TOKEN": TOKEN}
    command = [str(FRONT_API), "GET", "/conversations", "-q"] + (["--paginate"] if paginate else [])
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()  # what `head -1` reads before it exits
        process.stdout.close()
        status = process.wait(timeout=60)
        err = process.stderr.read().decode()
    assert first.strip()
    assert (status, err) == (0, "")
