"""Bodies with files go as Front's multipart/form-data; bodies without stay JSON."""

from __future__ import annotations

import io
from typing import BinaryIO, cast

from front_client.multipart import contains_files, form_fields
from front_core_api.api.contacts import create_contact
from front_core_api.api.messages import create_message, receive_custom_messages
from front_core_api.models.create_contact import CreateContact
from front_core_api.models.custom_message import CustomMessage
from front_core_api.models.custom_message_sender import CustomMessageSender
from front_core_api.models.outbound_message import OutboundMessage
from front_core_api.models.outbound_message_options import OutboundMessageOptions
from front_core_api.types import File

from .conftest import Driver, Reply

ACCEPTED = Reply(202, json={"status": "accepted", "message_uid": "m1"})


def two_files() -> list[File]:
    return [
        File(payload=io.BytesIO(b"%PDF-1.4 first"), file_name="invoice.pdf", mime_type="application/pdf"),
        File(payload=io.BytesIO(b"\x89PNG second"), file_name="cat.png", mime_type="image/png"),
    ]


async def test_custom_message_with_two_attachments_and_a_nested_sender(api: Driver) -> None:
    api.front.on("POST", "/channels/cha_1/incoming_messages", ACCEPTED)
    body = CustomMessage(
        sender=CustomMessageSender(handle="alice@example.com", name="Alice"),
        body="See attached",
        attachments=two_files(),
    )
    result = await api.call(api.client(), receive_custom_messages, "cha_1", body=body)
    assert result.message_uid == "m1"
    (request,) = api.front.requests
    assert request.form() == [
        ("sender[handle]", None, b"alice@example.com"),
        ("sender[name]", None, b"Alice"),
        ("body", None, b"See attached"),
        ("attachments[]", "invoice.pdf", b"%PDF-1.4 first"),
        ("attachments[]", "cat.png", b"\x89PNG second"),
    ]


async def test_message_arrays_and_options(api: Driver) -> None:
    api.front.on("POST", "/channels/cha_1/messages", ACCEPTED)
    body = OutboundMessage(
        to=["a@example.com", "b@example.com"],
        body="Hi",
        options=OutboundMessageOptions(tag_ids=["tag_1", "tag_2"], archive=False),
        attachments=two_files(),
    )
    await api.call(api.client(), create_message, "cha_1", body=body)
    fields = [(name, filename) for name, filename, _ in api.front.requests[0].form()]
    assert fields == [
        ("to[]", None),
        ("to[]", None),
        ("body", None),
        ("options[tag_ids][]", None),
        ("options[tag_ids][]", None),
        ("options[archive]", None),
        ("attachments[]", "invoice.pdf"),
        ("attachments[]", "cat.png"),
    ]
    values = {name: value for name, _, value in api.front.requests[0].form() if name == "options[archive]"}
    assert values == {"options[archive]": b"false"}


async def test_a_single_file_field(api: Driver) -> None:
    api.front.on("POST", "/contacts", Reply(201, json={"id": "crd_1"}))
    body = CreateContact(handles=[], name="Bob", avatar=File(payload=io.BytesIO(b"img"), file_name="bob.jpg"))
    await api.call_detailed(api.client(), create_contact, body=body)
    assert ("avatar", "bob.jpg", b"img") in api.front.requests[0].form()


async def test_without_files_the_body_stays_json(api: Driver) -> None:
    api.front.on("POST", "/channels/cha_1/messages", ACCEPTED)
    await api.call(
        api.client(), create_message, "cha_1", body=OutboundMessage(to=["a@example.com"], body="Hi")
    )
    (request,) = api.front.requests
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"to": ["a@example.com"], "body": "Hi"}


async def test_raw_request_with_files_in_json(api: Driver) -> None:
    api.front.on("POST", "/raw", Reply(json={}))
    await api.request(api.client(), "POST", "/raw", json={"note": "x", "attachments": [b"raw bytes"]})
    assert api.front.requests[0].form() == [
        ("note", None, b"x"),
        ("attachments[]", "attachment-1", b"raw bytes"),
    ]


def test_form_field_names() -> None:
    data, files = form_fields(
        {
            "to": ["a", "b"],
            "sender": {"handle": "h", "name": None},
            "options": {"archive": True, "tag_ids": ["t"]},
            "links": [{"name": "n1"}, {"name": "n2"}],
            "count": 3,
            "skipped": None,
            "attachments": [("a.txt", b"A", "text/plain"), File(payload=io.BytesIO(b"B"))],
        }
    )
    assert data == {
        "to[]": ["a", "b"],
        "sender[handle]": ["h"],
        "options[archive]": ["true"],
        "options[tag_ids][]": ["t"],
        "links[0][name]": ["n1"],
        "links[1][name]": ["n2"],
        "count": ["3"],
    }
    assert [(name, f[0], f[2]) for name, f in files] == [
        ("attachments[]", "a.txt", "text/plain"),
        ("attachments[]", "attachment-2", None),
    ]


def test_contains_files() -> None:
    assert contains_files({"a": {"b": [("x", io.BytesIO(b""), None)]}})
    assert not contains_files({"a": ["x", ("not", "a file")], "n": 1})


class PipeLike(io.RawIOBase):
    """A stream that can be read once and not rewound, like a socket or a subprocess's stdout."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


async def test_a_stream_that_cannot_rewind_is_sent_whole_on_a_retry(api: Driver) -> None:
    """A 429 is retried with the same body: a pipe read by the first attempt must not arrive empty."""
    api.front.on("POST", "/channels/cha_1/messages", Reply(429, headers={"Retry-After": "0"}), ACCEPTED)
    report = File(payload=cast(BinaryIO, PipeLike(b"%PDF-1.4 " + b"x" * 5000)), file_name="report.pdf")
    body = OutboundMessage(to=["a@example.com"], body="Hi", attachments=[report])
    await api.call(api.client(), create_message, "cha_1", body=body)
    first, second = api.front.requests
    assert first.form() == second.form()
    assert ("attachments[]", "report.pdf", b"%PDF-1.4 " + b"x" * 5000) in second.form()
