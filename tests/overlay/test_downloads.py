"""Downloads: the generated function returns bytes; client.download streams to a path or a file."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import httpx
import pytest
from front_client import FrontConnectionError, NotFoundError
from front_core_api.api.attachments import download_attachment

from .conftest import TOKEN, Driver, Recorded, Reply, error_body

CONTENT = bytes(range(256)) * 4096  # 1 MiB, several chunks
FILE_PATH = "/download/fil_1"


def serve_file(api: Driver) -> None:
    api.front.on("GET", FILE_PATH, Reply(body=CONTENT, headers={"Content-Type": "application/octet-stream"}))


async def test_generated_download_returns_bytes(api: Driver) -> None:
    serve_file(api)
    assert await api.call(api.client(), download_attachment, "fil_1") == CONTENT


async def test_stream_to_a_path(api: Driver, tmp_path: Path) -> None:
    serve_file(api)
    target = tmp_path / "report.pdf"
    written = await api.download(api.client(), download_attachment, target, attachment_link_id="fil_1")
    assert written == len(CONTENT)
    assert target.read_bytes() == CONTENT
    assert list(tmp_path.iterdir()) == [target]
    assert api.front.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_stream_to_a_file_object_by_url(api: Driver) -> None:
    serve_file(api)
    sink = io.BytesIO()
    written = await api.download(api.client(), f"{api.front.url}{FILE_PATH}", sink)
    assert written == len(CONTENT)
    assert sink.getvalue() == CONTENT


async def test_a_failed_download_leaves_no_file(api: Driver, tmp_path: Path) -> None:
    api.front.on("GET", FILE_PATH, Reply(404, json=error_body(404, "Not found", "Unknown attachment")))
    target = tmp_path / "missing.bin"
    with pytest.raises(NotFoundError, match="Unknown attachment"):
        await api.download(api.client(), FILE_PATH, target)
    assert list(tmp_path.iterdir()) == []


async def test_a_download_cut_off_mid_body_leaves_no_file_and_the_old_one_intact(
    api: Driver, tmp_path: Path
) -> None:
    half = len(CONTENT) // 2  # Content-Length says 1 MiB; 512 KiB (several chunks) come, then the close
    headers = {"Content-Type": "application/octet-stream"}
    api.front.on("GET", FILE_PATH, Reply(body=CONTENT, headers=headers, cut_at=half))
    client = api.client()
    fresh = tmp_path / "fresh.bin"
    with pytest.raises(FrontConnectionError) as caught:
        await api.download(client, FILE_PATH, fresh)
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert not fresh.exists()
    existing = tmp_path / "existing.bin"
    existing.write_bytes(b"the previous version")
    with pytest.raises(FrontConnectionError):
        await api.download(client, download_attachment, existing, attachment_link_id="fil_1")
    assert existing.read_bytes() == b"the previous version"
    assert list(tmp_path.iterdir()) == [existing]  # no temporary .part file left either
    assert api.front.count("GET", FILE_PATH) == 2


async def test_a_download_is_retried_like_any_get(api: Driver, tmp_path: Path) -> None:
    calls: list[Recorded] = []

    def route(request: Recorded) -> Reply:
        calls.append(request)
        return Reply(503) if len(calls) == 1 else Reply(body=b"done")

    api.front.on("GET", FILE_PATH, route)
    target = tmp_path / "f.bin"
    assert await api.download(api.client(), FILE_PATH, target) == 4
    assert target.read_bytes() == b"done"
    assert len(calls) == 2


async def test_download_by_url_takes_no_arguments(api: Driver) -> None:
    with pytest.raises(TypeError, match="a download by URL takes no operation arguments"):
        await api.download(api.client(), FILE_PATH, io.BytesIO(), attachment_link_id="x")
    assert api.front.requests == []


async def test_a_downloaded_file_gets_the_usual_mode_not_a_private_one(api: Driver, tmp_path: Path) -> None:
    serve_file(api)
    previous = os.umask(0o022)
    try:
        target = tmp_path / "shared.pdf"
        await api.download(api.client(), download_attachment, target, attachment_link_id="fil_1")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
