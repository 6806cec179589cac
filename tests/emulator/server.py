"""A Front emulator: a real HTTP server on 127.0.0.1 (random free port, background thread).

Rate-limit rules are applied in front of every route:

1. global fixed window per company: ``limits.global_limit`` requests per ``limits.window_seconds``; windows
   start at the first request after (re)start; every response carries ``X-RateLimit-Limit``,
   ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (UNIX timestamp, float). Over it: 429 with
   ``Retry-After`` (seconds to the reset; an integer rounded up unless ``fractional_retry_after``). A
   rejected request is not counted.
2. burst tiers (route -> tier from ``front_client.tiers`` or a given table): a fixed window per tier of
   ``per_seconds``; over it: 429 with ``Retry-After`` and ``X-Front-Tier`` (the request was counted in the
   global window, so ``X-RateLimit-Remaining`` can be > 0).

Then the route table: ``(method, path template) -> handler(request) -> EmulatorResponse``; private paths
answer Front's 403; anything else answers a fallback (200 echo by default). Everything it receives and every
429 it sends is counted for assertions (``received``, ``served``, ``responses_429``, ``window_counts``...).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from front_client.tiers import TierRoute, TierTable, load_tier_table

__all__ = [
    "PRIVATE_RESOURCE_BODY",
    "EmulatorLimits",
    "EmulatorRequest",
    "EmulatorResponse",
    "FrontEmulator",
    "Handler",
    "TierRule",
    "json_response",
    "paginated",
    "redirect",
    "sequence",
]

PRIVATE_RESOURCE_BODY: dict[str, Any] = {
    "_error": {
        "status": 403,
        "title": "Forbidden",
        "message": "You do not have access to the resources of this teammate",
    }
}


@dataclass(frozen=True)
class TierRule:
    requests: int
    per_seconds: float


@dataclass
class EmulatorLimits:
    """The server's rules. Front's defaults; ``scaled()`` for tests that run in seconds."""

    global_limit: int = 100
    window_seconds: float = 60.0
    tiers: dict[str, TierRule] = field(default_factory=lambda: {"1": TierRule(1, 1.0), "2": TierRule(3, 1.0)})
    fractional_retry_after: bool = False
    enabled: bool = True

    @classmethod
    def scaled(
        cls,
        global_limit: int = 20,
        window_seconds: float = 2.0,
        tier_period: float = 0.25,
        *,
        fractional_retry_after: bool = True,
    ) -> EmulatorLimits:
        """E.g. 20 requests / 2 s; tier 1 = 1 and tier 2 = 3 requests per ``tier_period``."""
        return cls(
            global_limit,
            window_seconds,
            {"1": TierRule(1, tier_period), "2": TierRule(3, tier_period)},
            fractional_retry_after,
        )


@dataclass
class EmulatorRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    received_at: float
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class EmulatorResponse:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (read-timeout tests)


Handler = Callable[[EmulatorRequest], EmulatorResponse]


def json_response(
    body: Any = None, status: int = 200, headers: Mapping[str, str] | None = None, delay: float = 0.0
) -> Handler:
    """A handler that always answers the same JSON."""
    return lambda _request: EmulatorResponse(status, body, dict(headers or {}), delay)


def sequence(*responses: EmulatorResponse, repeat_last: bool = True) -> Handler:
    """Answers in turn (e.g. a 503 then a 200); then the last one again (or 404 if not ``repeat_last``)."""
    lock, remaining = threading.Lock(), list(responses)

    def handler(_request: EmulatorRequest) -> EmulatorResponse:
        with lock:
            if len(remaining) > 1 or (remaining and not repeat_last):
                return remaining.pop(0)
            return remaining[0] if remaining else EmulatorResponse(404, {"_error": {"status": 404}})

    return handler


def redirect(location: str, status: int = 301) -> Handler:
    return lambda _request: EmulatorResponse(status, None, {"Location": location})


def paginated(base_url: Callable[[], str], items: list[Any], page_size: int) -> Handler:
    """Front-style listing: ``{"_results": [...], "_pagination": {"next": url | null}}`` with a
    ``page_token`` query parameter (``base_url`` is called per request, as the port is known late)."""

    def handler(request: EmulatorRequest) -> EmulatorResponse:
        start = int(request.query.get("page_token", ["0"])[0])
        page = items[start : start + page_size]
        nxt = start + page_size
        next_url = f"{base_url()}{request.path}?page_token={nxt}" if nxt < len(items) else None
        return EmulatorResponse(200, {"_results": page, "_pagination": {"next": next_url}})

    return handler


def _echo(request: EmulatorRequest) -> EmulatorResponse:
    return EmulatorResponse(200, {"method": request.method, "path": request.path})


class _Window:
    """A fixed window counter; windows start at the first request."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.start: float | None = None
        self.index = -1
        self.count = 0

    def roll(self, now: float) -> None:
        if self.start is None:
            self.start = now
        index = math.floor((now - self.start) / self.seconds)
        if index != self.index:
            self.index, self.count = index, 0

    def end(self) -> float:
        assert self.start is not None
        return self.start + (self.index + 1) * self.seconds


class FrontEmulator:
    def __init__(
        self,
        limits: EmulatorLimits | None = None,
        *,
        tier_table: TierTable | None = None,
        fallback: Handler = _echo,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """``port``: 0 (default) for a random free port; a fixed one where URLs must not change (the
        scenario cassettes of ``tests/contract`` record every URL)."""
        self.limits = limits if limits is not None else EmulatorLimits()
        self.tier_table = tier_table if tier_table is not None else load_tier_table()
        self.fallback = fallback
        self.clock = clock
        self.host = host
        self.requested_port = port
        self._lock = threading.Lock()
        self._routes: list[tuple[TierRoute, Handler]] = []
        self._private: list[TierRoute] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.reset_stats()

    # -- configuration -----------------------------------------------------------------------------------
    def route(self, method: str, path: str, handler: Handler) -> None:
        """Serve ``method path`` (``{x}`` matches one segment) with ``handler``; later routes win."""
        with self._lock:
            self._routes.insert(0, (TierRoute(method, path, ""), handler))

    def json_route(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> None:
        self.route(method, path, json_response(body, status, **kw))

    def private(self, path: str, method: str = "GET") -> None:
        """``method path`` answers Front's private-resource 403."""
        with self._lock:
            self._private.append(TierRoute(method, path, ""))

    def set_limit(self, global_limit: int) -> None:
        """Change the global limit now (mid-window: the current count is kept)."""
        with self._lock:
            self.limits.global_limit = global_limit
            self._global.limit = global_limit

    def set_tier(self, name: str, requests: int, per_seconds: float) -> None:
        with self._lock:
            self.limits.tiers[name] = TierRule(requests, per_seconds)
            self._tiers.pop(name, None)

    def burn(self, count: int | None = None) -> int:
        """An outside client of the same company spends ``count`` of the current window (all by
        default). Returns how many it spent."""
        with self._lock:
            self._global.roll(self.clock())
            room = max(0, self._global.limit - self._global.count)
            spent = room if count is None else min(room, count)
            self._global.count += spent
            self.outside_burnt += spent
            self._window_counts[self._global.index] += spent
            return spent

    def reset_stats(self) -> None:
        """Forget counts and windows (the next request starts a new window)."""
        with self._lock:
            self._global = _Window(self.limits.global_limit, self.limits.window_seconds)
            self._tiers: dict[str, _Window] = {}
            self.received: Counter[tuple[str, str]] = Counter()
            self.served: Counter[tuple[str, str]] = Counter()  # requests that passed the rate limits
            self.responses_429 = 0
            self.global_429 = 0
            self.tier_429: Counter[str] = Counter()
            self.outside_burnt = 0
            self._window_counts: Counter[int] = Counter()
            self._tier_window_counts: dict[str, Counter[int]] = {}
            self.requests: list[EmulatorRequest] = []

    # -- counts --------------------------------------------------------------------------------------------
    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    def window_counts(self) -> list[int]:
        """Requests counted in each global window so far (outside burns included)."""
        with self._lock:
            return [self._window_counts[i] for i in sorted(self._window_counts)]

    def tier_window_counts(self, tier: str) -> list[int]:
        with self._lock:
            counts = self._tier_window_counts.get(tier, Counter())
            return [counts[i] for i in sorted(counts)]

    # -- lifecycle -----------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "emulator not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FrontEmulator:
        server = _Server((self.host, self.requested_port), _make_handler(self))
        server.daemon_threads = True
        server.block_on_close = False  # keep-alive connections must not hold up stop()
        self._server = server
        # A short poll interval: shutdown() waits up to one interval, paid by every test's teardown.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="front-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FrontEmulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- the request path ----------------------------------------------------------------------------------
    def _rate_limit(self, request: EmulatorRequest) -> tuple[EmulatorResponse | None, dict[str, str]]:
        """Under the lock: count the request; a 429 response if it is over a limit; the rate headers."""
        limits = self.limits
        now = request.received_at
        window = self._global
        window.roll(now)
        over = window.count >= window.limit
        if not over:
            window.count += 1
            self._window_counts[window.index] += 1
        reset = window.end()
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.count)),
            "X-RateLimit-Reset": repr(reset),
        }
        if over:
            self.responses_429 += 1
            self.global_429 += 1
            return self._too_many(reset - now, headers), headers
        tier = self.tier_table.tier_for(request.method, request.path)
        rule = None if tier is None else limits.tiers.get(tier.name)
        if tier is not None and rule is not None:
            tw = self._tiers.get(tier.name)
            if tw is None:
                tw = self._tiers[tier.name] = _Window(rule.requests, rule.per_seconds)
            tw.roll(now)
            if tw.count >= tw.limit:
                self.responses_429 += 1
                self.tier_429[tier.name] += 1
                response = self._too_many(tw.end() - now, headers)
                response.headers["X-Front-Tier"] = tier.name
                return response, headers
            tw.count += 1
            self._tier_window_counts.setdefault(tier.name, Counter())[tw.index] += 1
        return None, headers

    def _too_many(self, seconds: float, headers: dict[str, str]) -> EmulatorResponse:
        retry_after = (
            f"{max(seconds, 0.001):.3f}" if self.limits.fractional_retry_after else str(math.ceil(seconds))
        )
        body = {"_error": {"status": 429, "title": "Too Many Requests", "message": "Rate limit exceeded"}}
        return EmulatorResponse(429, body, {**headers, "Retry-After": retry_after})

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        with self._lock:
            self.received[(request.method, request.path)] += 1
            self.requests.append(request)
            headers: dict[str, str] = {}
            if self.limits.enabled:
                limited, headers = self._rate_limit(request)
                if limited is not None:
                    return limited
            self.served[(request.method, request.path)] += 1
            segments = tuple(s for s in request.path.split("/") if s)
            handler: Handler | None = None
            if any(p.matches(request.method, segments) for p in self._private):
                handler = json_response(PRIVATE_RESOURCE_BODY, 403)
            else:
                for template, candidate in self._routes:
                    if template.matches(request.method, segments):
                        request.path_params = _params(template, segments)
                        handler = candidate
                        break
            handler = handler or self.fallback
        response = handler(request)
        # A copy: a handler may answer with the same object again, which must not keep this request's headers.
        return replace(response, headers={**headers, **response.headers})


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops connections when 64 clients connect at once: the kernel then
    # retries the SYN a second later, which would look like a limiter bug.
    request_queue_size = 1024


def _params(template: TierRoute, segments: Iterable[str]) -> dict[str, str]:
    names = [seg for seg in template.path.strip("/").split("/") if seg]
    return {n[1:-1]: v for n, v in zip(names, segments, strict=False) if n.startswith("{")}


def _make_handler(emulator: FrontEmulator) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One buffered write per response, no Nagle: otherwise delayed ACKs add 40 ms to every response.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return b"".join(self._chunks())
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _chunks(self) -> Iterator[bytes]:
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return
                yield self.rfile.read(size)
                self.rfile.readline()

        def _serve(self) -> None:
            split = urlsplit(self.path)
            path = split.path.rstrip("/") or "/"
            request = EmulatorRequest(
                method=self.command,
                path=path,
                query=parse_qs(split.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self._body(),
                received_at=emulator.clock(),
            )
            response = emulator.handle(request)
            if response.delay:
                time.sleep(response.delay)
            if isinstance(response.body, bytes):
                payload = response.body
                content_type = "application/octet-stream"
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
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (read timeout)
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return RequestHandler
