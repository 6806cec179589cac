"""Front's burst tiers: the one table of (method, path template) -> tier -> rate.

The data lives in ``tiers.json`` beside this module (also read by the generator at build time, as plain JSON
with keys ``"tiers"`` {name: {"requests", "per_seconds"}} and ``"routes"`` [{"method", "path", "tier"}]).

Matching is done on the *actual* request (method + URL path), not on the spec's operation ids, so raw calls
and routes missing from the spec are covered: the path is compared segment by segment, ``{x}`` matches exactly
one non-empty segment, a trailing slash and the query string are ignored, and the method is case-insensitive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Tier", "TierRoute", "TierTable", "load_tier_table", "normalize_path", "tier_for"]


@dataclass(frozen=True)
class Tier:
    """A burst tier: at most ``requests`` requests per ``per_seconds`` seconds, per company."""

    name: str
    requests: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.requests < 1:
            raise ValueError(f"tier {self.name}: requests must be >= 1, got {self.requests}")
        if self.per_seconds <= 0:
            raise ValueError(f"tier {self.name}: per_seconds must be > 0, got {self.per_seconds}")


@dataclass(frozen=True)
class TierRoute:
    """One row of the table: a method and a path template such as ``/teams/{team_id}/exports``."""

    method: str
    path: str
    tier: str
    segments: tuple[str | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(
            self,
            "segments",
            tuple(None if _is_param(seg) else seg for seg in _split(self.path)),
        )

    def matches(self, method: str, segments: tuple[str, ...]) -> bool:
        if method != self.method or len(segments) != len(self.segments):
            return False
        return all(want is None or want == got for want, got in zip(self.segments, segments, strict=True))


def _is_param(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


def normalize_path(path: str) -> str:
    """``/a/b/?x=1`` -> ``/a/b``; a full URL is reduced to its path; the empty path is ``/``."""
    if "://" in path:
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    stripped = path.rstrip("/")
    if not stripped.startswith("/"):
        stripped = "/" + stripped
    return stripped


def _split(path: str) -> tuple[str, ...]:
    return tuple(seg for seg in normalize_path(path).split("/") if seg)


class TierTable:
    """The tier table: ``tier_for(method, path)`` answers which tier (if any) a request falls in."""

    def __init__(self, tiers: Mapping[str, Tier], routes: Iterable[TierRoute]) -> None:
        self.tiers: dict[str, Tier] = dict(tiers)
        self.routes: tuple[TierRoute, ...] = tuple(routes)
        for route in self.routes:
            if route.tier not in self.tiers:
                raise ValueError(f"route {route.method} {route.path} names unknown tier {route.tier!r}")
        # Index by (method, segment count): matching is then a short scan.
        self._index: dict[tuple[str, int], list[TierRoute]] = {}
        for route in self.routes:
            self._index.setdefault((route.method, len(route.segments)), []).append(route)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TierTable:
        tiers = {
            str(name): Tier(str(name), int(spec["requests"]), float(spec["per_seconds"]))
            for name, spec in data["tiers"].items()
        }
        routes = [TierRoute(str(r["method"]), str(r["path"]), str(r["tier"])) for r in data["routes"]]
        return cls(tiers, routes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tiers": {
                name: {"requests": t.requests, "per_seconds": t.per_seconds} for name, t in self.tiers.items()
            },
            "routes": [{"method": r.method, "path": r.path, "tier": int(r.tier)} for r in self.routes],
        }

    def with_rates(self, rates: Mapping[str, tuple[int, float] | Tier]) -> TierTable:
        """A copy with some tiers' rates replaced: ``{"2": (6, 1.0)}`` (requests, per_seconds)."""
        tiers = dict(self.tiers)
        for name, rate in rates.items():
            if isinstance(rate, Tier):
                tiers[name] = Tier(name, rate.requests, rate.per_seconds)
            else:
                tiers[name] = Tier(name, int(rate[0]), float(rate[1]))
        return TierTable(tiers, self.routes)

    def route_for(self, method: str, path: str) -> TierRoute | None:
        segments = _split(path)
        for route in self._index.get((method.upper(), len(segments)), ()):
            if route.matches(method.upper(), segments):
                return route
        return None

    def tier_for(self, method: str, path: str) -> Tier | None:
        route = self.route_for(method, path)
        return None if route is None else self.tiers[route.tier]


def _default_json() -> str:
    return resources.files("front_client").joinpath("tiers.json").read_text(encoding="utf-8")


@cache
def _default_table() -> TierTable:
    return TierTable.from_dict(json.loads(_default_json()))


def load_tier_table(path: str | Path | None = None) -> TierTable:
    """The packaged table (cached), or one read from ``path`` (same JSON shape)."""
    if path is None:
        return _default_table()
    return TierTable.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def tier_for(method: str, path: str) -> Tier | None:
    """The tier of a request in the packaged table, or None for an untiered route."""
    return _default_table().tier_for(method, path)


# X-Front-Tier may name a tier loosely ("tier-2", "Tier 2"); matched to the table's own names.
_TIER_PREFIX = re.compile(r"^tier(?![a-z])[\s_\-:#.]*", re.IGNORECASE)


def normalize_tier(value: str | None, names: Collection[str]) -> str | None:
    """The name in ``names`` (the tier table's) that an ``X-Front-Tier`` value means, or ``None``.

    Exact first, then without a leading "tier" and separators, case-insensitively (``"tier-2"``,
    ``"Tier 2"``, ``" 2 "``, ``"TIER_2"`` -> ``"2"``), then the one number it holds (``"burst tier 02"``
    -> ``"2"``). A value naming no tier of the table (``"tier-9"``) gives ``None``.
    """
    if value is None:
        return None
    text = value.strip()
    if text in names:
        return text
    by_lower = {name.lower(): name for name in names}
    for candidate in (text, _TIER_PREFIX.sub("", text).strip()):
        if candidate and candidate.lower() in by_lower:
            return by_lower[candidate.lower()]
    numbers = re.findall(r"\d+", text)
    if len(numbers) == 1:
        number = str(int(numbers[0]))
        if number in names:
            return number
    return None
