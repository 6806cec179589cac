"""The emulator under malformed requests and at shutdown (issue 21, items 9 to 11): a 400 (or Front's 500
for a handler's error) within a second while it keeps serving; bounded form bodies; ``stop()`` closing
every connection; limits copied, never shared with the caller."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from front_client.testing import EmulatorLimits, FrontEmulator, TierRule
from front_client.testing.server import CONNECTION_THREAD

AUTH = "Authorization: Bearer tok_test\r\n"


@pytest.fixture
def front() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits(enabled=False)) as emulator:
        yield emulator


def exchange(front: FrontEmulator, raw: bytes) -> tuple[int, dict[str, object], float]:
    """Send raw bytes on a new connection; the status and JSON body of the answer, and the seconds taken."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", front.port), timeout=1.0) as sock:
        sock.sendall(raw)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, f"connection dropped without an answer after {received!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
        )
        while len(body) < length:
            body += sock.recv(65536)
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else {}, time.monotonic() - started


def still_serving(front: FrontEmulator) -> bool:
    return httpx.get(f"{front.base_url}/me", headers={"Authorization": "Bearer tok_test"}).status_code == 200


@pytest.mark.parametrize(
    "head",
    [
        "Content-Length: abc\r\n",
        f"Content-Length: {2**62}\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: 2\r\nContent-Length: 3\r\n",
        "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n",
        "Transfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n",
        "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n",
        f"Transfer-Encoding: chunked\r\n\r\n{'f' * 40}\r\n",
    ],
    ids=[
        "length abc",
        "length 2**62",
        "length -1",
        "two lengths",
        "chunk zz",
        "chunk 0x2",
        "chunk too long",
        "huge chunk",
    ],
)
def test_a_malformed_body_is_a_400_at_once_and_the_emulator_keeps_serving(
    front: FrontEmulator, head: str
) -> None:
    conversation = front.add_conversation()
    request = f"POST /conversations/{conversation}/comments HTTP/1.1\r\nHost: x\r\n{AUTH}{head}"
    raw = (request if "\r\n\r\n" in request else request + "\r\n").encode()
    status, body, seconds = exchange(front, raw)
    assert status == 400 and body["_error"]["status"] == 400  # type: ignore[index]
    assert seconds < 1.0
    assert still_serving(front)


def test_a_body_over_the_limit_is_refused_before_it_is_read(front: FrontEmulator) -> None:
    raw = f"POST /contacts HTTP/1.1\r\nHost: x\r\n{AUTH}Content-Length: {64 * 1024 * 1024}\r\n\r\n".encode()
    status, body, _ = exchange(front, raw)
    assert status == 400 and "larger than" in body["_error"]["message"]  # type: ignore[index]


def test_a_wrong_type_in_a_body_is_a_400(front: FrontEmulator) -> None:
    conversation = front.add_conversation()
    response = httpx.post(
        f"{front.base_url}/conversations/{conversation}/tags",
        json={"tag_ids": 5},
        headers={"Authorization": "Bearer tok_test"},
    )
    assert response.status_code == 400 and "tag_ids must be a list" in response.json()["_error"]["message"]
    assert still_serving(front)


def test_an_error_inside_front_data_is_a_front_shaped_500_not_a_dropped_connection(
    front: FrontEmulator,
) -> None:
    conversation = front.add_conversation()
    body = json.dumps({"status": ["archived"]})  # unhashable where a string is expected
    raw = (
        f"PATCH /conversations/{conversation} HTTP/1.1\r\nHost: x\r\n{AUTH}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    status, answer, seconds = exchange(front, raw)
    assert status == 500 and seconds < 1.0
    assert answer["_error"]["title"] == "Internal Server Error"  # type: ignore[index]
    assert "TypeError" in answer["_error"]["message"]  # type: ignore[index]
    assert still_serving(front)


def test_form_list_indices_are_bounded(front: FrontEmulator) -> None:
    conversation = front.add_conversation()
    started = time.monotonic()
    response = httpx.post(
        f"{front.base_url}/conversations/{conversation}/comments",
        content=b"body=hi&a[]=x&a[100000000]=y",
        headers={"Authorization": "Bearer tok_test", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400 and "list index over 1000" in response.json()["_error"]["message"]
    assert time.monotonic() - started < 1.0
    deep = "x" + "[a]" * 100
    nested = httpx.post(
        f"{front.base_url}/conversations/{conversation}/comments",
        content=f"body=hi&{deep}=1".encode(),
        headers={"Authorization": "Bearer tok_test", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert nested.status_code == 400


def connection_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == CONNECTION_THREAD and t.is_alive()]


def test_stop_closes_keep_alive_connections_and_joins_their_threads() -> None:
    before = len(connection_threads())
    front = FrontEmulator().start()
    kept = http.client.HTTPConnection("127.0.0.1", front.port, timeout=2)
    kept.request("GET", "/me", headers={"Authorization": "Bearer tok_test"})
    assert kept.getresponse().read() and len(connection_threads()) == before + 1
    front.stop()
    assert len(connection_threads()) == before
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        kept.request("GET", "/me", headers={"Authorization": "Bearer tok_test"})
        kept.getresponse()
    kept.close()
    assert len(front.requests) == 1  # the stopped emulator neither answered nor logged the second one


def test_stop_is_quick_with_idle_connections_open() -> None:
    front = FrontEmulator().start()
    idle = [socket.create_connection(("127.0.0.1", front.port)) for _ in range(20)]
    started = time.monotonic()
    front.stop()
    assert time.monotonic() - started < 2.0
    for sock in idle:
        # Closed by the emulator (or reset: not yet accepted when the listening socket closed).
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(1) == b""
        sock.close()


def test_set_limit_and_set_tier_never_change_the_callers_limits() -> None:
    shared = EmulatorLimits.front(0.1)
    with FrontEmulator(shared) as front:
        front.set_limit(7)
        front.set_tier("2", 1, 5.0)
        assert front.limits.global_limit == 7 and front.limits.tiers["2"] == TierRule(1, 5.0)
    assert shared == EmulatorLimits.front(0.1)
    with FrontEmulator(shared) as later:  # a fixture returning one shared object: the next test is unaffected
        assert later.limits.global_limit == 100 and later.limits.tiers["2"] == TierRule(3, 0.1)
