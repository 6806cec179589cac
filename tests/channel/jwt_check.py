"""Checking a Channel API JWT the way Front would, independently of the client (hmac, base64, json)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator

INBOUND = "/channels/{channel_id}/inbound_messages"


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class InvalidJWT(AssertionError):
    pass


def decode_and_verify(authorization: str | None, secret: str, now: float | None = None) -> dict[str, Any]:
    """The claims of ``Bearer <JWT>`` after checking its form, its HS256 signature and its expiry."""
    if not authorization or not authorization.startswith("Bearer "):
        raise InvalidJWT(f"no bearer JWT: {authorization!r}")
    token = authorization.removeprefix("Bearer ")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidJWT("not three dot-separated parts")
    header, payload = json.loads(_b64url(parts[0])), json.loads(_b64url(parts[1]))
    if header != {"alg": "HS256", "typ": "JWT"}:
        raise InvalidJWT(f"header {header}")
    expected = hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64url(parts[2])):
        raise InvalidJWT("bad signature")
    if not isinstance(payload.get("exp"), int) or payload["exp"] <= (time.time() if now is None else now):
        raise InvalidJWT(f"expired or no exp: {payload.get('exp')!r}")
    return dict(payload)


@dataclass
class JWTCheckingRoute:
    """``POST /channels/{channel_id}/inbound_messages`` on an emulator: 202 for a valid JWT whose ``sub`` is
    the channel of the path, else Front's 401; every claim set received is kept in order."""

    secret: str
    claims: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, emulator: FrontEmulator, path: str = INBOUND) -> JWTCheckingRoute:
        emulator.route("POST", path, self)
        return self

    def __call__(self, request: EmulatorRequest) -> EmulatorResponse:
        try:
            claims = decode_and_verify(request.headers.get("authorization"), self.secret)
            if claims.get("sub") != request.path_params.get("channel_id"):
                raise InvalidJWT(f"sub {claims.get('sub')!r} is not the path's channel")
        except (InvalidJWT, ValueError) as error:
            with self._lock:
                self.refused.append(str(error))
            return EmulatorResponse(
                401, {"_error": {"status": 401, "title": "Unauthorized", "message": "JWT"}}
            )
        with self._lock:
            self.claims.append(claims)
        uid = f"msg_{len(self.claims)}"
        return EmulatorResponse(202, {"status": "accepted", "message_uid": uid})
