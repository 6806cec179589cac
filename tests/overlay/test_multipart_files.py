"""What a file in a body may be, and the ``filename=`` that reaches Front for each form.

Accepted as a file (every other value is a text field or JSON): ``front_core_api.types.File``; ``bytes``,
``bytearray`` or ``memoryview``; a binary stream (an open file, ``io.BytesIO``, anything with ``read()``);
a tuple ``(name, payload)``, ``(name, payload, content_type)`` or ``(name, payload, content_type,
headers)`` whose payload is one of those. The part's ``filename`` is the name given, else the stream's own
name, cut to its last path component (never a directory of the sender's machine); a stream whose name is not
a file's (``<stdin>``, a file descriptor's number) and raw bytes are named ``attachment-<n>``.

Each form is sent end to end to the loopback stand-in, which parses the multipart body it received.
"""

from __future__ import annotations

import io
import os
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO, cast

import pytest
from front_client.multipart import form_fields, is_file
from front_core_api.api.messages import create_message
from front_core_api.models.outbound_message import OutboundMessage
from front_core_api.types import File

from .conftest import Driver, Recorded, Reply

ACCEPTED = Reply(202, json={"status": "accepted", "message_uid": "m1"})
PDF = b"%PDF-1.4 the report"


def parts(request: Recorded) -> list[Message]:
    """The multipart body's parts, as the server parsed them (headers and all)."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data"), content_type
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    )
    return list(message.iter_parts())


def attachment(request: Recorded) -> tuple[str | None, bytes, str]:
    """(filename, content, content type) of the one ``attachments[]`` part."""
    (part,) = [
        p for p in parts(request) if p.get_param("name", header="content-disposition") == "attachments[]"
    ]
    filename = part.get_param("filename", header="content-disposition")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return None if filename is None else str(filename), payload, part.get_content_type()


async def send_raw(api: Driver, value: Any) -> Recorded:
    """A raw ``POST`` whose JSON body holds ``value`` as its one attachment."""
    api.front.on("POST", "/raw", Reply(json={}))
    await api.request(api.client(), "POST", "/raw", json={"note": "x", "attachments": [value]})
    (request,) = api.front.requests
    return request


async def send_message(api: Driver, file: File) -> Recorded:
    """The generated ``create_message`` with one ``File`` attachment."""
    api.front.on("POST", "/channels/cha_1/messages", ACCEPTED)
    body = OutboundMessage(to=["a@example.com"], body="Hi", attachments=[file])
    await api.call(api.client(), create_message, "cha_1", body=body)
    (request,) = api.front.requests
    return request


@pytest.fixture
def report(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "alice" / "private-folder"
    folder.mkdir(parents=True)
    path = folder / "q3 report.pdf"
    path.write_bytes(PDF)
    return path


# -- file names -------------------------------------------------------------------------------------------
async def test_a_file_opened_from_disk_is_named_by_its_own_name_not_its_path(
    api: Driver, report: Path
) -> None:
    with report.open("rb") as opened:
        request = await send_message(api, File(payload=opened))  # no file_name: the file's own
    filename, content, _ = attachment(request)
    assert (filename, content) == ("q3 report.pdf", PDF)
    assert "alice" not in request.body.decode("latin-1")  # no directory of the sender's machine


async def test_a_raw_open_file_in_a_json_body_is_named_by_its_own_name(api: Driver, report: Path) -> None:
    with report.open("rb") as opened:
        request = await send_raw(api, opened)
    assert attachment(request)[:2] == ("q3 report.pdf", PDF)
    assert str(report.parent) not in request.body.decode("latin-1")


async def test_a_given_name_wins_over_the_files_own(api: Driver, report: Path) -> None:
    with report.open("rb") as opened:
        request = await send_message(api, File(payload=opened, file_name="invoice.pdf"))
    assert attachment(request)[:2] == ("invoice.pdf", PDF)


@pytest.mark.parametrize(
    "given",
    ["/home/alice/private-folder/invoice.pdf", "C:\\Users\\alice\\invoice.pdf", "sub/dir/invoice.pdf"],
)
async def test_a_given_name_with_a_path_is_cut_to_its_last_component(api: Driver, given: str) -> None:
    request = await send_message(api, File(payload=io.BytesIO(PDF), file_name=given))
    assert attachment(request)[:2] == ("invoice.pdf", PDF)
    assert "alice" not in request.body.decode("latin-1")


class NamedStream(io.BytesIO):
    def __init__(self, data: bytes, name: object) -> None:
        super().__init__(data)
        self.name = name


@pytest.mark.parametrize("name", ["<stdin>", "<fdopen>", 7, ""])
async def test_a_stream_whose_name_is_not_a_files_is_numbered(api: Driver, name: object) -> None:
    """``sys.stdin.buffer`` is named ``<stdin>``, ``os.fdopen(fd)`` carries the descriptor's number."""
    request = await send_message(api, File(payload=cast(BinaryIO, NamedStream(PDF, name))))
    assert attachment(request)[:2] == ("attachment-1", PDF)


async def test_a_file_opened_from_a_descriptor_is_numbered(api: Driver, report: Path) -> None:
    with os.fdopen(os.open(report, os.O_RDONLY), "rb") as opened:
        assert isinstance(opened.name, int)
        request = await send_raw(api, opened)
    assert attachment(request)[:2] == ("attachment-1", PDF)


# -- payload forms ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "filename", "content_type"),
    [
        (PDF, "attachment-1", "application/octet-stream"),
        (bytearray(PDF), "attachment-1", "application/octet-stream"),
        (memoryview(PDF), "attachment-1", "application/octet-stream"),
        (io.BytesIO(PDF), "attachment-1", "application/octet-stream"),
        (("report.pdf", PDF), "report.pdf", "application/pdf"),  # httpx guesses from the name
        (("report.bin", bytearray(PDF)), "report.bin", "application/octet-stream"),
        (("report.bin", io.BytesIO(PDF)), "report.bin", "application/octet-stream"),
        (("report.bin", PDF, "application/pdf"), "report.bin", "application/pdf"),
        (
            ("report.bin", memoryview(PDF), "application/pdf", {"X-Part": "1"}),
            "report.bin",
            "application/pdf",
        ),
        ((None, PDF, "application/pdf"), "attachment-1", "application/pdf"),
    ],
    ids=[
        "bytes",
        "bytearray",
        "memoryview",
        "stream",
        "2-tuple bytes",
        "2-tuple bytearray",
        "2-tuple stream",
        "3-tuple",
        "4-tuple",
        "3-tuple without a name",
    ],
)
async def test_each_accepted_form_arrives_as_a_file_part(
    api: Driver, value: Any, filename: str, content_type: str
) -> None:
    if isinstance(value, tuple) and isinstance(value[1], io.BytesIO):
        value[1].seek(0)  # the parametrized stream is shared by the sync and async runs
    elif isinstance(value, io.BytesIO):
        value.seek(0)
    request = await send_raw(api, value)
    assert attachment(request) == (filename, PDF, content_type)


async def test_a_file_with_a_bytearray_payload(api: Driver) -> None:
    request = await send_message(api, File(payload=cast(BinaryIO, bytearray(PDF)), file_name="r.pdf"))
    assert attachment(request)[:2] == ("r.pdf", PDF)


async def test_a_four_tuple_keeps_its_part_headers(api: Driver) -> None:
    request = await send_raw(api, ("r.pdf", PDF, "application/pdf", {"X-Checksum": "abc"}))
    (part,) = [p for p in parts(request) if p.get_filename() == "r.pdf"]
    assert part["x-checksum"] == "abc"


@pytest.mark.parametrize(
    "value",
    [("a", "b"), ("name", 3), ("only-one",), ("a", b"x", "t", {}, "extra"), "text", 12, None, [b"x"]],
)
def test_what_is_not_a_file(value: object) -> None:
    assert not is_file(value)


async def test_a_pair_of_strings_stays_text(api: Driver) -> None:
    api.front.on("POST", "/raw", Reply(json={}))
    await api.request(api.client(), "POST", "/raw", json={"pair": ["a", "b"], "f": [b"x"]})
    assert api.front.requests[0].form() == [
        ("pair[]", None, b"a"),
        ("pair[]", None, b"b"),
        ("f[]", "attachment-1", b"x"),
    ]


def test_files_are_numbered_by_their_place_among_the_files() -> None:
    _, files = form_fields({"note": "n", "a": [b"1", ("named.txt", b"2"), b"3"], "avatar": bytearray(b"4")})
    assert [(name, file[0], file[1]) for name, file in files] == [
        ("a[]", "attachment-1", b"1"),
        ("a[]", "named.txt", b"2"),
        ("a[]", "attachment-3", b"3"),
        ("avatar", "attachment-4", b"4"),
    ]
    assert all(type(file[1]) is bytes for _, file in files)


async def test_a_file_object_in_a_raw_json_body(api: Driver) -> None:
    request = await send_raw(
        api, File(payload=io.BytesIO(PDF), file_name="raw.pdf", mime_type="application/pdf")
    )
    assert attachment(request) == ("raw.pdf", PDF, "application/pdf")


def test_files_inside_objects_and_arrays_of_objects() -> None:
    data, files = form_fields(
        {"sender": {"name": "A", "avatar": b"img"}, "links": [{"name": "n", "file": b"f"}]}
    )
    assert data == {"sender[name]": ["A"], "links[0][name]": ["n"]}
    assert [(name, file[0], file[1]) for name, file in files] == [
        ("sender[avatar]", "attachment-1", b"img"),
        ("links[0][file]", "attachment-2", b"f"),
    ]


def test_a_file_that_can_be_rewound_is_streamed_not_read_into_memory(report: Path) -> None:
    with report.open("rb") as opened:
        _, [(_, part)] = form_fields({"attachments": [opened]})
        assert part[1] is opened
        assert opened.tell() == 0  # nothing read yet: httpx streams it, and rewinds it for a retry


def test_a_closed_file_is_left_for_httpx_to_report(report: Path) -> None:
    opened = report.open("rb")
    opened.close()
    _, [(_, part)] = form_fields({"attachments": [opened]})
    assert (part[0], part[1]) == ("q3 report.pdf", opened)


class Reader:
    """Not an ``io`` stream, but it has ``read()``: a file to httpx, and to the client."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = self._data, b""
        return data


@pytest.mark.parametrize("wrap", [False, True], ids=["alone", "in a 2-tuple"])
async def test_any_object_with_read_is_a_file(api: Driver, wrap: bool) -> None:
    value: Any = ("r.bin", Reader(PDF)) if wrap else Reader(PDF)
    assert is_file(value)
    request = await send_raw(api, value)
    assert attachment(request)[:2] == ("r.bin" if wrap else "attachment-1", PDF)


class ToTupleOnly:
    def to_tuple(self) -> tuple[str, bytes, None]:
        return ("x", b"x", None)


@pytest.mark.parametrize("value", [SimpleNamespace(payload=b"x"), ToTupleOnly()], ids=["payload", "to_tuple"])
def test_a_file_like_model_needs_both_to_tuple_and_payload(value: object) -> None:
    assert not is_file(value)
