"""``LimiterState``: everything the decisions depend on, and its JSON form (what a shared backend stores)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["STATE_SCHEMA", "LimiterState", "UnreadableState"]

# The version of ``LimiterState.to_json``'s layout, stored next to it (a shared backend's job): a state of
# another schema is not read. Adding, removing or retyping a field means a new schema.
STATE_SCHEMA = 1


@dataclass
class LimiterState:
    """Everything the decisions depend on; JSON-serialisable so a shared backend can store it."""

    limit: int
    limit_seq: int = -1
    known: bool = False
    synced: bool = False
    probe_until: float | None = None
    window_end: float | None = None
    window_first_seq: int = 0
    next_seq: int = 0
    granted: int = 0
    outside: int = 0
    paused_until: float = 0.0
    tier_sent: dict[str, list[float]] = field(default_factory=dict)
    tier_inflight: dict[str, list[float]] = field(default_factory=dict)
    tier_paused: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> LimiterState:
        """The state ``to_json`` wrote (schema ``STATE_SCHEMA``); ``UnreadableState`` for anything else:
        not JSON, an unknown or missing field (another layout), a value of the wrong type or not finite."""
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnreadableState(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise UnreadableState(f"a JSON {type(data).__name__}, not an object")
        unknown = sorted(set(data) - _STATE_FIELDS)
        if unknown:
            raise UnreadableState(f"unknown field(s) {', '.join(map(repr, unknown))}")
        for name, value in data.items():
            if not _STATE_CHECKS[name](value):
                raise UnreadableState(f"field {name!r} has an unusable value {value!r:.60}")
        if "limit" not in data:
            raise UnreadableState("no 'limit'")
        return cls(**data)


class UnreadableState(ValueError):
    """A stored ``LimiterState`` this client cannot read (garbage, another schema): the shell replaces it."""


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_number(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value)  # type: ignore[arg-type]


def _is_times(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(map(_is_number, v)) for k, v in value.items()
    )


_STATE_CHECKS: dict[str, Any] = {
    "limit": lambda v: _is_int(v) and v >= 1,
    "limit_seq": _is_int,
    "known": lambda v: type(v) is bool,
    "synced": lambda v: type(v) is bool,
    "probe_until": lambda v: v is None or _is_number(v),
    "window_end": lambda v: v is None or _is_number(v),
    "window_first_seq": _is_int,
    "next_seq": _is_int,
    "granted": lambda v: _is_int(v) and v >= 0,
    "outside": lambda v: _is_int(v) and v >= 0,
    "paused_until": _is_number,
    "tier_sent": _is_times,
    "tier_inflight": _is_times,
    "tier_paused": lambda v: (
        isinstance(v, dict) and all(isinstance(k, str) and _is_number(t) for k, t in v.items())
    ),
}
_STATE_FIELDS = frozenset(_STATE_CHECKS)
