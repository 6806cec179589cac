"""What an ``attachments=`` argument of the facade takes, and the filename each form reaches Front with."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from front_client import FrontClient
from front_client.testing import EmulatorResponse, FrontEmulator
from front_core_api.types import File


def sent_parts(emulator: FrontEmulator, **arguments: Any) -> list[tuple[str, bytes]]:
    """Send a reply with ``arguments``; the (filename, content) of each attachment part Front received."""
    emulator.route("POST", "/conversations/{id}/messages", lambda _r: EmulatorResponse(202, {"status": "ok"}))
    with FrontClient("test-token", base_url=emulator.base_url) as client:
        client.messages.create_reply("cnv_1", body="files", **arguments)
    body = emulator.requests[-1].body
    return [
        (name.decode(), content)
        for name, content in re.findall(
            rb'filename="([^"]*)"\r\n(?:[^\r\n]+\r\n)*\r\n(.*?)\r\n--', body, re.S
        )
    ]


def test_a_path_is_read_and_named_by_its_last_component(
    front_emulator: FrontEmulator, tmp_path: Path
) -> None:
    (tmp_path / "report.csv").write_bytes(b"a,b\n1,2")
    (tmp_path / "notes.txt").write_bytes(b"notes")
    paths = [str(tmp_path / "report.csv"), tmp_path / "notes.txt"]
    assert sent_parts(front_emulator, attachments=paths) == [
        ("report.csv", b"a,b\n1,2"),
        ("notes.txt", b"notes"),
    ]


def test_bytes_and_unnamed_streams_are_called_attachment(front_emulator: FrontEmulator) -> None:
    fd_named = io.BytesIO(b"three")
    fd_named.name = 7  # what open(fd) gives: not a file name
    parts = sent_parts(front_emulator, attachments=[b"one", bytearray(b"two"), fd_named, io.BytesIO(b"four")])
    assert parts == [("attachment", b"one"), ("attachment", b"two"), ("attachment", b"three"),
                     ("attachment", b"four")]  # fmt: skip


def test_a_file_of_the_generated_types_is_sent_as_it_is(front_emulator: FrontEmulator) -> None:
    given = File(payload=io.BytesIO(b"%PDF"), file_name="invoice.pdf", mime_type="application/pdf")
    assert sent_parts(front_emulator, attachments=[given]) == [("invoice.pdf", b"%PDF")]


def test_anything_else_is_refused_naming_its_type_before_sending(front_emulator: FrontEmulator) -> None:
    with (
        FrontClient("test-token", base_url=front_emulator.base_url) as client,
        pytest.raises(TypeError) as refused,
    ):
        client.messages.create_reply("cnv_1", body="files", attachments=[42])  # type: ignore[list-item]
    assert str(refused.value) == "an attachment is a path, bytes or a binary file, not int"
    assert front_emulator.requests == []


def test_a_single_file_field_takes_one_file_not_a_list(front_emulator: FrontEmulator) -> None:
    front_emulator.route("PATCH", "/contacts/{id}", lambda _r: EmulatorResponse(204))
    with FrontClient("test-token", base_url=front_emulator.base_url) as client:
        client.contacts.update("crd_1", avatar=b"\x89PNG")
    body = front_emulator.requests[-1].body
    assert re.findall(rb'name="avatar"; filename="([^"]*)"', body) == [b"attachment"]
    assert b"\x89PNG" in body
