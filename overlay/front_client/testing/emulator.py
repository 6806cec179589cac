"""``FrontEmulator``: a Front stand-in, a real HTTP server on 127.0.0.1 (random free port, background thread).

A request meets, in this order (each a module of its own):

1. authentication: with ``tokens=[...]`` only those bearer tokens are accepted (Front's 401 otherwise); with
   Front's data (``stateful=True``, the default) a request without a bearer token answers 401; a Channel
   API request is checked by its JWT (:mod:`~front_client.testing.channel_api`). A refused request is
   not counted, as on Front;
2. the rate limits (:mod:`~front_client.testing.limits`): the global budget, then the tiers;
3. the faults asked for (:mod:`~front_client.testing.faults`): an error queued by ``fail_next``, then the
   paths made ``private`` (Front's 403);
4. the routes you added (``route()``: a method and a path template → a handler);
5. Front's data: the Channel API, then the Core API (:mod:`~front_client.testing.front`): stateful
   resources, a schema-valid body for every other operation of the spec, a 404 outside it; unless
   ``stateful=False``;
6. the ``fallback`` (with ``stateful=False``: a 200 echo by default).

A handler that raises answers a Front-shaped 500 naming the error. Everything received is logged
(``requests``) and counted for assertions (``received``, ``served``, ``responses_429``, ``window_counts``...).

Extra routes (e.g. OAuth's ``/oauth/token`` from another module) are registered with :meth:`route`;
``authenticated=False`` serves them without a bearer token, and :meth:`accept_token` lets a token they
issue through a ``tokens=[...]`` emulator.

:meth:`enable_oauth` serves Front's OAuth (:mod:`~front_client.testing.oauth_routes`): the tokens it issues
act for a company, with that company's own budget, Front's 401 once expired or revoked, and Front's 403 on
individual resources.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Self

from front_client.testing.channel_api import ChannelAPI
from front_client.testing.faults import Faults
from front_client.testing.front import FrontData
from front_client.testing.handlers import (
    PRIVATE_RESOURCE_BODY,
    UNAUTHORIZED_BODY,
    EmulatorRequest,
    EmulatorResponse,
    Handler,
    echo,
    front_error,
    json_response,
    route_not_found,
)
from front_client.testing.limits import EmulatorLimits, RateLimits
from front_client.testing.oauth_routes import individual_resource, install
from front_client.testing.oauth_server import OAuthServer
from front_client.testing.routing import RoutePattern, Router, split_path
from front_client.testing.server import EmulatorServer
from front_client.tiers import TierTable, load_tier_table

if TYPE_CHECKING:
    from front_client.client import AsyncFrontClient, FrontClient
    from front_client.limiter.policy import RateLimitPolicy

__all__ = ["EMULATOR_TOKEN", "FrontEmulator"]

EMULATOR_TOKEN = "emulator-token"  # what front.client() sends (accepted unless tokens=[...] leaves it out)


@dataclass(frozen=True)
class _Route:
    handler: Handler
    authenticated: bool
    rate_limited: bool = True


class FrontEmulator:
    """A Front stand-in on loopback. ``with FrontEmulator() as front:`` (or ``async with``, or
    ``start()`` / ``stop()``), then point a client at ``front.base_url`` (``front.client()`` does it).

    - ``limits``: :class:`EmulatorLimits` (default Front's: 100 / 60 s, tier 1 = 1/s, tier 2 = 3/s);
      ``EmulatorLimits.front(time_scale=0.1)`` for the same limits ten times faster. The emulator keeps a
      copy: ``set_limit`` / ``set_tier`` never change the object given;
    - ``tokens``: the only bearer tokens accepted (any other gets Front's 401); default: any token;
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
        tokens: Iterable[str] | None = None,
        stateful: bool = True,
        tier_table: TierTable | None = None,
        fallback: Handler | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(tokens, str):
            raise TypeError("tokens is a list of tokens, not one string")
        self._rate = RateLimits(
            limits if limits is not None else EmulatorLimits(), tier_table or load_tier_table()
        )
        self.tokens: set[str] | None = None if tokens is None else set(tokens)
        self._revoked: set[str] = set()
        self.stateful = stateful
        self.fallback: Handler = fallback or (route_not_found if stateful else echo)
        self.clock = clock
        self.host = host
        self._lock = threading.Lock()
        self._routes: Router[_Route] = Router()
        self._faults = Faults()
        self._server = EmulatorServer(host, port, self.handle, clock)
        self.data: FrontData | None = FrontData(lambda: self.base_url) if stateful else None
        self.channel = ChannelAPI(self.data)
        self.oauth: OAuthServer | None = None  # enable_oauth()
        self.reset_stats()

    # -- Front's data --------------------------------------------------------------------------------------
    def _front(self) -> FrontData:
        if self.data is None:
            raise RuntimeError("this emulator has no Front data (stateful=False)")
        return self.data

    def add_conversations(self, count: int = 1, **fields: Any) -> list[str]:
        """Seed ``count`` conversations; returns their IDs, newest last. ``status``: one of Front's
        (``assigned``, ``unassigned``, ``archived``, ``deleted``) or the shorthand ``"open"`` (stored as
        ``assigned`` with an ``assignee_id``, else ``unassigned``: Front never answers ``open``); also
        ``subject=`` (may hold ``{n}``: 1, 2, ...), ``assignee_id=``, ``tag_ids=``, ``inbox_id=``,
        ``is_private=``, ``status_category=``, ``status_id=``."""
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

    def add_channel_app(self, app_uid: str, secret: str, channel_ids: Iterable[str] = ()) -> None:
        """Register a channel app: Channel API JWTs whose ``iss`` is ``app_uid`` must be signed with
        ``secret`` and name one of ``channel_ids`` (any channel if empty). Once one app is registered, a
        JWT of another issuer is refused; with none, any well-formed HS256 JWT is accepted."""
        self.channel.add_app(app_uid, secret, tuple(channel_ids))

    # -- tokens ----------------------------------------------------------------------------------------------
    def accept_token(self, token: str) -> None:
        """Accept ``token`` from now on (e.g. one an emulated OAuth flow issued)."""
        with self._lock:
            self._revoked.discard(token)
            if self.tokens is not None:
                self.tokens.add(token)

    def revoke_token(self, token: str) -> None:
        """Refuse ``token`` from now on (Front's 401), whether or not ``tokens`` was given."""
        with self._lock:
            self._revoked.add(token)
            if self.tokens is not None:
                self.tokens.discard(token)

    # -- OAuth -----------------------------------------------------------------------------------------------
    def enable_oauth(
        self,
        *,
        client_id: str = "emulator-client-id",
        client_secret: str = "emulator-client-secret",
        redirect_uris: Iterable[str] = (),
        access_token_lifetime: float = 3600.0,
        default_company: str = "emulator-company",
    ) -> OAuthServer:
        """Serve Front's OAuth for one app: ``GET /oauth/authorize`` consents at once (302 to the
        ``redirect_uri`` with ``code`` and ``state``; a ``company`` query parameter picks the company, else
        ``default_company``) and ``POST /oauth/token`` (both grants, rotating refresh tokens,
        ``invalid_grant``). Point ``FrontOAuth(oauth_base_url=front.base_url)`` at it.

        An access token lives ``access_token_lifetime`` of Front's seconds, scaled like the limits
        (``limits.time_scale``) and read on the emulator's ``clock``. Its requests count against its
        company's own budget (``set_limit(n, company=...)``; default the emulator's limits); once expired
        or revoked (``front.oauth.revoke(company)``) it gets Front's 401; on individual resources, Front's
        403. Returns the :class:`~front_client.testing.oauth_server.OAuthServer` (also ``front.oauth``)."""
        if self.oauth is not None:
            raise RuntimeError("OAuth is already enabled on this emulator")
        server = OAuthServer(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uris=tuple(redirect_uris),
            access_token_lifetime=access_token_lifetime * self.limits.time_scale,
            default_company=default_company,
            clock=self.clock,
        )
        install(self, server)
        self.oauth = server
        return server

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
        with self._lock:
            self._faults.fail_next(route, status, times, body, headers)

    def private(self, path: str, method: str = "GET") -> None:
        """``method path`` answers Front's private-resource 403."""
        with self._lock:
            self._faults.make_private(method, path)

    # -- clients on this emulator --------------------------------------------------------------------------
    def policy(self, **overrides: Any) -> RateLimitPolicy:
        """The limiter policy that matches this emulator's limits (for a ``FrontClient``'s limiter)."""
        return self.limits.policy(**overrides)

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        from front_client.limiter import InProcessLimiter

        options.setdefault(
            "token", EMULATOR_TOKEN if self.tokens is None else next(iter(sorted(self.tokens)), "")
        )
        options.setdefault("base_url", self.base_url)
        if "limiter" not in options:
            options["limiter"] = InProcessLimiter(self.policy())
        return options

    def client(self, **options: Any) -> FrontClient:
        """A :class:`~front_client.FrontClient` on this emulator: an accepted token, and a limiter whose
        policy matches the emulator's limits (``options`` go to the client)."""
        from front_client.client import FrontClient

        return FrontClient(**self._client_options(options))

    def async_client(self, **options: Any) -> AsyncFrontClient:
        """As :meth:`client`, an :class:`~front_client.AsyncFrontClient`."""
        from front_client.client import AsyncFrontClient

        return AsyncFrontClient(**self._client_options(options))

    # -- configuration -----------------------------------------------------------------------------------
    def route(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        authenticated: bool = True,
        rate_limited: bool = True,
    ) -> None:
        """Serve ``method path`` (``{x}`` matches one segment; literal segments win over parameters, then
        the route added last) with ``handler``, before Front's data. ``authenticated=False``: served
        without checking the bearer token (an OAuth token endpoint); ``rate_limited=False``: not counted
        against any budget."""
        with self._lock:
            self._routes.add(method, path, _Route(handler, authenticated, rate_limited))

    def json_route(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> None:
        self.route(method, path, json_response(body, status, **kw))

    @property
    def limits(self) -> EmulatorLimits:
        """The emulator's own copy of its limits (change them with ``set_limit`` / ``set_tier``)."""
        return self._rate.limits

    @property
    def tier_table(self) -> TierTable:
        return self._rate.tier_table

    def set_limit(self, global_limit: int, *, company: str | None = None) -> None:
        """Change the global limit now (mid-window: the current count is kept); with ``company``, only
        that company's OAuth budget (default: the emulator's limit)."""
        with self._lock:
            self._rate.set_limit(global_limit, company)

    def set_tier(self, name: str, requests: int, per_seconds: float) -> None:
        with self._lock:
            self._rate.set_tier(name, requests, per_seconds)

    def burn(self, count: int | None = None) -> int:
        """An outside client of the same company spends ``count`` of the current window (all by
        default). Returns how many it spent."""
        with self._lock:
            return self._rate.burn(self.clock(), count)

    def reset_stats(self) -> None:
        """Forget counts and windows (the next request starts a new window)."""
        with self._lock:
            self._rate.reset()
            self.received: Counter[tuple[str, str]] = Counter()
            self.served: Counter[tuple[str, str]] = Counter()  # requests that passed the rate limits
            self.requests: list[EmulatorRequest] = []

    # -- counts --------------------------------------------------------------------------------------------
    @property
    def responses_429(self) -> int:
        return self._rate.responses_429

    @property
    def global_429(self) -> int:
        return self._rate.global_429

    @property
    def tier_429(self) -> Counter[str]:
        return self._rate.tier_429

    @property
    def company_429(self) -> Counter[str]:
        """429s answered to each company's OAuth tokens (also counted in ``responses_429``)."""
        return self._rate.company_429

    @property
    def outside_burnt(self) -> int:
        return self._rate.outside_burnt

    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    def window_counts(self) -> list[int]:
        """Requests counted in each global window so far (outside burns included)."""
        with self._lock:
            return self._rate.window_counts()

    def tier_window_counts(self, tier: str) -> list[int]:
        with self._lock:
            return self._rate.tier_window_counts(tier)

    # -- lifecycle -----------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server.running

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection (keep-alive ones too) and join the server's threads."""
        self._server.stop()

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
        pattern = RoutePattern.parse(route)
        with self._lock:
            return [r for r in self.requests if pattern.matches(r.method, split_path(r.path))]

    # -- the request path ----------------------------------------------------------------------------------
    def _authenticate(self, request: EmulatorRequest, route: _Route | None) -> EmulatorResponse | None:
        """Front's 401 for a request it would refuse (under the lock); ``None`` to go on."""
        channel_route = self.channel.route_for(request) if route is None and self.stateful else None
        if channel_route is not None:
            return self.channel.authenticate(request, channel_route.params["channel_id"], request.received_at)
        if route is not None and not route.authenticated:
            return None
        token = request.bearer
        if token in self._revoked:
            return EmulatorResponse(401, UNAUTHORIZED_BODY)
        if self.oauth is not None and token is not None:
            status, company = self.oauth.lookup(token)
            if status == "valid":
                request.company = company
                return None
            if status != "unknown":  # expired or revoked
                return EmulatorResponse(401, UNAUTHORIZED_BODY)
        if self.tokens is not None and token not in self.tokens:
            return EmulatorResponse(401, UNAUTHORIZED_BODY)
        if self.stateful and token is None:
            return EmulatorResponse(401, UNAUTHORIZED_BODY)
        return None

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """The response to one request (called by the server's threads)."""
        try:
            return self._handle(request)
        except Exception as exc:  # a bug in a handler answers a 500 naming it, never a drop
            message = f"emulator error in {request.method} {request.path}: {type(exc).__name__}: {exc}"
            request.status = 500
            return EmulatorResponse(500, front_error(500, message, "Internal Server Error"))

    def _handle(self, request: EmulatorRequest) -> EmulatorResponse:
        with self._lock:
            self.received[(request.method, request.path)] += 1
            self.requests.append(request)
            matched = self._routes.match(request.method, request.path)
            refusal = self._authenticate(request, matched.value if matched else None)
            if refusal is not None:  # Front authenticates before it counts: a refused request is not counted
                request.status = refusal.status
                return refusal
            headers: dict[str, str] = {}
            if self.limits.enabled and (matched is None or matched.value.rate_limited):
                limited, headers = self._rate.check(
                    request.method, request.path, request.received_at, request.company
                )
                if limited is not None:
                    request.status = limited.status
                    return limited
            self.served[(request.method, request.path)] += 1
            handler: Handler | None = None
            fault = self._faults.take(request.method, request.path)
            if fault is not None:
                handler = json_response(fault.body, fault.status, fault.headers)
            elif request.company is not None and individual_resource(self.data, request):
                handler = json_response(PRIVATE_RESOURCE_BODY, 403)
            elif matched is not None:
                request.path_params = matched.params
                handler = matched.value.handler
        if handler is None and self.data is not None:
            handler = self._front_handler(request)
        try:
            response = (handler or self.fallback)(request)
        except Exception as exc:  # a bug in a handler answers a 500 naming it, never a drop
            message = f"emulator error in {request.method} {request.path}: {type(exc).__name__}: {exc}"
            response = EmulatorResponse(500, front_error(500, message, "Internal Server Error"))
        request.status = response.status
        # A copy: a handler may answer with the same object again, which must not keep this request's headers.
        return replace(response, headers={**headers, **response.headers})

    def _front_handler(self, request: EmulatorRequest) -> Handler | None:
        channel_route = self.channel.route_for(request)
        if channel_route is not None:
            request.path_params = channel_route.params
            return lambda request: self.channel.answer(request, channel_route)
        data = self._front()
        answer = data.handle(request.method, request.path, request.query, request.headers, request.body)
        return None if answer is None else json_response(answer[1], answer[0], answer[2])
