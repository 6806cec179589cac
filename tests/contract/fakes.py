"""A clock that only moves when the client sleeps: replays of 429s and rate-limit waits take no real time.
Also a throwaway loopback HTTP server for tests that record a fresh cassette from a hand-written handler."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.clock import FakeClock as SharedFakeClock


class FakeClock(SharedFakeClock):
    """The suite's one fake clock (``tests.support.clock``), started where the cassettes expect it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        super().__init__(start)


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on an ephemeral 127.0.0.1 port; yields its base URL, stops it afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
