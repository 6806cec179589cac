"""Front's Core API on the emulator's data: the routes that read and change it (create → get → list →
update → delete agree), a schema-valid body for every other operation of the spec
(:mod:`front_client.testing.shapes`), and Front's 404 for a path outside the spec.

Conversation lists filter on ``q`` as Front does (:mod:`front_client.testing.queries`): ``statuses``
(``assigned``, ``unassigned``, ``archived``, ``trashed``), ``status_categories`` (``open``, ``waiting``,
``resolved``) and ``status_ids``; without ``statuses`` the deleted ones are left out. Contact lists filter
on ``updated_after`` / ``updated_before``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from front_client.testing.events import ConversationState, list_events, record_changes
from front_client.testing.forms import BodyError, parse_body
from front_client.testing.queries import QUERY_PROPERTIES, QueryError, read_query_object
from front_client.testing.routing import Router
from front_client.testing.store import (
    OPEN_STATUSES,
    Answer,
    FrontStore,
    Request,
    error,
    not_found,
)

__all__ = ["FrontData", "stateful_routes"]

PRIVATE_CONVERSATION = "Teammate {teammate} is not allowed to read the conversation with id {id}"


class FrontData(FrontStore):
    """The resources and Front's Core routes on them. Every method is thread-safe (one lock)."""

    _spec_router: Router[str] | None = None

    @property
    def router(self) -> Router[str]:
        """The spec's path templates (literal segments win over parameters)."""
        if self._spec_router is None:
            self._spec_router = Router(
                (op.method, op.path, op.path) for op in self.shapes.operations.values()
            )
        return self._spec_router

    # -- the request path ----------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], raw: bytes
    ) -> Answer | None:
        """The answer for a request, or ``None`` for a path outside the spec."""
        matched = self.router.match(method, path)
        if matched is None:
            return None
        template, params = matched.value, matched.params
        try:
            body, files = parse_body(headers.get("content-type", ""), raw)
        except BodyError as exc:
            return error(400, "Bad request", str(exc))
        request = Request(method.upper(), path, template, params, query, body, files)
        with self.lock:
            conversation_id = params.get("conversation_id")
            if conversation_id in self.merged:
                target = self.merged[conversation_id]
                location = self._link(path.replace(f"/{conversation_id}", f"/{target}", 1))
                return 301, None, {"Location": location}
            route = f"{request.method} {template.rstrip('/')}"
            if (
                route in QUERY_PROPERTIES
            ):  # a filter Front would refuse is refused on every route that takes q
                try:
                    read_query_object(route, query)
                except QueryError as exc:
                    return error(400, "Bad request", str(exc))
            handler = _HANDLERS.get(route)
            if handler is None:
                return self.generic(request)
            conversation = self.conversations.get(conversation_id or "")
            before = ConversationState.of(conversation) if conversation and method != "GET" else None
            answer = handler(self, request)
            if conversation is not None and before is not None and conversation["id"] in self.conversations:
                record_changes(self, conversation, before)
            return answer

    def generic(self, request: Request) -> Answer:
        shape = self.shapes.operation(request.method, request.template)
        assert shape is not None
        if shape.media is None or shape.schema is None:
            if shape.media == "application/octet-stream":
                return shape.status, b"emulated file\n", {"Content-Type": "application/octet-stream"}
            return shape.status, b"", {}
        body = self.shapes.build(shape.schema, base_url=self._base_url())
        if isinstance(body, dict) and "_pagination" in body:
            body["_pagination"] = {"next": None}
            body["_links"] = {"self": self._link(request.path)}
        return shape.status, body, {}

    # -- conversations -------------------------------------------------------------------------------------
    def _conversation(self, request: Request) -> dict[str, Any] | Answer:
        cid = request.params["conversation_id"]
        record = self.conversations.get(cid)
        if record is None:
            return not_found(f"Conversation {cid}")
        if record["is_private"]:
            message = PRIVATE_CONVERSATION.format(teammate=self.api_teammate, id=cid)
            return error(403, "Forbidden", message)
        return record

    def list_conversations(self, request: Request) -> Answer:
        return self._conversations_where(request, lambda _record: True)

    def get_conversation(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        return 200, self.render_conversation(found), {}

    def create_conversation(self, request: Request) -> Answer:
        subject = request.body.get("subject")
        if not subject:
            return error(400, "Bad request", "subject is required")
        record = self.add_conversation(
            subject=subject,
            type=request.body.get("type", "discussion"),
            inbox_id=request.body.get("inbox_id", self.default_inbox),
        )
        return 201, self.render_conversation(record), {}

    def update_conversation(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        body = request.body
        status = body.get("status")
        if status is not None:
            mapping = {"archived": "archived", "deleted": "deleted", "spam": "deleted"}
            if status == "open":
                found["status"] = "assigned" if found["assignee_id"] else "unassigned"
            elif status in mapping:
                found["status"] = mapping[status]
            else:
                return error(
                    400, "Bad request", f"status must be one of archived, open, deleted, spam: {status}"
                )
        if "assignee_id" in body:
            answer = self._assign(found, body["assignee_id"])
            if answer is not None:
                return answer
        if "tag_ids" in body:
            tag_ids = _string_list(body, "tag_ids")
            if isinstance(tag_ids, tuple):
                return tag_ids
            unknown = [t for t in tag_ids if t not in self.tags]
            if unknown:
                return error(400, "Bad request", f"unknown tag IDs: {', '.join(unknown)}")
            found["tag_ids"] = list(body["tag_ids"])
        if "inbox_id" in body:
            if body["inbox_id"] not in self.inboxes:
                return not_found(f"Inbox {body['inbox_id']}")
            found["inbox_id"] = body["inbox_id"]
        return 204, None, {}

    def _assign(self, record: dict[str, Any], assignee_id: str | None) -> Answer | None:
        if assignee_id is not None and assignee_id not in self.teammates:
            return not_found(f"Teammate {assignee_id}")
        record["assignee_id"] = assignee_id
        if record["status"] in OPEN_STATUSES:
            record["status"] = "assigned" if assignee_id else "unassigned"
        return None

    def update_assignee(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        if "assignee_id" not in request.body:
            return error(400, "Bad request", "assignee_id is required")
        return self._assign(found, request.body["assignee_id"]) or (204, None, {})

    def delete_conversation(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        del self.conversations[found["id"]]
        return 204, None, {}

    def add_conversation_tags(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        tag_ids = _string_list(request.body, "tag_ids")
        if isinstance(tag_ids, tuple):
            return tag_ids
        for tag_id in tag_ids:
            if tag_id not in self.tags:
                return not_found(f"Tag {tag_id}")
            if tag_id not in found["tag_ids"]:
                found["tag_ids"].append(tag_id)
        return 204, None, {}

    def remove_conversation_tags(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        tag_ids = _string_list(request.body, "tag_ids")
        if isinstance(tag_ids, tuple):
            return tag_ids
        drop = set(tag_ids)
        found["tag_ids"] = [t for t in found["tag_ids"] if t not in drop]
        return 204, None, {}

    # -- messages --------------------------------------------------------------------------------------------
    def reply(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        if not request.body.get("body"):
            return error(400, "Bad request", "body is required")
        return self._accepted(self.add_message(found, request.body, request.files, inbound=False))

    def _accepted(self, record: dict[str, Any]) -> Answer:
        # Front answers a message send with 202 and the message's UID; the message is readable at once here.
        return 202, {"status": "accepted", "message_uid": record["message_uid"]}, {}

    def send_new_message(self, request: Request) -> Answer:
        if not request.body.get("body") or not request.body.get("to"):
            return error(400, "Bad request", "body and to are required")
        conversation = self.add_conversation(subject=request.body.get("subject") or "(no subject)")
        message = self.add_message(conversation, request.body, request.files, inbound=False)
        self.add_event("outbound", conversation)
        return self._accepted(message)

    def list_messages(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        items = [self.messages[m] for m in reversed(found["messages"]) if m in self.messages]
        return self.page(request, items, self.render_message)

    def get_message(self, request: Request) -> Answer:
        wanted = request.params["message_id"]
        record = self.messages.get(wanted) or next(
            (m for m in self.messages.values() if f"alt:uid:{m['message_uid']}" == wanted), None
        )
        if record is None:
            return not_found(f"Message {request.params['message_id']}")
        return 200, self.render_message(record), {}

    def download_message_attachment(self, request: Request) -> Answer:
        record = self.messages.get(request.params["message_id"])
        attachment = (
            None if record is None else record["attachments"].get(request.params["attachment_link_id"])
        )
        if attachment is None:
            return not_found("Attachment")
        return 200, attachment[2], {"Content-Type": attachment[1]}

    # -- comments --------------------------------------------------------------------------------------------
    def add_comment(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        if not request.body.get("body"):
            return error(400, "Bad request", "body is required")
        author_id = request.body.get("author_id") or self.api_teammate
        if author_id not in self.teammates:
            return not_found(f"Teammate {author_id}")
        comment_id, created = self._next("com")
        record = {
            "id": comment_id,
            "conversation_id": found["id"],
            "body": str(request.body["body"]),
            "author_id": author_id,
            "is_pinned": bool(request.body.get("is_pinned", False)),
            "created_at": created,
        }
        self.comments[comment_id] = record
        found["comments"].append(comment_id)
        return 201, self.render_comment(record), {}

    def list_comments(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        items = [self.comments[c] for c in found["comments"] if c in self.comments]
        return self.page(request, items, self.render_comment)

    def get_comment(self, request: Request) -> Answer:
        record = self.comments.get(request.params["comment_id"])
        if record is None:
            return not_found(f"Comment {request.params['comment_id']}")
        return 200, self.render_comment(record), {}

    def update_comment(self, request: Request) -> Answer:
        record = self.comments.get(request.params["comment_id"])
        if record is None:
            return not_found(f"Comment {request.params['comment_id']}")
        if "body" in request.body:
            record["body"] = str(request.body["body"])
        return 200, self.render_comment(record), {}

    # -- tags, teammates, contacts, inboxes ------------------------------------------------------------------
    def _crud(self, kind: str) -> tuple[dict[str, dict[str, Any]], Callable[[dict[str, Any]], Any], str]:
        table = {
            "tag": (self.tags, self.render_tag, "tag_id"),
            "teammate": (self.teammates, self.render_teammate, "teammate_id"),
            "contact": (self.contacts, self.render_contact, "contact_id"),
            "inbox": (self.inboxes, self.render_inbox, "inbox_id"),
        }
        return table[kind]

    def _list(self, kind: str, request: Request) -> Answer:
        records, render, _ = self._crud(kind)
        return self.page(request, sorted(records.values(), key=lambda r: r["id"]), render)

    def _get(self, kind: str, request: Request) -> Answer:
        records, render, param = self._crud(kind)
        record = records.get(request.params[param])
        if record is None:
            return not_found(f"{kind.title()} {request.params[param]}")
        if kind == "teammate" and record.get("private") and record["id"] != self.api_teammate:
            return error(403, "Forbidden", "You do not have access to the resources of this teammate")
        return 200, render(record), {}

    def _update(self, kind: str, fields: tuple[str, ...], request: Request) -> Answer:
        records, _, param = self._crud(kind)
        record = records.get(request.params[param])
        if record is None:
            return not_found(f"{kind.title()} {request.params[param]}")
        for name in fields:
            if name in request.body:
                record[name] = request.body[name]
        if "updated_at" in record:
            record["updated_at"] = self.tick()
        return 204, None, {}

    def _delete(self, kind: str, request: Request) -> Answer:
        records, _, param = self._crud(kind)
        if records.pop(request.params[param], None) is None:
            return not_found(f"{kind.title()} {request.params[param]}")
        if kind == "tag":
            for conversation in self.conversations.values():
                conversation["tag_ids"] = [t for t in conversation["tag_ids"] if t != request.params[param]]
        return 204, None, {}

    def create_tag(self, request: Request) -> Answer:
        if not request.body.get("name"):
            return error(400, "Bad request", "name is required")
        fields = ("name", "description", "highlight", "is_visible_in_conversation_lists")
        return (
            201,
            self.render_tag(self.add_tag(**{k: request.body[k] for k in fields if k in request.body})),
            {},
        )

    def create_contact(self, request: Request) -> Answer:
        handles = request.body.get("handles")
        if not handles:
            return error(400, "Bad request", "handles is required")
        fields = {k: request.body[k] for k in ("name", "description") if k in request.body}
        return 201, self.render_contact(self.add_contact(handles=handles, **fields)), {}

    def create_inbox(self, request: Request) -> Answer:
        if not request.body.get("name"):
            return error(400, "Bad request", "name is required")
        return 201, self.render_inbox(self.add_inbox(name=request.body["name"])), {}

    def _conversations_where(self, request: Request, keep: Callable[[dict[str, Any]], bool]) -> Answer:
        try:
            q = read_query_object(f"GET {request.template}", request.query)
        except QueryError as exc:
            return error(400, "Bad request", str(exc))
        statuses = q.statuses() or {"assigned", "unassigned", "archived"}
        categories = set(q.values("status_categories"))
        status_ids = set(q.values("status_ids"))

        def wanted(record: dict[str, Any]) -> bool:
            return (
                record["status"] in statuses
                and (not categories or self.status_category(record) in categories)
                and (not status_ids or record.get("status_id") in status_ids)
                and keep(record)
            )

        items = self._listing(r for r in self.conversations.values() if wanted(r))
        return self.page(request, items, self.render_conversation)

    def list_contacts(self, request: Request) -> Answer:
        try:
            q = read_query_object(f"GET {request.template}", request.query)
        except QueryError as exc:
            return error(400, "Bad request", str(exc))
        after, before = q.timestamp("updated_after"), q.timestamp("updated_before")
        items = [
            record
            for record in sorted(self.contacts.values(), key=lambda r: r["id"])
            if (after is None or record["updated_at"] > after)
            and (before is None or record["updated_at"] < before)
        ]
        return self.page(request, items, self.render_contact)


def _string_list(body: dict[str, Any], name: str) -> list[str] | Answer:
    """``body[name]`` as a list of strings (``[]`` when absent), or Front's 400 when it is not one."""
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return error(400, "Bad request", f"{name} must be a list of IDs, got {type(value).__name__}")
    return value


def _h(function: Callable[..., Answer], *args: Any) -> Callable[[FrontData, Request], Answer]:
    return lambda data, request: function(data, *args, request)


_HANDLERS: dict[str, Callable[[FrontData, Request], Answer]] = {
    "GET /conversations": FrontData.list_conversations,
    "POST /conversations": FrontData.create_conversation,
    "GET /conversations/{conversation_id}": FrontData.get_conversation,
    "PATCH /conversations/{conversation_id}": FrontData.update_conversation,
    "DELETE /conversations/{conversation_id}": FrontData.delete_conversation,
    "PUT /conversations/{conversation_id}/assignee": FrontData.update_assignee,
    "POST /conversations/{conversation_id}/tags": FrontData.add_conversation_tags,
    "DELETE /conversations/{conversation_id}/tags": FrontData.remove_conversation_tags,
    "GET /conversations/{conversation_id}/messages": FrontData.list_messages,
    "POST /conversations/{conversation_id}/messages": FrontData.reply,
    "GET /conversations/{conversation_id}/comments": FrontData.list_comments,
    "POST /conversations/{conversation_id}/comments": FrontData.add_comment,
    "POST /channels/{channel_id}/messages": FrontData.send_new_message,
    "GET /messages/{message_id}": FrontData.get_message,
    "GET /messages/{message_id}/download/{attachment_link_id}": FrontData.download_message_attachment,
    "GET /comments/{comment_id}": FrontData.get_comment,
    "PATCH /comments/{comment_id}": FrontData.update_comment,
    "GET /tags": _h(FrontData._list, "tag"),
    "POST /tags": FrontData.create_tag,
    "GET /tags/{tag_id}": _h(FrontData._get, "tag"),
    "PATCH /tags/{tag_id}": _h(
        FrontData._update, "tag", ("name", "description", "highlight", "is_visible_in_conversation_lists")
    ),
    "DELETE /tags/{tag_id}": _h(FrontData._delete, "tag"),
    "GET /tags/{tag_id}/conversations": lambda data, request: data._conversations_where(
        request, lambda r: request.params["tag_id"] in r["tag_ids"]
    ),
    "GET /teammates": _h(FrontData._list, "teammate"),
    "GET /teammates/{teammate_id}": _h(FrontData._get, "teammate"),
    "PATCH /teammates/{teammate_id}": _h(
        FrontData._update, "teammate", ("username", "first_name", "last_name", "is_available")
    ),
    "GET /teammates/{teammate_id}/conversations": lambda data, request: data._conversations_where(
        request, lambda r: r["assignee_id"] == request.params["teammate_id"]
    ),
    "GET /contacts": FrontData.list_contacts,
    "GET /events": list_events,
    "POST /contacts": FrontData.create_contact,
    "GET /contacts/{contact_id}": _h(FrontData._get, "contact"),
    "PATCH /contacts/{contact_id}": _h(FrontData._update, "contact", ("name", "description")),
    "DELETE /contacts/{contact_id}": _h(FrontData._delete, "contact"),
    "GET /inboxes": _h(FrontData._list, "inbox"),
    "POST /inboxes": FrontData.create_inbox,
    "GET /inboxes/{inbox_id}": _h(FrontData._get, "inbox"),
    "GET /inboxes/{inbox_id}/conversations": lambda data, request: data._conversations_where(
        request, lambda r: r["inbox_id"] == request.params["inbox_id"]
    ),
}


def stateful_routes() -> frozenset[str]:
    """``"METHOD /template"`` of every operation the emulator keeps state for (the others are built from
    the spec's shapes)."""
    return frozenset(_HANDLERS)
