"""Front-shaped answers for tests, as the spec describes them (tests vary them with keyword overrides)."""

from __future__ import annotations

from typing import Any

FRONT_URL = "https://api2.frontapp.com"


def conversation(base_url: str = FRONT_URL, **overrides: Any) -> dict[str, Any]:
    """An unassigned, untagged conversation that matches ConversationResponse exactly."""
    body: dict[str, Any] = {
        "_links": {"self": f"{base_url}/conversations/cnv_1", "related": {}},
        "id": "cnv_1",
        "type": "email",
        "subject": "Hello",
        "status": "assigned",
        "ticket_ids": [],
        "assignee": None,
        "recipient": None,
        "tags": [],
        "links": [],
        "custom_fields": {},
        "created_at": 1_700_000_000.5,
        "is_private": False,
        "scheduled_reminders": [],
        "metadata": {},
    }
    body.update(overrides)
    return body
