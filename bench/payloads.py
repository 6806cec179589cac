"""Realistic Front payloads for benchmarks: a page of conversations, each assigned, with a recipient and two
tags."""

from __future__ import annotations

import json
from typing import Any


def teammate(index: int) -> dict[str, Any]:
    return {
        "_links": {"self": f"https://api2.frontapp.com/teammates/tea_{index}"},
        "id": f"tea_{index}",
        "email": f"agent{index}@example.com",
        "username": f"agent{index}",
        "first_name": "Agent",
        "last_name": str(index),
        "is_admin": False,
        "is_available": True,
        "is_blocked": False,
        "type": "user",
        "custom_fields": {"Region": "EMEA"},
    }


def tag(index: int) -> dict[str, Any]:
    return {
        "_links": {
            "self": f"https://api2.frontapp.com/tags/tag_{index}",
            "related": {
                "conversations": f"https://api2.frontapp.com/tags/tag_{index}/conversations",
                "owner": "https://api2.frontapp.com/teams/tim_1",
                "children": f"https://api2.frontapp.com/tags/tag_{index}/children",
            },
        },
        "id": f"tag_{index}",
        "name": f"Tag {index}",
        "description": "A tag",
        "highlight": "blue",
        "is_private": False,
        "is_visible_in_conversation_lists": True,
        "created_at": 1700000000.123,
        "updated_at": 1700000100.456,
    }


def conversation(index: int) -> dict[str, Any]:
    return {
        "_links": {
            "self": f"https://api2.frontapp.com/conversations/cnv_{index}",
            "related": {
                "events": f"https://api2.frontapp.com/conversations/cnv_{index}/events",
                "followers": f"https://api2.frontapp.com/conversations/cnv_{index}/followers",
                "messages": f"https://api2.frontapp.com/conversations/cnv_{index}/messages",
                "comments": f"https://api2.frontapp.com/conversations/cnv_{index}/comments",
                "inboxes": f"https://api2.frontapp.com/conversations/cnv_{index}/inboxes",
                "last_message": f"https://api2.frontapp.com/messages/msg_{index}",
            },
        },
        "id": f"cnv_{index}",
        "type": "email",
        "subject": f"Order #{index} arrived damaged",
        "status": "assigned",
        "status_id": "sts_1",
        "status_category": "open",
        "ticket_ids": [f"TICKET-{index}"],
        "assignee": teammate(index % 7),
        "recipient": {
            "_links": {"related": {"contact": f"https://api2.frontapp.com/contacts/crd_{index}"}},
            "name": f"Customer {index}",
            "handle": f"customer{index}@example.com",
            "role": "from",
        },
        "tags": [tag(1), tag(2)],
        "links": [],
        "custom_fields": {"Priority": "High"},
        "created_at": 1700000000.5 + index,
        "waiting_since": 1700000500.5 + index,
        "is_private": False,
        "scheduled_reminders": [],
        "metadata": {},
    }


def conversations_page(count: int = 100) -> bytes:
    page = {
        "_pagination": {"next": "https://api2.frontapp.com/conversations?page_token=abc"},
        "_links": {"self": "https://api2.frontapp.com/conversations"},
        "_results": [conversation(i) for i in range(count)],
    }
    return json.dumps(page).encode()
