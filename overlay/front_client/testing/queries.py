"""Front's query object ``q``, read as Front reads it from the query string.

Front takes ``q`` as an object spelt in brackets: ``q[statuses][]=assigned&q[statuses][]=archived``, or
the same property repeated without brackets (``q[statuses]=assigned&q[statuses]=archived``), and
scalars such as ``q[after]=1649487600`` (Unix seconds, up to 3 decimals). A bare ``q=archived`` is not a
query object: it filters nothing. Each route takes its own properties; the emulator answers a property
the route does not take, or a value Front does not list, with a 400 naming the allowed ones (a filter
silently ignored would let wrong code pass).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["QUERY_PROPERTIES", "QueryError", "QueryObject", "read_query_object"]

_PROPERTY = re.compile(r"q\[([A-Za-z_]+)\](\[\])?")

CONVERSATION_QUERY = frozenset({"statuses", "status_categories", "status_ids"})
EVENT_QUERY = frozenset({"before", "after", "types", "inboxes"})
CONTACT_QUERY = frozenset({"updated_after", "updated_before"})
LINK_QUERY = frozenset({"types"})
TIME_OFF_QUERY = frozenset({"active_from", "active_until"})

# The 14 list operations whose `q` is a query object (Front's spec describes each in its parameter text).
QUERY_PROPERTIES: dict[str, frozenset[str]] = {
    "GET /conversations": CONVERSATION_QUERY,
    "GET /inboxes/{inbox_id}/conversations": CONVERSATION_QUERY,
    "GET /tags/{tag_id}/conversations": CONVERSATION_QUERY,
    "GET /teammates/{teammate_id}/conversations": CONVERSATION_QUERY,
    "GET /contacts/{contact_id}/conversations": CONVERSATION_QUERY,
    "GET /links/{link_id}/conversations": CONVERSATION_QUERY,
    "GET /events": EVENT_QUERY,
    "GET /contacts": CONTACT_QUERY,
    "GET /teams/{team_id}/contacts": CONTACT_QUERY,
    "GET /teammates/{teammate_id}/contacts": CONTACT_QUERY,
    "GET /links": LINK_QUERY,
    "GET /teammates/{teammate_id}/time_offs": TIME_OFF_QUERY,
    "GET /teams/{team_id}/time_offs": TIME_OFF_QUERY,
}

# Front's values for `statuses`: the conversation statuses, "trashed" being q's name of "deleted".
STATUS_VALUES = {
    "assigned": "assigned",
    "unassigned": "unassigned",
    "archived": "archived",
    "trashed": "deleted",
}
STATUS_CATEGORY_VALUES = frozenset({"open", "waiting", "resolved"})
_TIMESTAMPS = frozenset({"before", "after", "updated_after", "updated_before", "active_from", "active_until"})


class QueryError(ValueError):
    """A query object Front would refuse (the emulator answers 400 with this text)."""


@dataclass(frozen=True)
class QueryObject:
    """The properties of one request's ``q``, each with its values in the order sent."""

    properties: dict[str, list[str]]

    def values(self, name: str) -> list[str]:
        return self.properties.get(name, [])

    def timestamp(self, name: str) -> float | None:
        values = self.properties.get(name)
        return None if not values else float(values[-1])

    def statuses(self) -> set[str]:
        return {STATUS_VALUES[value] for value in self.values("statuses")}


def read_query_object(route: str, query: dict[str, list[str]]) -> QueryObject:
    """The ``q`` of a request to ``route`` (``"GET /events"``); :class:`QueryError` where Front refuses it."""
    allowed = QUERY_PROPERTIES.get(route, frozenset())
    properties: dict[str, list[str]] = {}
    for key, values in query.items():
        if not key.startswith("q["):
            continue  # a bare `q=...` is not a query object: Front filters nothing with it
        matched = _PROPERTY.fullmatch(key)
        name = matched.group(1) if matched else key
        if matched is None or name not in allowed:
            names = ", ".join(sorted(allowed)) or "none"
            raise QueryError(f"{key} is not a filter of {route}: q takes {names}")
        properties.setdefault(name, []).extend(values)
    for name, values in properties.items():
        _check(name, values)
    return QueryObject(properties)


def _check(name: str, values: list[str]) -> None:
    if name == "statuses":
        wrong = [v for v in values if v not in STATUS_VALUES]
        allowed = ", ".join(STATUS_VALUES)
    elif name == "status_categories":
        wrong = [v for v in values if v not in STATUS_CATEGORY_VALUES]
        allowed = ", ".join(sorted(STATUS_CATEGORY_VALUES))
    elif name in _TIMESTAMPS:
        wrong = [v for v in values if not _is_timestamp(v)]
        allowed = "a timestamp in seconds"
        if len(values) > 1:
            raise QueryError(f"q[{name}] takes one value, got {len(values)}")
    else:
        return
    if wrong:
        raise QueryError(f"q[{name}]: {', '.join(map(repr, wrong))} is not one of {allowed}")


def _is_timestamp(value: str) -> bool:
    try:
        return math.isfinite(float(value)) and float(value) >= 0
    except ValueError:
        return False
