"""Fixtures for the overlay's tests: a scriptable Front stand-in on 127.0.0.1, and one driver per client.

Every behaviour test takes ``api`` (parametrized ``sync`` / ``async``): the same test body drives a
``FrontClient`` or an ``AsyncFrontClient`` through :class:`Driver`, whose methods are awaitable in both
modes. Sleeps are recorded, never slept (``api.sleeps``), and the clock is advanced by them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from front_client import AsyncFrontClient, FrontClient
from front_client.options import ClientOptions, Clock

from tests.support.clock import FakeClock

TOKEN = "tok_SECRET_4f9a1c"  # asserted absent from every log line, repr and exception text


@dataclass
class Reply:
    """What the stand-in answers. ``delay`` seconds before answering; ``drop`` closes without answering;
    ``cut_at`` sends only that many bytes of the body (``Content-Length`` still declares all of it), then
    closes: a transfer cut off mid-body."""

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    cut_at: int | None = None


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> list[tuple[str, str | None, bytes]]:
        """A multipart body as (field name, filename, content), in order."""
        content_type = self.headers["content-type"]
        assert content_type.startswith("multipart/form-data"), content_type
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + self.body
        )
        parts = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_param("filename", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert payload is None or isinstance(payload, bytes)
            parts.append((str(name), None if filename is None else str(filename), payload or b""))
        return parts


Route = Callable[[Recorded], Reply]


class FrontStandIn:
    """Routes ``(METHOD, path)`` to queued replies (the last one repeats) or to a function."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], list[Reply] | Route] = {}
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _any(self) -> None:
                stand_in._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def on(self, method: str, path: str, *replies: Reply | Route) -> None:
        if len(replies) == 1 and callable(replies[0]):
            self._routes[(method, path)] = replies[0]
        else:
            self._routes[(method, path)] = [r for r in replies if isinstance(r, Reply)]

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        body = _read_body(handler)
        record = Recorded(
            method=handler.command,
            path=split.path,
            query=parse_qs(split.query),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            route = self._routes.get((handler.command, split.path))
            if route is None:
                reply = Reply(
                    404, json={"_error": {"status": 404, "title": "Not found", "message": "no route"}}
                )
            elif callable(route):
                reply = route(record)
            else:
                reply = route.pop(0) if len(route) > 1 else route[0]
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            handler.close_connection = True
            return
        payload = json.dumps(reply.json).encode() if reply.json is not None else reply.body
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/json"} if reply.json is not None else {}
        for name, value in {**headers, **reply.headers, "Content-Length": str(len(payload))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        if reply.cut_at is not None:
            handler.wfile.write(payload[: reply.cut_at])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.wfile.write(payload)


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().strip(), 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


@pytest.fixture
def front() -> Iterator[FrontStandIn]:
    server = FrontStandIn()
    yield server
    server.close()


@pytest.fixture
def elsewhere() -> Iterator[FrontStandIn]:
    """A second stand-in: the same host as ``front`` (127.0.0.1), another port, so another origin."""
    server = FrontStandIn()
    yield server
    server.close()


def _rerouted(request: httpx.Request, target: httpx.URL) -> httpx.Request:
    return httpx.Request(
        request.method,
        request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port),
        headers=request.headers,
        stream=request.stream,
        extensions=request.extensions,
    )


class Rerouting(httpx.BaseTransport):
    """Sends every host to the stand-in (the ``Host`` header keeps the name asked for)."""

    def __init__(self, target: str) -> None:
        self.target = httpx.URL(target)
        self.hosts: list[str] = []
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return self._inner.handle_request(_rerouted(request, self.target))

    def close(self) -> None:
        self._inner.close()


class AsyncRerouting(httpx.AsyncBaseTransport):
    def __init__(self, target: str) -> None:
        self.target = httpx.URL(target)
        self.hosts: list[str] = []
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return await self._inner.handle_async_request(_rerouted(request, self.target))

    async def aclose(self) -> None:
        await self._inner.aclose()


class Driver:
    """One test body, two clients: every method is awaitable whichever client is underneath."""

    def __init__(self, mode: str, front: FrontStandIn) -> None:
        self.mode = mode
        self.front = front
        self.sleeps: list[float] = []
        self.clock = FakeClock(1000.0)
        self.hosts: list[str] = []
        self._clients: list[FrontClient | AsyncFrontClient] = []

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    async def _async_sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def client(self, *, reroute: bool = False, **options: Any) -> FrontClient | AsyncFrontClient:
        """A client on the stand-in (no limiter unless given; recorded sleeps; the fake clock)."""
        options.setdefault("token", TOKEN)
        options.setdefault("base_url", self.front.url)
        options.setdefault("limiter", False)
        clock = Clock(
            monotonic=options.pop("clock", self.clock),
            wall=options.pop("wall_clock", time.time),
            sleep=self._sleep,
            async_sleep=self._async_sleep,
        )
        options["options"] = ClientOptions(clock=clock)
        made: FrontClient | AsyncFrontClient
        if self.is_async:
            if reroute:
                transport = AsyncRerouting(self.front.url)
                self.hosts = transport.hosts
                options.setdefault("transport", transport)
            made = AsyncFrontClient(**options)
        else:
            if reroute:
                sync_transport = Rerouting(self.front.url)
                self.hosts = sync_transport.hosts
                options.setdefault("transport", sync_transport)
            made = FrontClient(**options)
        self._clients.append(made)
        return made

    async def call(
        self, client: FrontClient | AsyncFrontClient, operation: ModuleType, *args: Any, **kwargs: Any
    ) -> Any:
        """The generated ``sync`` or ``asyncio`` function of ``operation`` with ``client``."""
        if isinstance(client, AsyncFrontClient):
            return await operation.asyncio(*args, client=client, **kwargs)
        return operation.sync(*args, client=client, **kwargs)

    async def call_detailed(
        self, client: FrontClient | AsyncFrontClient, operation: ModuleType, *args: Any, **kwargs: Any
    ) -> Any:
        if isinstance(client, AsyncFrontClient):
            return await operation.asyncio_detailed(*args, client=client, **kwargs)
        return operation.sync_detailed(*args, client=client, **kwargs)

    async def request(
        self, client: FrontClient | AsyncFrontClient, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        if isinstance(client, AsyncFrontClient):
            return await client.request(method, url, **kwargs)
        return client.request(method, url, **kwargs)

    async def collect(
        self, client: FrontClient | AsyncFrontClient, into: list[Any], operation: Any, **kwargs: Any
    ) -> list[Any]:
        """Items of ``client.paginate(...)`` appended to ``into`` as they come (kept if it raises)."""
        if isinstance(client, AsyncFrontClient):
            async for item in client.paginate(operation, **kwargs):
                into.append(item)
        else:
            for item in client.paginate(operation, **kwargs):
                into.append(item)
        return into

    async def pages(self, client: FrontClient | AsyncFrontClient, operation: Any, **kwargs: Any) -> list[Any]:
        if isinstance(client, AsyncFrontClient):
            return [page async for page in client.paginate(operation, **kwargs).pages()]
        return list(client.paginate(operation, **kwargs).pages())

    async def download(
        self, client: FrontClient | AsyncFrontClient, source: Any, destination: Any, **kwargs: Any
    ) -> int:
        if isinstance(client, AsyncFrontClient):
            return await client.download(source, destination, **kwargs)
        return client.download(source, destination, **kwargs)

    async def close(self) -> None:
        for made in self._clients:
            if isinstance(made, AsyncFrontClient):
                await made.aclose()
            else:
                made.close()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, front: FrontStandIn) -> AsyncIterator[Driver]:
    driver = Driver(request.param, front)
    yield driver
    await driver.close()


def error_body(status: int, title: str, message: str, details: list[str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "title": title, "message": message}
    if details is not None:
        error["details"] = details
    return {"_error": error}
