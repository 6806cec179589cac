"""What a route handler sees and answers (:class:`EmulatorRequest` → :class:`EmulatorResponse`), Front's
error bodies, and ready-made handlers (:func:`json_response`, :func:`sequence`, :func:`paginated`...)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

__all__ = [
    "PRIVATE_RESOURCE_BODY",
    "UNAUTHORIZED_BODY",
    "EmulatorRequest",
    "EmulatorResponse",
    "Handler",
    "echo",
    "front_error",
    "json_response",
    "paginated",
    "redirect",
    "sequence",
]


def front_error(status: int, message: str, title: str | None = None) -> dict[str, Any]:
    """Front's error body: ``{"_error": {"status", "title", "message"}}``."""
    return {"_error": {"status": status, "title": title or reason(status), "message": message}}


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


PRIVATE_RESOURCE_BODY: dict[str, Any] = front_error(
    403, "You do not have access to the resources of this teammate", "Forbidden"
)
# Front answers a missing, unknown or revoked token with its usual error object and status 401.
UNAUTHORIZED_BODY: dict[str, Any] = front_error(401, "Invalid token", "Unauthorized")


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
    company: str | None = None  # the company an OAuth access token acts for (None: an API token)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> tuple[dict[str, Any], list[tuple[str, str, bytes]]]:
        """The body as fields (JSON, or multipart / url-encoded turned back into JSON) and file parts
        ``(field, filename, content)``."""
        from front_client.testing.forms import parse_body

        return parse_body(self.headers.get("content-type", ""), self.body)

    @property
    def bearer(self) -> str | None:
        """The bearer token of ``Authorization``, or ``None``."""
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return (token.strip() or None) if scheme.lower() == "bearer" else None


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


def route_not_found(request: EmulatorRequest) -> EmulatorResponse:
    return EmulatorResponse(404, front_error(404, f"No route {request.method} {request.path}", "Not found"))
