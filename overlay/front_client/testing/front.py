"""Front's data, as the emulator keeps it: conversations, messages, comments, tags, teammates, contacts and
inboxes behave (create → get → list → update → delete agree), every other operation of the spec answers a
schema-valid body (:mod:`front_client.testing.shapes`), and a path outside the spec answers Front's 404.

Bodies start from the shape of the spec's response schema and carry the stored fields on top, so what the
emulator answers parses into the generated models with nothing missing. Listings are Front's:
``{"_pagination": {"next": <url on the emulator's own host> | null}, "_links": ..., "_results": [...]}``,
``limit`` (default 50, at most 100) and an opaque ``page_token``.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from front_client.testing.forms import parse_body
from front_client.testing.shapes import Shapes, load_shapes

__all__ = ["FrontData", "Router", "stateful_routes"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: created_at of the first seeded resource, one second apart
OPEN_STATUSES = ("assigned", "unassigned")
CONVERSATION_STATUSES = ("archived", "unassigned", "deleted", "assigned")
PRIVATE_CONVERSATION = "Teammate {teammate} is not allowed to read the conversation with id {id}"

Answer = tuple[int, Any, dict[str, str]]  # status, JSON body (or bytes, or None), headers


class Router:
    """Method + path → the spec's path template; literal segments win over parameters
    (``/contacts/merge`` is not ``/contacts/{contact_id}``)."""

    def __init__(self, templates: Iterable[tuple[str, str]]) -> None:
        self._routes: dict[tuple[str, int], list[tuple[tuple[str | None, ...], str]]] = {}
        for method, template in templates:
            segments = tuple(None if s.startswith("{") else s for s in _segments(template))
            self._routes.setdefault((method.upper(), len(segments)), []).append((segments, template))
        for routes in self._routes.values():
            routes.sort(key=lambda route: [part is None for part in route[0]])

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        got = _segments(path)
        for want, template in self._routes.get((method.upper(), len(got)), ()):
            if all(w is None or w == g for w, g in zip(want, got, strict=True)):
                names = [s[1:-1] for s in _segments(template)]
                return template, {n: g for n, w, g in zip(names, want, got, strict=True) if w is None}
        return None


def _segments(path: str) -> tuple[str, ...]:
    return tuple(s for s in path.split("?", 1)[0].split("/") if s)


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


class FrontData:
    """The resources. Every method is thread-safe (one lock)."""

    def __init__(self, base_url: Callable[[], str], shapes: Shapes | None = None) -> None:
        self._base_url = base_url
        self._shapes = shapes
        self._router: Router | None = None
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
        self.api_teammate = self.add_teammate(username="api", first_name="API", last_name="User")["id"]
        self.default_inbox = self.add_inbox(name="Support")["id"]

    # -- the spec ----------------------------------------------------------------------------------------
    @property
    def shapes(self) -> Shapes:
        if self._shapes is None:
            self._shapes = load_shapes()
        return self._shapes

    @property
    def router(self) -> Router:
        if self._router is None:
            self._router = Router((op.method, op.path) for op in self.shapes.operations.values())
        return self._router

    def _template(self, schema_name: str) -> dict[str, Any]:
        built = self.shapes.build({"$ref": f"#/components/schemas/{schema_name}"}, base_url=self._base_url())
        assert isinstance(built, dict)
        return built

    # -- ids and seeding -----------------------------------------------------------------------------------
    def _next(self, prefix: str) -> tuple[str, float]:
        number = next(self._ids)
        return f"{prefix}_{number:x}", EPOCH + number

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

    def _conversation_filter(self, request: Request) -> Callable[[dict[str, Any]], bool]:
        wanted = set(request.query.get("q[statuses][]", []))
        q = request.arg("q")
        for word in re.findall(r"[a-z_]+", q):
            if word in CONVERSATION_STATUSES:
                wanted.add(word)
            elif word == "open":
                wanted.update(OPEN_STATUSES)
            elif word == "trashed":
                wanted.add("deleted")
        if not wanted:
            return lambda record: record["status"] != "deleted"
        return lambda record: record["status"] in wanted

    def _listing(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        # Newest first, as Front lists them; a private conversation is not listed to the API (it is refused
        # when asked for by its ID).
        visible = (r for r in records if not r["is_private"])
        return sorted(visible, key=lambda r: (-r["created_at"], r["id"]))

    # -- the request path ----------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], raw: bytes
    ) -> Answer | None:
        """The answer for a request, or ``None`` for a path outside the spec."""
        matched = self.router.match(method, path)
        if matched is None:
            return None
        template, params = matched
        body, files = parse_body(headers.get("content-type", ""), raw)
        request = Request(method.upper(), path, template, params, query, body, files)
        with self.lock:
            conversation_id = params.get("conversation_id")
            if conversation_id in self.merged:
                target = self.merged[conversation_id]
                location = self._link(path.replace(f"/{conversation_id}", f"/{target}", 1))
                return 301, None, {"Location": location}
            handler = _HANDLERS.get(f"{request.method} {template.rstrip('/')}")
            if handler is not None:
                return handler(self, request)
            return self.generic(request)

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
        keep = self._conversation_filter(request)
        items = self._listing(r for r in self.conversations.values() if keep(r))
        return self.page(request, items, self.render_conversation)

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
            unknown = [t for t in body["tag_ids"] if t not in self.tags]
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
        for tag_id in request.body.get("tag_ids", []):
            if tag_id not in self.tags:
                return not_found(f"Tag {tag_id}")
            if tag_id not in found["tag_ids"]:
                found["tag_ids"].append(tag_id)
        return 204, None, {}

    def remove_conversation_tags(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        drop = set(request.body.get("tag_ids", []))
        found["tag_ids"] = [t for t in found["tag_ids"] if t not in drop]
        return 204, None, {}

    # -- messages --------------------------------------------------------------------------------------------
    def _add_message(self, conversation: dict[str, Any], request: Request, inbound: bool) -> dict[str, Any]:
        message_id, created = self._next("msg")
        attachments = {
            f"fil_{message_id}_{index}": (name, "application/octet-stream", content)
            for index, (_field, name, content) in enumerate(request.files)
        }
        record = {
            "id": message_id,
            "message_uid": f"uid_{message_id.removeprefix('msg_')}",
            "conversation_id": conversation["id"],
            "body": str(request.body.get("body", "")),
            "subject": request.body.get("subject"),
            "is_inbound": inbound,
            "created_at": created,
            "attachments": attachments,
            "to": request.body.get("to", []),
        }
        self.messages[message_id] = record
        conversation["messages"].append(message_id)
        return record

    def reply(self, request: Request) -> Answer:
        found = self._conversation(request)
        if isinstance(found, tuple):
            return found
        if not request.body.get("body"):
            return error(400, "Bad request", "body is required")
        return self._accepted(self._add_message(found, request, inbound=False))

    def _accepted(self, record: dict[str, Any]) -> Answer:
        # Front answers a message send with 202 and the message's UID; the message is readable at once here.
        return 202, {"status": "accepted", "message_uid": record["message_uid"]}, {}

    def send_new_message(self, request: Request) -> Answer:
        if not request.body.get("body") or not request.body.get("to"):
            return error(400, "Bad request", "body and to are required")
        conversation = self.add_conversation(subject=request.body.get("subject") or "(no subject)")
        return self._accepted(self._add_message(conversation, request, inbound=False))

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
        status = self._conversation_filter(request)
        items = self._listing(r for r in self.conversations.values() if keep(r) and status(r))
        return self.page(request, items, self.render_conversation)


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
    "GET /contacts": _h(FrontData._list, "contact"),
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
