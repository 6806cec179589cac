"""Front's OAuth on the emulator: :class:`~front_client.testing.oauth_server.OAuthServer` served at
``GET /oauth/authorize`` and ``POST /oauth/token``, and the individual resources an OAuth token never reaches.

:meth:`FrontEmulator.enable_oauth <front_client.testing.FrontEmulator.enable_oauth>` calls :func:`install`.
From then on the emulator asks the OAuth server about each bearer token: one it issued and still valid
acts for its company (the request counts against that company's budget); an expired or revoked one gets
Front's 401; any other token (an API token) is treated as before.

As on Front, an OAuth token is refused (Front's private-resource 403) on a teammate's individual resources,
whatever the teammate allowed: ``/teammates/{id}/tags`` and the other collections of
:data:`INDIVIDUAL_COLLECTIONS`, and any private conversation, inbox, tag, contact or teammate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from front_client.testing.handlers import EmulatorRequest, EmulatorResponse
from front_client.testing.routing import split_path

if TYPE_CHECKING:
    from front_client.testing.emulator import FrontEmulator
    from front_client.testing.front import FrontData
    from front_client.testing.oauth_server import OAuthServer

__all__ = ["INDIVIDUAL_COLLECTIONS", "individual_resource", "install"]

# A teammate's own resources under /teammates/{teammate_id}/... (the others there, e.g. conversations,
# inboxes, shifts, are the company's resources seen from a teammate).
INDIVIDUAL_COLLECTIONS = frozenset(
    {
        "channels",
        "contact_groups",
        "contact_lists",
        "contacts",
        "message_template_folders",
        "message_templates",
        "private_inboxes",
        "rules",
        "signatures",
        "tags",
    }
)


def install(front: FrontEmulator, server: OAuthServer) -> None:
    """Serve ``server``'s two endpoints on ``front``: without a bearer token and outside the rate limits
    (Front serves them from app.frontapp.com, not from the API's budget)."""

    def answer(request: EmulatorRequest) -> EmulatorResponse:
        found = server.handle(request.method, request.path, request.query, request.headers, request.body)
        if found is None:  # not reached: only its two paths are routed here
            raise RuntimeError(f"the OAuth server does not serve {request.path}")
        status, headers, body = found
        return EmulatorResponse(status, body, headers)

    front.route("GET", "/oauth/authorize", answer, authenticated=False, rate_limited=False)
    front.route("POST", "/oauth/token", answer, authenticated=False, rate_limited=False)


def individual_resource(data: FrontData | None, request: EmulatorRequest) -> bool:
    """Whether ``request`` reaches a teammate's individual (private) resource."""
    segments = split_path(request.path)
    if len(segments) >= 3 and segments[0] == "teammates" and segments[2] in INDIVIDUAL_COLLECTIONS:
        return True
    if data is None or len(segments) < 2:
        return False
    records = {
        "conversations": data.conversations,
        "inboxes": data.inboxes,
        "tags": data.tags,
        "contacts": data.contacts,
        "teammates": data.teammates,
    }.get(segments[0])
    if records is None:
        return False
    with data.lock:
        record = records.get(segments[1])
        return record is not None and bool(record.get("is_private") or record.get("private"))
