"""Hostile bodies: a gzip bomb, JSON nested past the recursion limit, a corrupt or unknown Content-Encoding.

Each ends in the typed error of its status (``MalformedResponseError`` for a success, the status's
``FrontStatusError`` otherwise), never a raw ``RecursionError`` / ``httpx.DecodingError``, and a bomb is
never held in memory beyond ``max_body_size``.
"""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
from front_client import (
    DEFAULT_MAX_BODY_SIZE,
    MalformedResponseError,
    NotFoundError,
    ServerError,
)
from front_core_api.api.attachments import download_attachment
from front_core_api.api.conversations import get_conversation_by_id

from tests.overlay.conftest import Reply

from .conftest import Driver

PATH = "/conversations/cnv_1"
MiB = 1024 * 1024


@functools.cache
def bomb(decoded_size: int, *, layers: int = 1) -> bytes:
    """``decoded_size`` zero bytes, gzip-compressed ``layers`` times (about 1:1000 per layer)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MiB)
    parts = [compressor.compress(block) for _ in range(decoded_size // MiB)]
    data = b"".join(parts) + compressor.flush()
    for _ in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


def gzipped(payload: Any) -> bytes:
    return gzip.compress(json.dumps(payload).encode())


async def peak_while(api: Driver, call: Any) -> tuple[BaseException | None, int]:
    """Run ``call()`` (awaited); the exception it raised and the peak of Python's allocations meanwhile."""
    tracemalloc.start()
    try:
        try:
            await call()
        except Exception as error:  # the assertions look at it
            raised: BaseException | None = error
        else:
            raised = None
        return raised, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("status", [200, 500])
async def test_a_gzip_bomb_stops_at_max_body_size(api: Driver, status: int) -> None:
    api.front.on("GET", PATH, Reply(status, body=bomb(64 * MiB), headers={"Content-Encoding": "gzip"}))
    client = api.client(max_body_size=MiB)
    raised, peak = await peak_while(api, lambda: api.call(client, get_conversation_by_id, "cnv_1"))
    expected = MalformedResponseError if status == 200 else ServerError
    assert isinstance(raised, expected), raised
    assert raised.status == status
    assert "max_body_size=1048576" in str(raised)
    assert peak < 8 * MiB  # not the 64 MiB it decodes to
    # A GET's 500 is retried as usual (3 times by default); only the last body is read, and bounded.
    assert api.front.count("GET", PATH) == (1 if status == 200 else 4)


async def test_a_nested_bomb_with_the_default_limit(api: Driver) -> None:
    """Two layers of gzip: 256 MiB from 300 bytes; the default limit (128 MiB) holds."""
    body = bomb(256 * MiB, layers=2)
    assert len(body) < 1_000_000
    api.front.on("GET", PATH, Reply(200, body=body, headers={"Content-Encoding": "gzip, gzip"}))
    client = api.client()
    with pytest.raises(MalformedResponseError, match=f"max_body_size={DEFAULT_MAX_BODY_SIZE}"):
        await api.call(client, get_conversation_by_id, "cnv_1")


async def test_a_bomb_download_leaves_no_file(api: Driver, tmp_path: Path) -> None:
    api.front.on(
        "GET", "/download/fil_1", Reply(200, body=bomb(16 * MiB), headers={"Content-Encoding": "gzip"})
    )
    target = tmp_path / "file.bin"
    with pytest.raises(MalformedResponseError, match="max_body_size"):
        await api.download(
            api.client(max_body_size=MiB), download_attachment, target, attachment_link_id="fil_1"
        )
    assert list(tmp_path.iterdir()) == []


NESTED = ("[" * 100_000 + "]" * 100_000).encode()


async def test_json_nested_too_deep_in_a_success_is_malformed(api: Driver) -> None:
    api.front.on("GET", PATH, Reply(200, body=NESTED, headers={"Content-Type": "application/json"}))
    with pytest.raises(MalformedResponseError) as caught:
        await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert caught.value.status == 200
    assert "RecursionError" in str(caught.value)


@pytest.mark.parametrize(("status", "cls"), [(404, NotFoundError), (503, ServerError)])
async def test_json_nested_too_deep_in_an_error_keeps_its_status(
    api: Driver, status: int, cls: type[Exception]
) -> None:
    api.front.on("GET", PATH, Reply(status, body=NESTED, headers={"Content-Type": "application/json"}))
    with pytest.raises(cls) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    assert caught.value.status == status  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "encoding",
    ["gzip", "deflate", "br", "gzip, compress"],
)
@pytest.mark.parametrize("status", [200, 503])
async def test_a_body_that_cannot_be_decoded_keeps_its_status(
    api: Driver, encoding: str, status: int
) -> None:
    body = b"\x1f\x8b\x08\x00 this is not what it claims" if encoding == "gzip" else b"\xff\xfe corrupt"
    if encoding == "gzip, compress":
        body = gzip.compress(b"{}")  # the outer coding is one the client never asked for
    api.front.on("GET", PATH, Reply(status, body=body, headers={"Content-Encoding": encoding}))
    with pytest.raises(MalformedResponseError if status == 200 else ServerError) as caught:
        await api.call(api.client(max_retries=0), get_conversation_by_id, "cnv_1")
    error = caught.value
    assert isinstance(error, MalformedResponseError | ServerError)
    assert error.status == status
    assert "DecodingError" in str(caught.value)


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "gzip, gzip", "identity"])
async def test_honest_encodings_are_decoded(api: Driver, encoding: str) -> None:
    payload = {"id": "cnv_1", "subject": "Hi", "status": "open"}
    raw = json.dumps(payload).encode()
    body = {
        "gzip": gzip.compress(raw),
        "x-gzip": gzip.compress(raw),
        "deflate": zlib.compress(raw),
        "gzip, gzip": gzip.compress(gzip.compress(raw)),
        "identity": raw,
    }[encoding]
    headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
    api.front.on("GET", PATH, Reply(200, body=body, headers=headers))
    conversation = await api.call(api.client(), get_conversation_by_id, "cnv_1")
    assert conversation.id == "cnv_1"
    assert api.front.requests[0].headers["accept-encoding"] == "gzip, deflate"


async def test_raw_deflate_is_accepted_too(api: Driver) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(b'{"id": "cnv_1"}') + compressor.flush()
    api.front.on("GET", PATH, Reply(200, body=body, headers={"Content-Encoding": "deflate"}))
    assert (await api.call(api.client(), get_conversation_by_id, "cnv_1")).id == "cnv_1"
