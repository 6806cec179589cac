"""The emulator's HTTP server: threads, connections, request parsing and lifecycle, and nothing of Front.

A :class:`ThreadingHTTPServer` on loopback (one thread per connection, HTTP/1.1 keep-alive). It reads each
request into an :class:`~front_client.testing.handlers.EmulatorRequest`, asks ``serve`` for the response
and writes it. A malformed request (``Content-Length`` that is not a small decimal number, a bad chunk, a
body over :data:`MAX_BODY_BYTES`) answers 400 at once and closes that connection; the server keeps serving
the others. :meth:`EmulatorServer.stop` stops accepting, closes every connection (keep-alive ones too) and
joins every thread it started.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from front_client.testing.handlers import EmulatorRequest, EmulatorResponse, front_error

__all__ = ["CONNECTION_THREAD", "MAX_BODY_BYTES", "EmulatorServer"]

CONNECTION_THREAD = "front-emulator-connection"  # the name of each connection's thread

MAX_BODY_BYTES = 32 * 1024 * 1024  # Front takes 25 MB of attachments per message; a little room for the form
IDLE_TIMEOUT_SECONDS = 30.0  # a connection silent this long (mid-request or idle) is closed
_DECIMAL = re.compile(rb"[0-9]{1,12}")  # 12 digits hold MAX_BODY_BYTES; more is refused before int()
_HEX = re.compile(rb"[0-9A-Fa-f]{1,8}")
_MAX_LINE = 1024
_MAX_TRAILERS = 32
_MAX_QUERY_FIELDS = 1000

Serve = Callable[[EmulatorRequest], EmulatorResponse]


class BadRequest(Exception):
    """The request cannot be read: answer 400 and close the connection."""


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops connections when 64 clients connect at once: the kernel then
    # retries the SYN a second later, which would look like a limiter bug.
    request_queue_size = 1024
    daemon_threads = True  # a connection left open by user code never holds up the interpreter's exit
    block_on_close = False  # stop() closes the connections and joins the threads itself

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.stopping = False
        self.guard = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.threads: set[threading.Thread] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.guard:
            if self.stopping:
                self.shutdown_request(request)
                return
            self.connections.add(request)
            thread = threading.Thread(
                target=self._serve_connection,
                args=(request, client_address),
                name=CONNECTION_THREAD,
                daemon=True,
            )
            self.threads.add(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # a connection's failure must never reach stderr or the server
            pass
        finally:
            self.shutdown_request(request)
            with self.guard:
                self.connections.discard(request)
                self.threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a peer that went away is not an error of the emulator's

    def close_connections(self) -> list[threading.Thread]:
        with self.guard:
            self.stopping = True
            connections, threads = list(self.connections), list(self.threads)
        for connection in connections:
            with contextlib.suppress(OSError):  # wakes a thread blocked reading the next request
                connection.shutdown(socket.SHUT_RDWR)
        return threads


def _make_handler(serve: Serve, clock: Callable[[], float]) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One buffered write per response, no Nagle: otherwise delayed ACKs add 40 ms to every response.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True
        timeout = IDLE_TIMEOUT_SECONDS
        server: _Server

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self._chunked()
            lengths = self.headers.get_all("Content-Length") or []
            if not lengths:
                return b""
            raw = lengths[0].strip().encode("latin-1", "replace")
            if len(set(lengths)) > 1 or not _DECIMAL.fullmatch(raw):
                raise BadRequest(f"Content-Length must be one decimal number of bytes, got {lengths!r}")
            length = int(raw)
            if length > MAX_BODY_BYTES:
                raise BadRequest(f"the body is larger than the emulator's {MAX_BODY_BYTES} bytes")
            body = self.rfile.read(length) if length else b""
            if len(body) != length:
                raise BadRequest("the body ended before Content-Length")
            return body

        def _line(self) -> bytes:
            line = self.rfile.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE or not line.endswith(b"\n"):
                raise BadRequest("a chunk line is too long or the body ended")
            return line.rstrip(b"\r\n")

        def _chunked(self) -> bytes:
            parts: list[bytes] = []
            total = 0
            while True:
                size_field = self._line().split(b";", 1)[0].strip()
                if not _HEX.fullmatch(size_field):
                    raise BadRequest(f"bad chunk size {size_field[:20]!r}")
                size = int(size_field, 16)
                if size == 0:
                    break
                total += size
                if total > MAX_BODY_BYTES:
                    raise BadRequest(f"the body is larger than the emulator's {MAX_BODY_BYTES} bytes")
                chunk = self.rfile.read(size)
                if len(chunk) != size or self._line() != b"":
                    raise BadRequest("a chunk is shorter than its size")
                parts.append(chunk)
            for _ in range(_MAX_TRAILERS):
                if self._line() == b"":
                    return b"".join(parts)
            raise BadRequest("too many trailer lines")

        def _serve(self) -> None:
            if self.server.stopping:
                self.close_connection = True
                return
            split = urlsplit(self.path)
            try:
                body = self._body()
                query = parse_qs(split.query, max_num_fields=_MAX_QUERY_FIELDS)
            except (BadRequest, ValueError) as error:
                self.close_connection = True  # the rest of the stream cannot be trusted
                self._write(EmulatorResponse(400, front_error(400, str(error), "Bad Request")))
                return
            request = EmulatorRequest(
                method=self.command,
                path=split.path.rstrip("/") or "/",
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                received_at=clock(),
            )
            response = serve(request)
            if response.delay:
                time.sleep(response.delay)
            if self.server.stopping:
                self.close_connection = True
                return
            self._write(response)

        def _write(self, response: EmulatorResponse) -> None:
            if isinstance(response.body, bytes):
                payload = response.body
                content_type = "application/octet-stream" if payload else ""
            elif response.body is None and response.status in (204, 301, 302, 303, 307, 308):
                payload, content_type = b"", ""
            else:
                payload = json.dumps(response.body).encode()
                content_type = "application/json"
            try:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if content_type and "content-type" not in {k.lower() for k in response.headers}:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                if self.close_connection:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                self.wfile.flush()
            except OSError:  # the client gave up (read timeout) or stop() closed the connection
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return RequestHandler


class EmulatorServer:
    """One HTTP server: ``start()`` binds and serves on a background thread, ``stop()`` ends everything."""

    def __init__(self, host: str, port: int, serve: Serve, clock: Callable[[], float]) -> None:
        self.host, self.requested_port = host, port
        self._handler = _make_handler(serve, clock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running: start() it first")
        return int(self._server.server_address[1])

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = _Server((self.host, self.requested_port), self._handler)
        self._server = server
        # A short poll interval: shutdown() waits up to one interval, paid by every test's teardown.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="front-emulator", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()  # no new connection is accepted once this returns
        for connection_thread in server.close_connections():
            connection_thread.join(timeout)
        server.server_close()
        if thread is not None:
            thread.join(timeout)
