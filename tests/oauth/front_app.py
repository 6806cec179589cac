"""A loopback "Front" for the OAuth tests: the emulator's OAuth server, and a tiny API whose bearer tokens
it checks (``GET /me`` names the token's company; ``POST /notes`` counts processed writes).

It records every request line and every bearer token the API saw, so tests can check that no secret went
into a URL and that no expired token was ever sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from front_client.testing.oauth_server import OAuthServer

CLIENT_ID = "partner-app-id"
CLIENT_SECRET = "partner-app-client-secret-0123456789"
REDIRECT_URI = "https://partner.example/front/callback"


@dataclass
class Recorder:
    request_lines: list[str] = field(default_factory=list)
    api_tokens: list[str] = field(default_factory=list)
    expired_tokens_sent: int = 0
    notes_written: int = 0
    calls_by_company: dict[str, int] = field(default_factory=dict)
    refuse_every_token: bool = False  # every API call answers 401 (a token Front never accepts)
    token_delay: float = 0.0  # seconds the token endpoint takes: widens a race's window
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    oauth: OAuthServer
    recorder: Recorder


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _respond(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        recorder = self.server.recorder
        with recorder.lock:
            recorder.request_lines.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        if parts.path == "/oauth/token":
            time.sleep(recorder.token_delay)
        answer = self.server.oauth.handle(self.command, parts.path, parts.query, dict(self.headers), body)
        if answer is not None:
            self._respond(*answer)
            return
        self._respond(*self._api(parts.path))

    do_GET = do_POST = _handle

    def _api(self, path: str) -> tuple[int, dict[str, str], bytes]:
        recorder = self.server.recorder
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        company = self.server.oauth.company_for(token) if scheme == "Bearer" else None
        with recorder.lock:
            recorder.api_tokens.append(token)
            if self.server.oauth.status(token) == "expired":
                recorder.expired_tokens_sent += 1
            if recorder.refuse_every_token:
                company = None
            if company is not None:
                recorder.calls_by_company[company] = recorder.calls_by_company.get(company, 0) + 1
                if self.command == "POST" and path == "/notes":
                    recorder.notes_written += 1
        json_type = {"Content-Type": "application/json"}
        if company is None:
            # Echoes the token, as a careless server might: the client must scrub it from its error.
            body = {"_error": {"status": 401, "title": "Unauthorized", "message": f"bad token {token}"}}
            return 401, json_type, json.dumps(body).encode()
        if path in ("/me", "/notes"):
            return 200, json_type, json.dumps({"company": company}).encode()
        return 404, json_type, b'{"_error": {"status": 404, "title": "Not Found"}}'


@contextmanager
def front_app(oauth: OAuthServer) -> Iterator[tuple[str, Recorder]]:
    """Serve ``oauth`` and the API on a loopback port: yields (base URL, recorder)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.oauth = oauth
    server.recorder = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
