"""Front's Channel API on the emulator: JWTs checked as Front checks them, messages that land in Front's data.

Every Channel API request carries ``Authorization: Bearer <JWT>``, HS256-signed with the channel app's
secret, with ``iss`` (the app's UID), ``sub`` (the channel the request is for: the path's ``channel_id``)
and ``exp``. With channel apps registered (:meth:`ChannelAPI.add_app`), the signature is verified with the
app's secret (PyJWT) and the channel must be one of the app's; without any, a well-formed HS256 JWT with
those claims is accepted whatever its secret (the emulator cannot know it), and an unsigned, garbled or
expired one is refused. A refusal is Front's 401.

``POST /channels/{channel_id}/inbound_messages`` and ``.../outbound_messages`` answer 202 with a
``message_uid``; the message is added to the conversation of its ``metadata.external_conversation_id`` on
that channel (created on the first message), which the Core routes then list and read. The other Channel
operations answer a schema-valid body.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import jwt

from front_client.testing.forms import BodyError
from front_client.testing.front import FrontData
from front_client.testing.handlers import EmulatorRequest, EmulatorResponse, front_error
from front_client.testing.routing import RouteMatch, Router
from front_client.testing.shapes import Shapes, load_shapes

__all__ = ["ChannelAPI", "ChannelApp"]

_REQUIRED_CLAIMS = ["iss", "sub", "exp"]


@dataclass(frozen=True)
class ChannelApp:
    uid: str
    secret: str
    channel_ids: frozenset[str]  # empty: any channel

    def __repr__(self) -> str:
        return f"ChannelApp(uid={self.uid!r}, secret=<redacted>, channel_ids={sorted(self.channel_ids)!r})"


def _refused(message: str) -> EmulatorResponse:
    return EmulatorResponse(401, front_error(401, message, "Unauthorized"))


def looks_like_jwt(token: str | None) -> bool:
    return bool(token) and token.count(".") == 2 and token.startswith("eyJ")  # type: ignore[union-attr]


class ChannelAPI:
    """The Channel API of one emulator (thread-safe: one lock for the apps; the data has its own)."""

    def __init__(self, data: FrontData | None) -> None:
        self.data = data
        self._apps: dict[str, ChannelApp] = {}
        self._lock = threading.Lock()
        self._shapes: Shapes | None = None
        self._router: Router[str] | None = None
        self._core_templates: set[tuple[str, str]] = set()
        self._conversations: dict[tuple[str, str], str] = {}  # (channel, external conversation) -> cnv_

    def add_app(self, uid: str, secret: str, channel_ids: list[str] | tuple[str, ...] = ()) -> None:
        if not uid or not secret:
            raise ValueError("a channel app needs its UID and its secret")
        with self._lock:
            self._apps[str(uid)] = ChannelApp(str(uid), secret, frozenset(channel_ids))

    # -- routing ---------------------------------------------------------------------------------------------
    @property
    def shapes(self) -> Shapes:
        if self._shapes is None:
            self._shapes = load_shapes("front_channel_api")
        return self._shapes

    @property
    def router(self) -> Router[str]:
        if self._router is None:
            operations = self.shapes.operations.values()
            self._router = Router((op.method, op.path, op.path) for op in operations)
            if self.data is not None:
                self._core_templates = {(op.method, op.path) for op in self.data.shapes.operations.values()}
        return self._router

    def route_for(self, request: EmulatorRequest) -> RouteMatch[str] | None:
        """The Channel operation this request is for, or ``None`` (a Core request). A path both APIs
        serve (``PATCH /channels/{channel_id}``) is the Channel API's when the bearer is a JWT."""
        if not request.path.startswith("/channels/"):
            return None
        matched = self.router.match(request.method, request.path)
        if matched is None:
            return None
        shared = (matched.pattern.method, matched.value) in self._core_templates
        return matched if not shared or looks_like_jwt(request.bearer) else None

    # -- the JWT -------------------------------------------------------------------------------------
    def authenticate(self, request: EmulatorRequest, channel_id: str, now: float) -> EmulatorResponse | None:
        """``None`` when the JWT is one Front would accept for ``channel_id``, else Front's 401."""
        token = request.bearer
        if token is None:
            return _refused("A channel JWT is required")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
        except jwt.PyJWTError:
            return _refused("The JWT cannot be read")
        if header.get("alg") != "HS256" or not token.rsplit(".", 1)[1]:
            return _refused("The JWT must be signed with HS256")
        with self._lock:
            apps = dict(self._apps)
        app = apps.get(str(claims.get("iss")))
        if apps and app is None:
            return _refused("The JWT's issuer is not a known channel app")
        key = app.secret if app is not None else None
        try:
            jwt.decode(
                token,
                key or "",
                algorithms=["HS256"],
                options={"verify_signature": key is not None, "require": _REQUIRED_CLAIMS},
                leeway=0,
            )
        except jwt.ExpiredSignatureError:
            return _refused("The JWT has expired")
        except jwt.PyJWTError as exc:
            return _refused(f"Invalid JWT: {type(exc).__name__}")
        if float(claims["exp"]) <= now:
            return _refused("The JWT has expired")
        if str(claims["sub"]) != channel_id:
            return _refused("The JWT's subject is not the channel of the request")
        if app is not None and app.channel_ids and channel_id not in app.channel_ids:
            return _refused("The channel is not one of the app's")
        return None

    # -- the operations ------------------------------------------------------------------------------
    def answer(self, request: EmulatorRequest, matched: RouteMatch[str]) -> EmulatorResponse:
        template = matched.value
        channel_id = matched.params["channel_id"]
        if request.method == "POST" and template.endswith(("/inbound_messages", "/outbound_messages")):
            return self._message(request, channel_id, inbound=template.endswith("/inbound_messages"))
        shape = self.shapes.operation(request.method, template)
        if shape is None or shape.schema is None:
            return EmulatorResponse(shape.status if shape else 204, None)
        return EmulatorResponse(shape.status, self.shapes.build(shape.schema))

    def _message(self, request: EmulatorRequest, channel_id: str, inbound: bool) -> EmulatorResponse:
        try:
            body, _files = request.form()
        except BodyError as exc:
            return EmulatorResponse(400, front_error(400, str(exc), "Bad request"))
        metadata = body.get("metadata")
        party = body.get("sender") if inbound else body.get("to")
        if (
            not isinstance(body.get("body"), str)
            or not isinstance(metadata, dict)
            or not isinstance(metadata.get("external_id"), str)
            or not isinstance(metadata.get("external_conversation_id"), str)
            or not (isinstance(party, dict) if inbound else isinstance(party, list) and party)
        ):
            needed = "sender" if inbound else "to"
            message = f"body, {needed} and metadata (external_id, external_conversation_id) are required"
            return EmulatorResponse(400, front_error(400, message, "Bad request"))
        if self.data is None:
            return EmulatorResponse(
                202, {"status": "accepted", "message_uid": f"uid_{metadata['external_id']}"}
            )
        data = self.data
        with data.lock:
            key = (channel_id, metadata["external_conversation_id"])
            conversation = data.conversations.get(self._conversations.get(key, ""))
            if conversation is None:
                subject = body.get("subject") if isinstance(body.get("subject"), str) else "(no subject)"
                conversation = data.add_conversation(subject=subject, type="custom")
                self._conversations[key] = conversation["id"]
            record = data.add_message(conversation, _message_fields(body), [], inbound=inbound)
            data.add_event("inbound" if inbound else "outbound", conversation)
        return EmulatorResponse(202, {"status": "accepted", "message_uid": record["message_uid"]})


def _message_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {"body": body["body"], "subject": body.get("subject"), "to": body.get("to", [])}
