"""GuardTransport / AsyncGuardTransport on their own, over an in-memory transport: decoding, the body cap,
an attempt's deadline at its edges, and install_deadline. Fast: no server, no sleeping."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import httpx
import pytest
from front_client.network import (
    AsyncGuardTransport,
    BodyTooLarge,
    DeadlineExceeded,
    GuardTransport,
    install_deadline,
)

TEXT = b'{"id": "cnv_1", "subject": "' + b"x" * 300 + b'"}'


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


class Answering(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers 200 with ``body`` as it is (never read, so never decoded, before the guard sees it)."""

    def __init__(self, body: bytes, encodings: tuple[str, ...]) -> None:
        self._body, self._headers = body, [("Content-Encoding", value) for value in encodings]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=self._headers, stream=httpx.ByteStream(self._body))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=self._headers, stream=httpx.ByteStream(self._body))


def answering(body: bytes, *encodings: str) -> Answering:
    return Answering(body, encodings)


def read(
    inner: httpx.BaseTransport, *, limit: int | None = None, deadline: float | None = None
) -> httpx.Response:
    with httpx.Client(transport=GuardTransport(inner, deadline=deadline, max_body_size=limit)) as client:
        response = client.get("https://api2.frontapp.com/conversations/cnv_1")
        response.read()
        return response


async def aread(inner: httpx.AsyncBaseTransport, *, limit: int | None = None) -> httpx.Response:
    guard = AsyncGuardTransport(inner, deadline=None, max_body_size=limit)
    async with httpx.AsyncClient(transport=guard) as client:
        response = await client.get("https://api2.frontapp.com/conversations/cnv_1")
        await response.aread()
        return response


ENCODED: dict[str, Callable[[bytes], tuple[bytes, tuple[str, ...]]]] = {
    "gzip": lambda b: (gzip.compress(b), ("gzip",)),
    "x-gzip": lambda b: (gzip.compress(b), ("x-gzip",)),
    "deflate": lambda b: (zlib.compress(b), ("deflate",)),
    "raw deflate": lambda b: (raw_deflate(b), ("deflate",)),
    "identity": lambda b: (b, ("identity",)),
    "upper case, blanks": lambda b: (gzip.compress(b), (" GZIP ",)),
    "gzip then deflate, one header": lambda b: (zlib.compress(gzip.compress(b)), ("gzip, deflate",)),
    "gzip then deflate, two headers": lambda b: (zlib.compress(gzip.compress(b)), ("gzip", "deflate")),
    "identity among them": lambda b: (gzip.compress(b), ("identity, gzip, identity",)),
}


@pytest.mark.parametrize("form", list(ENCODED))
async def test_each_encoding_is_decoded_and_no_longer_announced(form: str) -> None:
    body, encodings = ENCODED[form](TEXT)
    for response in (read(answering(body, *encodings)), await aread(answering(body, *encodings))):
        assert response.content == TEXT
        assert "content-encoding" not in response.headers


def test_a_body_larger_than_a_decoding_step_comes_out_whole() -> None:
    big = bytes(range(256)) * 2048  # 512 KiB: several 64 KiB steps of one chunk
    for body, encoding in ((gzip.compress(big), "gzip"), (raw_deflate(big), "deflate")):
        assert read(answering(body, encoding)).content == big


@pytest.mark.parametrize("encoded", [True, False])
async def test_max_body_size_is_the_largest_decoded_body_read(encoded: bool) -> None:
    body, encodings = (gzip.compress(TEXT), ("gzip",)) if encoded else (TEXT, ())
    assert read(answering(body, *encodings), limit=len(TEXT)).content == TEXT
    assert (await aread(answering(body, *encodings), limit=len(TEXT))).content == TEXT
    with pytest.raises(BodyTooLarge) as refused:
        read(answering(body, *encodings), limit=len(TEXT) - 1)
    assert (
        str(refused.value)
        == f"the body is over max_body_size={len(TEXT) - 1} bytes once decoded: not read further"
    )
    with pytest.raises(BodyTooLarge):
        await aread(answering(body, *encodings), limit=len(TEXT) - 1)
    assert read(answering(body, *encodings), limit=None).content == TEXT


async def test_an_encoding_not_asked_for_keeps_the_status_and_refuses_the_body() -> None:
    inner = answering(b"\x1b\x00", "br")
    client = httpx.Client(transport=GuardTransport(inner, deadline=None, max_body_size=None))
    with client, client.stream("GET", "https://api2.frontapp.com/x") as response:
        assert response.status_code == 200
        with pytest.raises(httpx.DecodingError) as refused:
            response.read()
    assert str(refused.value) == "Content-Encoding 'br' is not supported (the client asks for gzip, deflate)"
    with pytest.raises(httpx.DecodingError, match="'br' is not supported"):
        read(answering(b"", "gzip, br"))  # even an empty body: refused, not read as if decoded
    with pytest.raises(httpx.DecodingError, match="'br' is not supported"):
        await aread(answering(b"", "gzip, br"))


@pytest.mark.parametrize(("body", "encoding"), [(b"not gzip at all", "gzip"), (b"not deflate", "deflate")])
async def test_corrupt_content_is_a_decoding_error_naming_the_encoding(body: bytes, encoding: str) -> None:
    with pytest.raises(httpx.DecodingError) as refused:
        read(answering(body, encoding))
    assert not isinstance(refused.value, BodyTooLarge)
    assert str(refused.value).startswith(f"corrupt {encoding} content: Error -3 while decompressing data")
    with pytest.raises(httpx.DecodingError, match=f"^corrupt {encoding} content: "):
        await aread(answering(body, encoding))


def test_a_deadline_already_passed_when_the_headers_come_is_exceeded() -> None:
    with pytest.raises(DeadlineExceeded) as late:
        read(answering(TEXT), deadline=0.0)
    assert str(late.value) == "no complete answer within deadline=0 s (headers and body)"
    assert isinstance(late.value, httpx.ReadTimeout)
    assert read(answering(TEXT), deadline=3600.0).content == TEXT  # far within it
    assert read(answering(TEXT), deadline=None).content == TEXT


def test_a_timeout_of_the_inner_transport_within_the_deadline_stays_a_timeout() -> None:
    def times_out(_request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("socket timeout")

    for deadline in (3600.0, None):
        with pytest.raises(httpx.ReadTimeout) as raised:
            read(httpx.MockTransport(times_out), deadline=deadline)
        assert not isinstance(raised.value, DeadlineExceeded)


def test_closing_the_guard_closes_what_it_wraps() -> None:
    closed: list[str] = []

    class Inner(httpx.MockTransport):
        def close(self) -> None:
            closed.append("sync")

    GuardTransport(Inner(lambda _r: httpx.Response(200)), deadline=None, max_body_size=None).close()
    assert closed == ["sync"]


def test_install_deadline_wraps_the_pool_s_backend_once() -> None:
    transport = httpx.HTTPTransport()
    backend = transport._pool._network_backend
    assert install_deadline(transport) is transport
    wrapped = transport._pool._network_backend
    assert wrapped is not backend and type(wrapped).__name__ == "_DeadlineBackend"
    install_deadline(transport)
    assert transport._pool._network_backend is wrapped  # not wrapped twice
    transport.close()
