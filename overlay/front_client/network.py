"""The innermost wrapper, just above the network: a deadline per attempt, and a bounded body.

httpx's timeouts are per socket operation: a server that drips its headers a line a second, or its body two
bytes at a time, never trips them. And httpx decodes ``Content-Encoding`` without a bound: a 1 MB gzip bomb
becomes 1 GiB in memory. :class:`GuardTransport` / :class:`AsyncGuardTransport` bound both:

- **deadline**: from the moment an attempt is handed to the network to the last byte of its body, at most
  ``deadline`` seconds. Asyncio cancels the attempt when it passes. A blocking socket read cannot be
  cancelled, so for the sync client each socket operation's own timeout is cut to the time left: through
  :func:`install_deadline`, which gives the default ``httpx.HTTPTransport``'s connection pool a network
  backend that does so (with a ``transport=`` of your own, the deadline is checked between chunks). Going
  past it raises :class:`DeadlineExceeded`, an ``httpx.ReadTimeout`` that the retry layer does not re-send
  (the server is answering, too slowly: another try would only double the wait).
- **body size**: the body is decoded here (``gzip``, ``deflate``, ``identity``, in the order
  ``Content-Encoding`` lists them) in steps of at most ``_STEP`` bytes, and the decoded size is capped at
  ``max_body_size``: more raises :class:`BodyTooLarge`; an encoding that cannot be decoded (corrupt data, an
  encoding never asked for) raises ``httpx.DecodingError``. The response reaching httpx carries no
  ``Content-Encoding`` (it is already decoded).

The client turns each into its typed error, status kept (``FrontStatusError`` subclass for a non-2xx,
``MalformedResponseError`` for a success, ``FrontTimeoutError`` for the deadline).
"""

from __future__ import annotations

import contextvars
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "AsyncGuardTransport",
    "BodyTooLarge",
    "DeadlineExceeded",
    "GuardTransport",
    "install_deadline",
]

# Seconds for one attempt, headers and body: Front's slowest routes answer within 60 s; a large download on
# a slow link takes longer, hence room to spare. ``deadline=None`` turns it off.
DEFAULT_DEADLINE = 300.0
# Decoded bytes per response body: ~5x Front's largest attachment; JSON pages are far below it.
DEFAULT_MAX_BODY_SIZE = 128 * 1024 * 1024
_STEP = 64 * 1024  # the most one decompression step may produce
# Sent instead of httpx's default: these are the encodings decoded here with a bound.
ACCEPT_ENCODING = "gzip, deflate"


class _Budget:
    """The current attempt's deadline: ``ends`` (monotonic seconds); ``cut`` whether the last socket
    operation's timeout was shortened to it (then a timeout of that operation is the deadline's)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.ends = None if seconds is None else time.monotonic() + seconds
        self.cut = False

    def passed(self, timed_out: bool) -> bool:
        if self.ends is None:
            return False
        return (timed_out and self.cut) or time.monotonic() >= self.ends

    def check(self, error: Exception | None = None) -> None:
        """Raise :class:`DeadlineExceeded` if the deadline has passed (``error``: the timeout it caused)."""
        if self.passed(error is not None):
            raise DeadlineExceeded(_deadline_message(self.seconds or 0.0)) from error


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("front_deadline", default=None)


class DeadlineExceeded(httpx.ReadTimeout):
    """The attempt (headers and body) took longer than the client's ``deadline``."""


class BodyTooLarge(httpx.DecodingError):
    """The decoded body is larger than the client's ``max_body_size``."""


def _deadline_message(deadline: float) -> str:
    return f"no complete answer within deadline={deadline:g} s (headers and body)"


# -- decoding ------------------------------------------------------------------------------------------


class _Decoder:
    """One content coding, decoded in bounded steps."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._first = True
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        else:  # deflate: zlib-wrapped as RFC 9110 says, or raw as some servers send it (httpx accepts both)
            self._zlib = zlib.decompressobj()

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._first and data and self._coding == "deflate":
            self._first = False
            try:
                yield from self._steps(data)
                return
            except httpx.DecodingError:  # no zlib header: raw deflate
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        self._first = False
        yield from self._steps(data)

    def _steps(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._zlib.decompress(data, _STEP)
            while True:
                if out:
                    yield out
                tail = self._zlib.unconsumed_tail
                if not tail:
                    return
                out = self._zlib.decompress(tail, _STEP)
        except zlib.error as error:
            raise httpx.DecodingError(f"corrupt {self._coding} content: {error}") from error

    def flush(self) -> Iterator[bytes]:
        try:
            out = self._zlib.flush(_STEP)
        except zlib.error as error:
            raise httpx.DecodingError(f"corrupt {self._coding} content: {error}") from error
        if out:
            yield out


def _codings(headers: httpx.Headers) -> list[str]:
    """The content codings to undo, outermost first (one not decoded here is kept: the body refuses it)."""
    listed = [
        coding.strip().lower()
        for value in headers.get_list("content-encoding")
        for coding in value.split(",")
        if coding.strip()
    ]
    return list(reversed([coding for coding in listed if coding != "identity"]))


class _BoundedBody:
    """Raw chunks in, decoded and counted chunks out."""

    def __init__(self, codings: list[str], limit: int | None) -> None:
        unknown = [coding for coding in codings if coding not in ("gzip", "x-gzip", "deflate")]
        # Raised when the body is read, not now: the response's status must reach the caller.
        self._refusal = (
            f"Content-Encoding {unknown[0]!r} is not supported (the client asks for {ACCEPT_ENCODING})"
            if unknown
            else None
        )
        self._decoders = [] if unknown else [_Decoder(coding) for coding in codings]
        self._limit = limit
        self.size = 0

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        if self._refusal is not None:
            raise httpx.DecodingError(self._refusal)
        yield from self._through(0, [chunk])

    def finish(self) -> Iterator[bytes]:
        if self._refusal is not None:
            raise httpx.DecodingError(self._refusal)
        for index, decoder in enumerate(self._decoders):
            yield from self._through(index + 1, decoder.flush())

    def _through(self, index: int, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            if index == len(self._decoders):
                self.size += len(chunk)
                if self._limit is not None and self.size > self._limit:
                    raise BodyTooLarge(
                        f"the body is over max_body_size={self._limit} bytes once decoded: not read further"
                    )
                yield chunk
            else:
                yield from self._through(index + 1, self._decoders[index].decode(chunk))


def _guarded_headers(response: httpx.Response) -> tuple[httpx.Headers, list[str]]:
    codings = _codings(response.headers)
    headers = httpx.Headers(response.headers)
    if "content-encoding" in headers:
        del headers["content-encoding"]
    return headers, codings


# -- sync ----------------------------------------------------------------------------------------------


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, inner: httpx.Response, codings: list[str], limit: int | None, budget: _Budget) -> None:
        self._inner = inner
        self._body = _BoundedBody(codings, limit)
        self._budget = budget

    def __iter__(self) -> Iterator[bytes]:
        stream = self._inner.stream
        assert isinstance(stream, httpx.SyncByteStream)
        # The inner stream itself, not iter_raw(): a response built with content= is already "read".
        raw = iter(stream)
        while True:
            token = _budget.set(self._budget)
            try:
                chunk = next(raw, None)
            except httpx.TimeoutException as error:
                self._budget.check(error)
                raise
            finally:
                _budget.reset(token)
            self._budget.check()  # a chunk that came too late (a transport= that cannot be cut short)
            if chunk is None:
                break
            yield from self._body.feed(chunk)
        yield from self._body.finish()

    def close(self) -> None:
        self._inner.close()


class GuardTransport(httpx.BaseTransport):
    """Deadline and bounded body around ``inner`` (the network transport)."""

    def __init__(
        self, inner: httpx.BaseTransport, *, deadline: float | None, max_body_size: int | None
    ) -> None:
        self._inner = inner
        self._deadline = deadline
        self._max_body_size = max_body_size

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = _Budget(self._deadline)
        token = _budget.set(budget)
        try:
            response = self._inner.handle_request(request)
        except httpx.TimeoutException as error:
            budget.check(error)
            raise
        finally:
            _budget.reset(token)
        try:
            budget.check()
            headers, codings = _guarded_headers(response)
        except BaseException:
            response.close()
            raise
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_SyncBody(response, codings, self._max_body_size, budget),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


# httpcore's network interfaces are duck-typed, so these need not subclass them: httpcore is imported
# only once a connection exists (httpx itself imports it lazily, and a cold import stays cheap).


class _DeadlineStream:
    """A socket (an ``httpcore.NetworkStream``) whose every operation waits at most until the current
    attempt's deadline."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, _cut(timeout, "ReadTimeout"))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cut(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _DeadlineStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _cut(timeout, "ConnectTimeout"))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _cut(timeout: float | None, error: str) -> float | None:
    """``timeout`` cut to the time left before the current attempt's deadline; past it, httpcore's
    ``error`` (which httpx maps to its own timeout)."""
    budget = _budget.get()
    if budget is None or budget.ends is None:
        return timeout
    left = budget.ends - time.monotonic()
    budget.cut = timeout is None or left < timeout
    if left <= 0:
        import httpcore

        raise getattr(httpcore, error)("deadline passed")
    return left if budget.cut else timeout


class _DeadlineBackend:
    """An ``httpcore.NetworkBackend`` whose streams are :class:`_DeadlineStream`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _DeadlineStream:
        stream = self._inner.connect_tcp(
            host, port, _cut(timeout, "ConnectTimeout"), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _DeadlineStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _cut(timeout, "ConnectTimeout"), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_deadline(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """Give ``transport``'s connection pool a network backend that honours the attempt's deadline.

    httpx offers no option for the backend of the pool it builds; the pool (``httpcore.ConnectionPool``
    or one of its proxy subclasses) takes it as ``network_backend`` and keeps it in ``_network_backend``.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if callable(getattr(backend, "connect_tcp", None)) and not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport


# -- async ---------------------------------------------------------------------------------------------


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.Response, codings: list[str], limit: int | None, budget: _Budget) -> None:
        self._inner = inner
        self._body = _BoundedBody(codings, limit)
        self._budget = budget

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._inner.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        raw = aiter(stream)
        while True:
            async with _Cancelling(self._budget):
                chunk = await anext(raw, None)
            if chunk is None:
                break
            for piece in self._body.feed(chunk):
                yield piece
        for piece in self._body.finish():
            yield piece

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Cancelling:
    """``asyncio.timeout_at`` the budget's deadline, raising :class:`DeadlineExceeded` (no-op without one)."""

    def __init__(self, budget: _Budget) -> None:
        self._budget = budget
        self._timeout: asyncio.Timeout | None = None

    async def __aenter__(self) -> None:
        if self._budget.ends is None:
            return
        import asyncio  # here: a sync-only program need not import asyncio

        loop = asyncio.get_running_loop()
        # The loop's clock is monotonic, but not necessarily time.monotonic()'s: convert.
        self._timeout = asyncio.timeout_at(loop.time() + (self._budget.ends - time.monotonic()))
        await self._timeout.__aenter__()

    async def __aexit__(self, kind: Any, error: BaseException | None, traceback: Any) -> bool:
        if self._timeout is None:
            return False
        try:
            await self._timeout.__aexit__(kind, error, traceback)
        except TimeoutError as timed_out:
            self._budget.cut = True
            self._budget.check(timed_out)
            raise
        return False


class AsyncGuardTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of :class:`GuardTransport`; the deadline cancels the attempt."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, deadline: float | None, max_body_size: int | None
    ) -> None:
        self._inner = inner
        self._deadline = deadline
        self._max_body_size = max_body_size

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        budget = _Budget(self._deadline)
        async with _Cancelling(budget):
            response = await self._inner.handle_async_request(request)
        try:
            headers, codings = _guarded_headers(response)
        except BaseException:
            await response.aclose()
            raise
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_AsyncBody(response, codings, self._max_body_size, budget),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
