"""Front's event log on the emulator: what happens to a conversation through the API is recorded as Front's
events (``archive``, ``reopen``, ``trash``, ``restore``, ``assign``, ``unassign``, ``tag``, ``untag``,
``comment``, ``inbound``, ``outbound``, ``out_reply``), and ``GET /events`` lists them, newest first,
filtered by ``q`` as Front does: ``before`` / ``after`` (Unix seconds, exclusive), ``types``, ``inboxes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from front_client.testing.queries import QueryError, read_query_object
from front_client.testing.store import Answer, Request, error

if TYPE_CHECKING:
    from front_client.testing.front import FrontData

__all__ = ["ConversationState", "list_events", "record_changes"]


@dataclass(frozen=True)
class ConversationState:
    """What events are told from: a conversation before and after a request."""

    status: str
    assignee_id: str | None
    tag_ids: frozenset[str]
    messages: tuple[str, ...]
    comments: int

    @classmethod
    def of(cls, record: dict[str, Any]) -> ConversationState:
        return cls(
            record["status"],
            record["assignee_id"],
            frozenset(record["tag_ids"]),
            tuple(record["messages"]),
            len(record["comments"]),
        )


def _status_event(before: str, after: str) -> str | None:
    if before == after:
        return None
    if after == "archived":
        return "archive"
    if after == "deleted":
        return "trash"
    if before == "deleted":
        return "restore"
    return "reopen" if before == "archived" else None


def record_changes(data: FrontData, record: dict[str, Any], before: ConversationState) -> None:
    """Record the events that turned ``before`` into ``record``'s current state."""
    after = ConversationState.of(record)
    types: list[str] = []
    status = _status_event(before.status, after.status)
    if status:
        types.append(status)
    if before.assignee_id != after.assignee_id:
        types.append("assign" if after.assignee_id else "unassign")
    types += ["tag"] * len(after.tag_ids - before.tag_ids) + ["untag"] * len(before.tag_ids - after.tag_ids)
    types += ["comment"] * (after.comments - before.comments)
    for message_id in after.messages[len(before.messages) :]:
        message = data.messages.get(message_id)
        types.append("inbound" if message and message["is_inbound"] else "out_reply")
    for event_type in types:
        data.add_event(event_type, record)


def list_events(data: FrontData, request: Request) -> Answer:
    try:
        q = read_query_object("GET /events", request.query)
    except QueryError as exc:
        return error(400, "Bad request", str(exc))
    before, after = q.timestamp("before"), q.timestamp("after")
    types, inboxes = set(q.values("types")), set(q.values("inboxes"))
    items = [
        event
        for event in reversed(data.events)
        if (before is None or event["emitted_at"] < before)
        and (after is None or event["emitted_at"] > after)
        and (not types or event["type"] in types)
        and (not inboxes or event["inbox_id"] in inboxes)
    ]
    return data.page(request, items, data.render_event)
