"""Misbehaving servers for the fault tests: real loopback sockets on ephemeral ports.

:class:`RawServer` hands each connection's parsed request to a script that writes whatever bytes it likes,
when it likes (dripped headers, gzip bombs, corrupt encodings, bodies that echo the token). The Front stand-in
of ``tests/overlay`` (a well-behaved HTTP server with scripted replies) is reused for the rest; ``api`` drives
the same test body through ``FrontClient`` and ``AsyncFrontClient``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.overlay.conftest import TOKEN, Driver, FrontStandIn

__all__ = ["TOKEN", "Connection", "Driver", "FrontStandIn", "RawServer", "http_head"]


@dataclass
class Connection:
    """One accepted connection: the request line and headers read, and the socket to answer on."""

    sock: socket.socket
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    sent: int = 0  # bytes written by the script so far
    closed_early: bool = False  # the client hung up before the script was done

    def send(self, data: bytes) -> bool:
        """Write ``data``; False once the client has gone."""
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed_early = True
            return False
        self.sent += len(data)
        return True

    def drip(self, data: bytes, every: float, size: int = 1) -> bool:
        """``data`` ``size`` bytes at a time, ``every`` seconds apart; False once the client has gone."""
        for start in range(0, len(data), size):
            if not self.send(data[start : start + size]):
                return False
            time.sleep(every)
        return True


Script = Callable[[Connection], None]


def http_head(status: int, headers: dict[str, str] | None = None, reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class RawServer:
    """Accepts connections on 127.0.0.1:<ephemeral>; each one is answered by ``script`` in its own thread."""

    script: Script
    connections: list[Connection] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(10)
            reader = sock.makefile("rb")
            try:
                request_line = reader.readline().decode("latin-1").strip()
                if not request_line:
                    return
                method, target, _ = request_line.split(" ", 2)
                headers: dict[str, str] = {}
                while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = reader.read(length) if length else b""
            except (OSError, ValueError):
                return
            connection = Connection(sock, method, target, headers, body)
            self.connections.append(connection)
            self.script(connection)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._acceptor.join(timeout=2)
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Script], RawServer]]:
    """``raw_server(script)`` starts a :class:`RawServer`; each is closed after the test."""
    started: list[RawServer] = []

    def start(script: Script) -> RawServer:
        server = RawServer(script)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def front() -> Iterator[FrontStandIn]:
    server = FrontStandIn()
    yield server
    server.close()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, front: FrontStandIn) -> AsyncIterator[Driver]:
    driver = Driver(request.param, front)
    yield driver
    await driver.close()
