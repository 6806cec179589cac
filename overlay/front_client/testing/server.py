"""``FrontEmulator``: a Front stand-in, a real HTTP server on 127.0.0.1 (random free port, background thread).

Rate-limit rules are applied in front of every route:

1. global fixed window per company: ``limits.global_limit`` requests per ``limits.window_seconds``; windows
   start at the first request after (re)start; every response carries ``X-RateLimit-Limit``,
   ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (UNIX timestamp, float). Over it: 429 with
   ``Retry-After`` (seconds to the reset; an integer rounded up unless ``fractional_retry_after``). A
   rejected request is not counted.
2. burst tiers (route -> tier from ``front_client.tiers`` or a given table): a fixed window per tier of
   ``per_seconds``; over it: 429 with ``Retry-After`` and ``X-Front-Tier`` (the request was counted in the
   global window, so ``X-RateLimit-Remaining`` can be > 0).

With Front's data (``stateful=True``, the default) a request without a bearer token answers 401 before it
is counted (the emulator accepts any token). Then, in this order:

- an error queued by ``fail_next``;
- the routes you added (``(method, path template) -> handler(request) -> EmulatorResponse``);
- the paths you made ``private`` (Front's 403);
- Front's data (:mod:`front_client.testing.front`): stateful resources, a schema-valid body for every other
  operation of the spec, a 404 outside it; unless ``stateful=False``;
- the ``fallback`` (with ``stateful=False``: a 200 echo by default).

Everything it receives is logged (``requests``) and counted for assertions (``received``, ``served``,
``responses_429``, ``window_counts``...).
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
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlsplit

from front_client.testing.front import FrontData
from front_client.tiers import TierRoute, TierTable, load_tier_table

if TYPE_CHECKING:
    from front_client.client import AsyncFrontClient, FrontClient
    from front_client.limiter.policy import RateLimitPolicy

__all__ = [
    "PRIVATE_RESOURCE_BODY",
    "EmulatorLimits",
    "EmulatorRequest",
    "EmulatorResponse",
    "FrontEmulator",
    "Handler",
    "TierRule",
    "echo",
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
    def front(cls, time_scale: float = 1.0, *, global_limit: int = 100) -> EmulatorLimits:
        """Front's limits (100 per 60 s, tier 1 = 1/s, tier 2 = 3/s) with every period multiplied by
        ``time_scale`` (0.1: 100 per 6 s, tier 2 = 3 per 0.1 s); ``Retry-After`` is fractional when scaled."""
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        return cls(
            global_limit,
            60.0 * time_scale,
            {"1": TierRule(1, 1.0 * time_scale), "2": TierRule(3, 1.0 * time_scale)},
            fractional_retry_after=time_scale != 1.0,
        )

    def policy(self, **overrides: Any) -> RateLimitPolicy:
        """The client-side :class:`~front_client.RateLimitPolicy` that matches these limits."""
        from front_client.limiter.policy import RateLimitPolicy

        scale = min([self.window_seconds / 60.0, *(rule.per_seconds for rule in self.tiers.values())])
        arguments: dict[str, Any] = {
            "global_limit": self.global_limit,
            "window_seconds": self.window_seconds,
            "tier_rates": {name: (rule.requests, rule.per_seconds) for name, rule in self.tiers.items()},
            # Front's margins are for a remote server's rounding and clock; a loopback one needs less.
            "reset_margin_seconds": min(1.0, 0.05 * max(scale, 0.2)),
            "tier_margin_seconds": min(0.05, 0.02 * max(scale, 0.5)),
        }
        arguments.update(overrides)
        return RateLimitPolicy(**arguments)

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
    status: int | None = None  # what the emulator answered (None while it is being handled)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> tuple[dict[str, Any], list[tuple[str, str, bytes]]]:
        """The body as fields (JSON, or multipart / url-encoded turned back into JSON) and file parts
        ``(field, filename, content)``."""
        from front_client.testing.forms import parse_body

        return parse_body(self.headers.get("content-type", ""), self.body)


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


def echo(request: EmulatorRequest) -> EmulatorResponse:
    """200 with ``{"method": ..., "path": ...}``: the fallback of an emulator without Front's data."""
    return EmulatorResponse(200, {"method": request.method, "path": request.path})


def _route_not_found(request: EmulatorRequest) -> EmulatorResponse:
    message = f"No route {request.method} {request.path}"
    return EmulatorResponse(404, {"_error": {"status": 404, "title": "Not found", "message": message}})


@dataclass
class _Failure:
    route: TierRoute
    response: EmulatorResponse
    times: int


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
    """A Front stand-in on loopback. ``with FrontEmulator() as front:`` (or ``async with``, or
    ``start()`` / ``stop()``), then point a client at ``front.base_url`` (``front.client()`` does it).

    - ``limits``: :class:`EmulatorLimits` (default Front's: 100 / 60 s, tier 1 = 1/s, tier 2 = 3/s);
      ``EmulatorLimits.front(time_scale=0.1)`` for the same limits ten times faster;
    - ``stateful``: serve Front's data (default); ``False`` for a bare programmable server whose
      unrouted paths answer ``fallback`` (default :func:`echo`);
    - ``clock``: the UNIX-seconds clock of the rate-limit windows (a fake one makes headers repeatable);
    - ``port``: 0 (default) for a random free port; a fixed one where URLs must not change (recorded
      cassettes hold every URL).
    """

    def __init__(
        self,
        limits: EmulatorLimits | None = None,
        *,
        stateful: bool = True,
        tier_table: TierTable | None = None,
        fallback: Handler | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.limits = limits if limits is not None else EmulatorLimits()
        self.tier_table = tier_table if tier_table is not None else load_tier_table()
        self.stateful = stateful
        self.fallback: Handler = fallback or (_route_not_found if stateful else echo)
        self.clock = clock
        self.host = host
        self.requested_port = port
        self._lock = threading.Lock()
        self._routes: list[tuple[TierRoute, Handler]] = []
        self._private: list[TierRoute] = []
        self._failures: list[_Failure] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.data: FrontData | None = FrontData(lambda: self.base_url) if stateful else None
        self.reset_stats()

    # -- Front's data --------------------------------------------------------------------------------------
    def _front(self) -> FrontData:
        if self.data is None:
            raise RuntimeError("this emulator has no Front data (stateful=False)")
        return self.data

    def add_conversations(self, count: int = 1, **fields: Any) -> list[str]:
        """Seed ``count`` conversations (``status="open"`` / ``"archived"``..., ``subject=``,
        ``assignee_id=``, ``tag_ids=``, ``inbox_id=``, ``is_private=``); returns their IDs, newest last.
        ``subject`` may hold ``{n}`` (1, 2, ...)."""
        data = self._front()
        subject = fields.pop("subject", None)
        made = []
        for number in range(1, count + 1):
            extra = dict(fields)
            if subject is not None:
                extra["subject"] = subject.format(n=number)
            made.append(data.add_conversation(**extra)["id"])
        return made

    def add_conversation(self, **fields: Any) -> str:
        return self.add_conversations(1, **fields)[0]

    def add_private_conversation(self, **fields: Any) -> str:
        """A conversation only its owner may read: every API call on it answers Front's 403."""
        return self.add_conversation(is_private=True, **fields)

    def add_tags(self, *names: str) -> list[str]:
        return [self._front().add_tag(name=name)["id"] for name in names]

    def add_teammates(self, *usernames: str, private: bool = False) -> list[str]:
        """``private=True``: the teammate did not allow API access to their individual resources."""
        return [self._front().add_teammate(username=name, private=private)["id"] for name in usernames]

    def add_contacts(self, count: int = 1, **fields: Any) -> list[str]:
        return [self._front().add_contact(**fields)["id"] for _ in range(count)]

    def add_inboxes(self, *names: str) -> list[str]:
        return [self._front().add_inbox(name=name)["id"] for name in names]

    def merge_conversations(self, old_id: str, into: str) -> None:
        """``old_id`` was merged into ``into``: calls on the old ID answer 301 to the new one (as Front)."""
        self._front().merge(old_id, into)

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        """The stored conversation as Front would answer it (for assertions)."""
        data = self._front()
        with data.lock:
            return data.render_conversation(data.conversations[conversation_id])

    def conversation_ids(self, status: str | None = None) -> list[str]:
        """IDs of the stored conversations (``status="open"``: assigned or unassigned), oldest first."""
        data = self._front()
        wanted = ("assigned", "unassigned") if status == "open" else (status,)
        with data.lock:
            return [c["id"] for c in data.conversations.values() if status is None or c["status"] in wanted]

    # -- errors on demand ----------------------------------------------------------------------------------
    def fail_next(
        self,
        route: str,
        status: int = 503,
        *,
        times: int = 1,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """The next ``times`` requests matching ``route`` (``"PATCH /conversations/{id}"``: a method and a
        path template, ``{x}`` = any one segment) answer ``status`` (with Front's error body unless ``body``).
        They still count against the rate limits, as on Front."""
        method, _, path = route.partition(" ")
        if not path:
            raise ValueError(f"route {route!r}: expected 'METHOD /path/{{param}}'")
        if body is None:
            body = {"_error": {"status": status, "title": _reason(status), "message": "Injected failure"}}
        with self._lock:
            response = EmulatorResponse(status, body, dict(headers or {}))
            self._failures.append(_Failure(TierRoute(method, path, ""), response, times))

    def _take_failure(self, request: EmulatorRequest, segments: tuple[str, ...]) -> EmulatorResponse | None:
        for failure in self._failures:
            if failure.times > 0 and failure.route.matches(request.method, segments):
                failure.times -= 1
                if failure.times == 0:
                    self._failures.remove(failure)
                return failure.response
        return None

    # -- clients on this emulator --------------------------------------------------------------------------
    def policy(self, **overrides: Any) -> RateLimitPolicy:
        """The limiter policy that matches this emulator's limits (for a ``FrontClient``'s limiter)."""
        return self.limits.policy(**overrides)

    def client(self, **options: Any) -> FrontClient:
        """A :class:`~front_client.FrontClient` on this emulator: a placeholder token, and a limiter
        whose policy matches the emulator's limits (``options`` go to the client)."""
        from front_client.client import FrontClient
        from front_client.limiter import InProcessLimiter

        options.setdefault("token", EMULATOR_TOKEN)
        options.setdefault("base_url", self.base_url)
        if "limiter" not in options:
            options["limiter"] = InProcessLimiter(self.policy())
        return FrontClient(**options)

    def async_client(self, **options: Any) -> AsyncFrontClient:
        """As :meth:`client`, an :class:`~front_client.AsyncFrontClient`."""
        from front_client.client import AsyncFrontClient
        from front_client.limiter import InProcessLimiter

        options.setdefault("token", EMULATOR_TOKEN)
        options.setdefault("base_url", self.base_url)
        if "limiter" not in options:
            options["limiter"] = InProcessLimiter(self.policy())
        return AsyncFrontClient(**options)

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

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
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
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        # The server runs on its own thread: starting it does not block the event loop for long.
        return self.start()

    async def __aexit__(self, *_exc: object) -> None:
        self.stop()

    # -- the request log -----------------------------------------------------------------------------------
    def requests_to(self, route: str) -> list[EmulatorRequest]:
        """The logged requests matching ``"METHOD /path/{param}"`` (all of them, 429s included), in order."""
        method, _, path = route.partition(" ")
        template = TierRoute(method, path, "")
        with self._lock:
            return [r for r in self.requests if template.matches(r.method, _split_path(r.path))]

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
            if self.stateful and not _bearer(request.headers.get("authorization", "")):
                # Front authenticates before it counts: a request without a token is refused, and not counted.
                request.status = 401
                return EmulatorResponse(401, UNAUTHORIZED_BODY)
            if self.limits.enabled:
                limited, headers = self._rate_limit(request)
                if limited is not None:
                    request.status = limited.status
                    return limited
            self.served[(request.method, request.path)] += 1
            segments = _split_path(request.path)
            handler: Handler | None = None
            failure = self._take_failure(request, segments)
            if failure is not None:
                handler = json_response(failure.body, failure.status, failure.headers)
            elif any(p.matches(request.method, segments) for p in self._private):
                handler = json_response(PRIVATE_RESOURCE_BODY, 403)
            else:
                for template, candidate in self._routes:
                    if template.matches(request.method, segments):
                        request.path_params = _params(template, segments)
                        handler = candidate
                        break
            data = self.data
        if handler is None and data is not None:
            answer = data.handle(request.method, request.path, request.query, request.headers, request.body)
            if answer is not None:
                handler = json_response(answer[1], answer[0], answer[2])
        try:
            response = (handler or self.fallback)(request)
        except (
            Exception
        ) as exc:  # a bug in a handler answers a 500 naming it, rather than a dropped connection
            message = f"emulator error in {request.method} {request.path}: {type(exc).__name__}: {exc}"
            response = EmulatorResponse(
                500, {"_error": {"status": 500, "title": "Internal Server Error", "message": message}}
            )
        request.status = response.status
        # A copy: a handler may answer with the same object again, which must not keep this request's headers.
        return replace(response, headers={**headers, **response.headers})


EMULATOR_TOKEN = "emulator-token"  # what front.client() sends: the emulator accepts any bearer token


UNAUTHORIZED_BODY: dict[str, Any] = {
    "_error": {"status": 401, "title": "Unauthorized", "message": "A bearer token is required"}
}


def _bearer(value: str) -> bool:
    scheme, _, token = value.partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _split_path(path: str) -> tuple[str, ...]:
    return tuple(s for s in path.split("/") if s)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


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
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (read timeout)
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return RequestHandler
