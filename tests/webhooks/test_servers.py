"""The README's WSGI and ASGI examples, run as written: the WSGI one behind a real wsgiref server on
loopback, receiving requests signed here (the ASGI one is called with ASGI's own messages)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "app-secret-of-the-readme-examples-0123"


def readme_example(label: str) -> str:
    section = (
        README.read_text(encoding="utf-8").split("## Verifying Front's requests", 1)[1].split("\n## ", 1)[0]
    )
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    code: list[str] = [block for block in blocks if block.startswith(f"# {label}\n")]
    assert len(code) == 1, f"one {label} example in the README section, not {len(code)}"
    return code[0]


def load(label: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], list[bytes]]:
    """The example's module namespace, with ``handle_event`` recording what it was handed."""
    monkeypatch.setenv("FRONT_APP_SECRET", SECRET)
    handled: list[bytes] = []
    namespace: dict[str, Any] = {"handle_event": handled.append, "__name__": f"readme_{label.lower()}"}
    exec(compile(readme_example(label), f"README.md ({label})", "exec"), namespace)
    return namespace, handled


def signed(
    body: bytes, *, secret: str = SECRET, at: float | None = None, challenge: str | None = None
) -> dict[str, str]:
    stamp = str(int((time.time() if at is None else at) * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}:".encode() + body, hashlib.sha256).digest()
    headers = {"X-Front-Signature": base64.b64encode(digest).decode(), "X-Front-Request-Timestamp": stamp}
    return headers | ({"X-Front-Challenge": challenge} if challenge else {})


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def wsgi_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[bytes]]]:
    namespace, handled = load("WSGI", monkeypatch)
    server = make_server("127.0.0.1", 0, namespace["application"], handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", handled
    server.shutdown()
    server.server_close()
    thread.join()


EVENT = b'{"type":"message","payload":{"id":"msg_1"}}'


def test_the_wsgi_example_accepts_front_and_refuses_the_rest(wsgi_server: tuple[str, list[bytes]]) -> None:
    url, handled = wsgi_server
    with httpx.Client(base_url=url) as client:
        accepted = client.post("/front", content=EVENT, headers=signed(EVENT))
        tampered = client.post("/front", content=EVENT + b" ", headers=signed(EVENT))
        wrong = client.post("/front", content=EVENT, headers=signed(EVENT, secret="another"))
        stale = client.post("/front", content=EVENT, headers=signed(EVENT, at=time.time() - 600))
        unsigned = client.post("/front", content=EVENT)
        challenge = client.post("/front", content=b"{}", headers=signed(b"{}", challenge="ch4ll"))
    assert (accepted.status_code, accepted.text) == (200, "ok")
    assert [(r.status_code, r.text) for r in (tampered, wrong, stale, unsigned)] == [
        (401, "bad_signature"), (401, "bad_signature"), (401, "stale"), (401, "missing_header"),
    ]  # fmt: skip
    assert (challenge.status_code, challenge.text, challenge.headers["content-type"]) == (
        200, "ch4ll", "text/plain; charset=utf-8",
    )  # fmt: skip
    assert handled == [EVENT]  # only Front's event reached the handler; the challenge did not


def test_the_wsgi_example_echoes_a_non_ascii_challenge_byte_for_byte(
    wsgi_server: tuple[str, list[bytes]],
) -> None:
    url, handled = wsgi_server
    wire = "défi-€".encode()  # sent as UTF-8 bytes; wsgiref hands the app Latin-1 text (PEP 3333)
    with httpx.Client(base_url=url) as client:
        headers = {name.encode(): value.encode() for name, value in signed(b"{}").items()}
        reply = client.post("/front", content=b"{}", headers={**headers, b"X-Front-Challenge": wire})
    assert (reply.status_code, reply.content) == (200, wire)
    assert handled == []


async def call_asgi(app: Any, body: bytes, headers: dict[str, str]) -> tuple[int, dict[bytes, bytes], bytes]:
    chunks = [body[:10], body[10:]]  # in two messages, as a server may deliver it
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/front",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}  # fmt: skip
    await app(scope, receive, send)
    start, answer = sent
    return start["status"], dict(start["headers"]), answer["body"]


async def test_the_asgi_example_accepts_front_and_refuses_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    namespace, handled = load("ASGI", monkeypatch)
    app = namespace["app"]
    assert await call_asgi(app, EVENT, signed(EVENT)) == (200, {b"content-type": b"text/plain"}, b"ok")
    status, _headers, content = await call_asgi(app, EVENT, signed(EVENT, at=time.time() + 600))
    assert (status, content) == (401, b"future")
    status, headers, content = await call_asgi(app, b"{}", signed(b"{}", challenge="abc"))
    assert (status, content, headers[b"content-length"]) == (200, b"abc", b"3")
    assert handled == [EVENT]
