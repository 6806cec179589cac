"""Front's data, as the emulator keeps it: conversations, messages, comments, tags, teammates, contacts and
inboxes, how they are seeded, and how Front renders them.

Bodies start from the shape of the spec's response schema and carry the stored fields on top, so what the
emulator answers parses into the generated models with nothing missing. Listings are Front's:
``{"_pagination": {"next": <url on the emulator's own host> | null}, "_links": ..., "_results": [...]}``,
``limit`` (default 50, at most 100) and an opaque ``page_token``. The routes that read and change this data
are in :mod:`front_client.testing.front`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from front_client.testing.forms import FilePart
from front_client.testing.shapes import Shapes, load_shapes

__all__ = ["CONVERSATION_STATUSES", "Answer", "FrontStore", "Request", "error", "not_found"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: created_at of the first seeded resource, one second apart
OPEN_STATUSES = ("assigned", "unassigned")
# The statuses Front answers in a conversation's `status` (its spec's enum). "open" is only a shorthand of
# add_conversation() (assigned if it has an assignee, else unassigned); "trashed" is q's name of "deleted".
CONVERSATION_STATUSES = ("archived", "unassigned", "deleted", "assigned")

Answer = tuple[int, Any, dict[str, str]]  # status, JSON body (or bytes, or None), headers


def error(status: int, title: str, message: str) -> Answer:
    return status, {"_error": {"status": status, "title": title, "message": message}}, {}


def not_found(what: str) -> Answer:
    return error(404, "Not found", f"{what} not found")


@dataclass
class Request:
    """What a route handler of :class:`FrontData` sees."""

    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: dict[str, Any]
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (field, filename, content)

    def arg(self, name: str) -> str:
        values = self.query.get(name)
        return values[0] if values else ""


class FrontStore:
    """The resources. Every method is thread-safe (one lock)."""

    def __init__(self, base_url: Callable[[], str], shapes: Shapes | None = None) -> None:
        self._base_url = base_url
        self._shapes = shapes
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self.conversations: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, Any]] = {}
        self.teammates: dict[str, dict[str, Any]] = {}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.inboxes: dict[str, dict[str, Any]] = {}
        self.merged: dict[str, str] = {}  # old conversation id -> the id it was merged into
        self.events: list[dict[str, Any]] = []  # oldest first (front_client.testing.events)
        self.api_teammate = self.add_teammate(username="api", first_name="API", last_name="User")["id"]
        self.default_inbox = self.add_inbox(name="Support")["id"]

    # -- the spec ----------------------------------------------------------------------------------------
    @property
    def shapes(self) -> Shapes:
        if self._shapes is None:
            self._shapes = load_shapes()
        return self._shapes

    def _template(self, schema_name: str) -> dict[str, Any]:
        built = self.shapes.build({"$ref": f"#/components/schemas/{schema_name}"}, base_url=self._base_url())
        assert isinstance(built, dict)
        return built

    # -- ids and seeding -----------------------------------------------------------------------------------
    def _next(self, prefix: str) -> tuple[str, float]:
        number = next(self._ids)
        return f"{prefix}_{number:x}", EPOCH + number

    def tick(self) -> float:
        """A timestamp after every one given so far (the store's clock: one second per change)."""
        return EPOCH + next(self._ids)

    @staticmethod
    def status_category(record: dict[str, Any]) -> str:
        """Front's ticket status category of a conversation (as set, else derived from its status)."""
        category = record.get("status_category")
        if isinstance(category, str):
            return category
        return "resolved" if record["status"] in ("archived", "deleted") else "open"

    def add_teammate(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            teammate_id, _ = self._next("tea")
            username = fields.pop("username", f"teammate{len(self.teammates) + 1}")
            record = {
                "id": teammate_id,
                "username": username,
                "email": fields.pop("email", f"{username}@example.com"),
                "first_name": fields.pop("first_name", username.title()),
                "last_name": fields.pop("last_name", "Example"),
                "is_admin": fields.pop("is_admin", False),
                "is_available": fields.pop("is_available", True),
                "is_blocked": False,
                "private": fields.pop("private", False),
                **fields,
            }
            self.teammates[teammate_id] = record
            return record

    def add_inbox(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            inbox_id, _ = self._next("inb")
            record = {
                "id": inbox_id,
                "name": fields.pop("name", f"Inbox {len(self.inboxes) + 1}"),
                "is_private": fields.pop("is_private", False),
                "is_public": fields.pop("is_public", True),
                **fields,
            }
            self.inboxes[inbox_id] = record
            return record

    def add_tag(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            tag_id, created = self._next("tag")
            record = {
                "id": tag_id,
                "name": fields.pop("name", f"Tag {len(self.tags) + 1}"),
                "description": fields.pop("description", None),
                "highlight": fields.pop("highlight", None),
                "is_private": fields.pop("is_private", False),
                "is_visible_in_conversation_lists": fields.pop("is_visible_in_conversation_lists", True),
                "created_at": created,
                **fields,
            }
            self.tags[tag_id] = record
            return record

    def add_contact(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            contact_id, created = self._next("crd")
            number = len(self.contacts) + 1
            record = {
                "id": contact_id,
                "name": fields.pop("name", f"Contact {number}"),
                "description": fields.pop("description", ""),
                "handles": fields.pop(
                    "handles", [{"handle": f"contact{number}@example.com", "source": "email"}]
                ),
                "is_private": fields.pop("is_private", False),
                "created_at": created,
                "updated_at": fields.pop("updated_at", created),  # not rendered: ContactResponse has none
                **fields,
            }
            self.contacts[contact_id] = record
            return record

    def add_conversation(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            conversation_id, created = self._next("cnv")
            status = fields.pop("status", "unassigned")
            assignee_id = fields.pop("assignee_id", None)
            if status == "open":
                status = "assigned" if assignee_id else "unassigned"
            if status not in CONVERSATION_STATUSES:
                raise ValueError(f"status {status!r}: one of open, {', '.join(CONVERSATION_STATUSES)}")
            for tag_id in fields.get("tag_ids", ()):
                if tag_id not in self.tags:
                    raise ValueError(f"tag {tag_id!r} does not exist: add_tags() first")
            record = {
                "id": conversation_id,
                "subject": fields.pop("subject", f"Conversation {len(self.conversations) + 1}"),
                "status": status,
                "assignee_id": assignee_id,
                "tag_ids": list(fields.pop("tag_ids", [])),
                "inbox_id": fields.pop("inbox_id", self.default_inbox),
                "is_private": fields.pop("is_private", False),
                "created_at": created,
                "type": fields.pop("type", "email"),
                "messages": [],
                "comments": [],
                **fields,
            }
            self.conversations[conversation_id] = record
            return record

    def add_message(
        self, conversation: dict[str, Any], fields: dict[str, Any], files: list[FilePart], inbound: bool
    ) -> dict[str, Any]:
        """A message in ``conversation`` (``fields``: body, subject, to; ``files``: its attachments)."""
        with self.lock:
            message_id, created = self._next("msg")
            attachments = {
                f"fil_{message_id}_{index}": (name, "application/octet-stream", content)
                for index, (_field, name, content) in enumerate(files)
            }
            record = {
                "id": message_id,
                "message_uid": f"uid_{message_id.removeprefix('msg_')}",
                "conversation_id": conversation["id"],
                "body": str(fields.get("body", "")),
                "subject": fields.get("subject"),
                "is_inbound": inbound,
                "created_at": created,
                "attachments": attachments,
                "to": fields.get("to", []),
            }
            self.messages[message_id] = record
            conversation["messages"].append(message_id)
            return record

    def add_event(self, event_type: str, conversation: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            event_id, emitted = self._next("evt")
            record = {
                "id": event_id,
                "type": event_type,
                "emitted_at": emitted,
                "conversation_id": conversation["id"],
                "inbox_id": conversation["inbox_id"],
            }
            self.events.append(record)
            return record

    def merge(self, old_id: str, into: str) -> None:
        with self.lock:
            if into not in self.conversations:
                raise ValueError(f"conversation {into!r} does not exist")
            self.conversations.pop(old_id, None)
            self.merged[old_id] = into

    # -- rendering -----------------------------------------------------------------------------------------
    def _link(self, path: str) -> str:
        return f"{self._base_url()}{path}"

    def render_teammate(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("TeammateResponse")
        body.update({k: v for k, v in record.items() if k in body and k != "_links"})
        body["_links"] = {**body.get("_links", {}), "self": self._link(f"/teammates/{record['id']}")}
        return body

    def render_tag(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("TagResponse")
        body.update({k: v for k, v in record.items() if k in body and k != "_links"})
        body["_links"] = {**body.get("_links", {}), "self": self._link(f"/tags/{record['id']}")}
        return body

    def render_inbox(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("InboxResponse")
        body.update({k: v for k, v in record.items() if k in body and k != "_links"})
        body["_links"] = {**body.get("_links", {}), "self": self._link(f"/inboxes/{record['id']}")}
        return body

    def render_contact(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("ContactResponse")
        template_handle = (body.get("handles") or [{}])[0]
        body.update({k: v for k, v in record.items() if k in body and k not in ("_links", "handles")})
        body["handles"] = [{**template_handle, **handle} for handle in record["handles"]]
        body["_links"] = {**body.get("_links", {}), "self": self._link(f"/contacts/{record['id']}")}
        return body

    def render_conversation(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("ConversationResponse")
        cid = record["id"]
        body.update(
            {
                "id": cid,
                "subject": record["subject"],
                "status": record["status"],
                "type": record["type"] if "type" in record else body["type"],
                "is_private": record["is_private"],
                "created_at": record["created_at"],
                "assignee": (
                    self.render_teammate(self.teammates[record["assignee_id"]])
                    if record["assignee_id"] in self.teammates
                    else None
                ),
                "tags": [self.render_tag(self.tags[t]) for t in record["tag_ids"] if t in self.tags],
            }
        )
        related = {
            name: self._link(f"/conversations/{cid}/{name}")
            for name in ("events", "followers", "messages", "comments", "inboxes")
        }
        body["_links"] = {"self": self._link(f"/conversations/{cid}"), "related": related}
        return body

    def render_message(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("MessageResponse")
        attachment = (body.get("attachments") or [{}])[0]
        body.update(
            {
                "id": record["id"],
                "message_uid": record["message_uid"],
                "body": record["body"],
                "text": record["body"],
                "subject": record.get("subject") or body.get("subject"),
                "is_inbound": record["is_inbound"],
                "created_at": record["created_at"],
                "attachments": [
                    {
                        **attachment,
                        "filename": name,
                        "size": len(content),
                        "content_type": content_type,
                        "url": self._link(f"/messages/{record['id']}/download/{link}"),
                    }
                    for link, (name, content_type, content) in record["attachments"].items()
                ],
            }
        )
        body["_links"] = {
            **body.get("_links", {}),
            "self": self._link(f"/messages/{record['id']}"),
            "related": {
                **(body.get("_links", {}).get("related") or {}),
                "conversation": self._link(f"/conversations/{record['conversation_id']}"),
            },
        }
        return body

    def render_event(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("EventResponse")
        conversation = self.conversations.get(record["conversation_id"])
        body.update({"id": record["id"], "type": record["type"], "emitted_at": record["emitted_at"]})
        if conversation is not None:
            body["conversation"] = self.render_conversation(conversation)
        body["_links"] = {**body.get("_links", {}), "self": self._link(f"/events/{record['id']}")}
        return body

    def render_comment(self, record: dict[str, Any]) -> dict[str, Any]:
        body = self._template("CommentResponse")
        body.update(
            {
                "id": record["id"],
                "body": record["body"],
                "posted_at": record["created_at"],
                "is_pinned": record["is_pinned"],
                "attachments": [],
                "author": self.render_teammate(self.teammates[record["author_id"]]),
            }
        )
        body["_links"] = {
            **body.get("_links", {}),
            "self": self._link(f"/comments/{record['id']}"),
            "related": {
                **(body.get("_links", {}).get("related") or {}),
                "conversations": self._link(f"/conversations/{record['conversation_id']}"),
            },
        }
        return body

    # -- listings ------------------------------------------------------------------------------------------
    def page(self, request: Request, items: list[dict[str, Any]], render: Callable[[Any], Any]) -> Answer:
        try:
            size = int(request.arg("limit") or DEFAULT_PAGE_SIZE)
            start = int(request.arg("page_token").removeprefix("p") or 0)
        except ValueError:
            return error(400, "Bad request", "limit and page_token must come from a previous page")
        size = max(1, min(size, MAX_PAGE_SIZE))
        chunk = items[start : start + size]
        next_url = None
        if start + size < len(items):
            kept = [(k, v) for k, values in request.query.items() if k != "page_token" for v in values]
            query = urlencode([*kept, *([] if "limit" in request.query else [("limit", str(size))])])
            query = (query + "&" if query else "") + f"page_token=p{start + size}"
            next_url = self._link(f"{request.path}?{query}")
        return (
            200,
            {
                "_pagination": {"next": next_url},
                "_links": {"self": self._link(request.path)},
                "_results": [render(item) for item in chunk],
            },
            {},
        )

    def _listing(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        # Newest first, as Front lists them; a private conversation is not listed to the API (it is refused
        # when asked for by its ID).
        visible = (r for r in records if not r["is_private"])
        return sorted(visible, key=lambda r: (-r["created_at"], r["id"]))
