"""The emulator's one routing notion: a method and a path template (``/conversations/{conversation_id}``,
``{x}`` = any one segment) mapped to a value (a handler, a failure, a flag).

:class:`Router` picks, among the templates that match a request, the most specific one (literal segments
win over parameters, from the left: ``/contacts/merge`` is not ``/contacts/{contact_id}``), then the one
added last. Front's spec routes, the routes a user adds (``FrontEmulator.route``), the private paths and
the injected failures all match this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["RouteMatch", "RoutePattern", "Router", "split_path"]

T = TypeVar("T")


def split_path(path: str) -> tuple[str, ...]:
    """``/a/b/?x=1`` → ``("a", "b")``."""
    return tuple(s for s in path.split("?", 1)[0].split("/") if s)


def _is_param(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


@dataclass(frozen=True)
class RoutePattern:
    """``METHOD /path/{param}``: what a route answers."""

    method: str
    template: str
    segments: tuple[str | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        segments = tuple(None if _is_param(s) else s for s in split_path(self.template))
        object.__setattr__(self, "segments", segments)

    @classmethod
    def parse(cls, route: str) -> RoutePattern:
        """``"PATCH /conversations/{id}"`` → a pattern; ``ValueError`` without a method and a path."""
        method, _, path = route.strip().partition(" ")
        if not method or not path.strip().startswith("/"):
            raise ValueError(f"route {route!r}: expected 'METHOD /path/{{param}}'")
        return cls(method, path.strip())

    def matches(self, method: str, segments: tuple[str, ...]) -> bool:
        if method.upper() != self.method or len(segments) != len(self.segments):
            return False
        return all(want is None or want == got for want, got in zip(self.segments, segments, strict=True))

    def params(self, segments: Iterable[str]) -> dict[str, str]:
        names = split_path(self.template)
        return {n[1:-1]: v for n, v in zip(names, segments, strict=False) if _is_param(n)}

    @property
    def specificity(self) -> tuple[bool, ...]:
        # Sorted descending: a literal segment (True) beats a parameter at the first place they differ.
        return tuple(s is not None for s in self.segments)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True)
class RouteMatch(Generic[T]):
    pattern: RoutePattern
    value: T
    params: dict[str, str]


class Router(Generic[T]):
    """Routes to values; not thread-safe on its own (the emulator holds its lock around it)."""

    def __init__(self, routes: Iterable[tuple[str, str, T]] = ()) -> None:
        self._routes: dict[tuple[str, int], list[tuple[int, RoutePattern, T]]] = {}
        self._added = 0
        for method, template, value in routes:
            self.add(method, template, value)

    def add(self, method: str, template: str, value: T) -> RoutePattern:
        pattern = RoutePattern(method, template)
        self._added += 1
        bucket = self._routes.setdefault((pattern.method, len(pattern.segments)), [])
        bucket.append((self._added, pattern, value))
        bucket.sort(key=lambda entry: (entry[1].specificity, entry[0]), reverse=True)
        return pattern

    def match(self, method: str, path: str) -> RouteMatch[T] | None:
        return next(self.matches(method, path), None)

    def matches(self, method: str, path: str) -> Iterator[RouteMatch[T]]:
        """Every route that matches, best first."""
        segments = split_path(path)
        for _, pattern, value in self._routes.get((method.upper(), len(segments)), ()):
            if pattern.matches(method, segments):
                yield RouteMatch(pattern, value, pattern.params(segments))

    def remove(self, value: T) -> None:
        for bucket in self._routes.values():
            bucket[:] = [entry for entry in bucket if entry[2] is not value]

    def __iter__(self) -> Iterator[tuple[RoutePattern, T]]:
        for bucket in self._routes.values():
            for _, pattern, value in bucket:
                yield pattern, value

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._routes.values())
