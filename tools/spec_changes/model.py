"""The API change report's data model: what changed between two OpenAPI 3.0 specs, and how severe.

Built by :func:`tools.spec_changes.diff.compare`, printed by :mod:`tools.spec_changes.render`, read back
from JSON with :meth:`Report.from_dict`. Summary counts: one per reported item (operation, component, tier
route or change), by severity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["breaking", "notice", "info"]
Context = Literal["request", "response"]
Format = Literal["text", "markdown", "json"]

SEVERITIES: tuple[Severity, ...] = ("breaking", "notice", "info")
RANK: dict[str, int] = {"breaking": 0, "notice": 1, "info": 2}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_PREFIX = "#/components/schemas/"

# kind -> (severity when the schema is sent by the caller, severity when it is received by the caller)
SEVERITY_BY_KIND: dict[str, tuple[Severity, Severity]] = {
    "type-changed": ("breaking", "breaking"),
    "format-changed": ("notice", "notice"),
    "nullable-added": ("info", "breaking"),
    "nullable-removed": ("breaking", "info"),
    "property-added": ("info", "info"),
    "required-property-added": ("breaking", "info"),
    "property-removed": ("breaking", "breaking"),
    "property-became-required": ("breaking", "info"),
    "property-became-optional": ("info", "notice"),
    "property-deprecated": ("notice", "notice"),
    "enum-value-added": ("info", "notice"),
    "enum-value-removed": ("breaking", "info"),
    "enum-added": ("breaking", "info"),
    "enum-removed": ("info", "notice"),
    "variant-added": ("info", "notice"),
    "variant-removed": ("breaking", "info"),
    "composition-changed": ("info", "info"),
    "ref-changed": ("info", "info"),
    "constraint-changed": ("notice", "info"),
    "default-changed": ("info", "info"),
}


@dataclass(frozen=True)
class Change:
    """One difference inside an operation or a component schema."""

    severity: Severity
    kind: str
    where: str
    message: str


@dataclass(frozen=True)
class SpecOperation:
    """One operation of a spec: its method, its path and its operationId (when the spec gives one)."""

    method: str
    path: str
    operation_id: str | None = None

    @property
    def label(self) -> str:
        op_id = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method} {self.path}{op_id}"


@dataclass(frozen=True)
class OperationMove:
    old: SpecOperation
    new: SpecOperation
    severity: Severity
    reason: str


@dataclass(frozen=True)
class OperationChanges:
    operation: SpecOperation
    changes: list[Change]


@dataclass(frozen=True)
class SharedChanges:
    """Changes found, identical, in each of several operations (e.g. in an inline schema that every
    operation repeats, or in one ``components/responses`` entry): reported once for the group."""

    operations: list[str]
    changes: list[Change]


@dataclass(frozen=True)
class ComponentRef:
    """A component schema added or removed, with the operations reaching it (in the spec that has it)."""

    name: str
    severity: Severity
    used_by: list[str]


@dataclass(frozen=True)
class ComponentChanges:
    name: str
    changes: list[Change]
    used_in_requests: list[str]
    used_in_responses: list[str]


@dataclass(frozen=True)
class MissingTierRoute:
    """A rate-limit tier route that matches no operation of the new spec."""

    method: str
    path: str
    tier: int | str
    in_old_spec: bool


@dataclass(frozen=True)
class Report:
    old_version: str
    new_version: str
    operations_old: int
    operations_new: int
    operations_added: list[SpecOperation] = field(default_factory=list)
    operations_removed: list[SpecOperation] = field(default_factory=list)
    operations_moved: list[OperationMove] = field(default_factory=list)
    operations_deprecated: list[SpecOperation] = field(default_factory=list)
    operation_changes: list[OperationChanges] = field(default_factory=list)
    shared_changes: list[SharedChanges] = field(default_factory=list)
    components_added: list[ComponentRef] = field(default_factory=list)
    components_removed: list[ComponentRef] = field(default_factory=list)
    component_changes: list[ComponentChanges] = field(default_factory=list)
    tier_routes_missing: list[MissingTierRoute] = field(default_factory=list)
    # client.<namespace>.<method> added / renamed ("old → new") / removed (tools/facade_names.py).
    facade_methods: dict[str, list[str]] = field(default_factory=dict)

    def severities(self) -> Iterator[Severity]:
        """The severity of every reported item (one per operation/component/route/change)."""
        yield from _repeat("info", self.operations_added)
        yield from _repeat("breaking", self.operations_removed)
        yield from (move.severity for move in self.operations_moved)
        yield from _repeat("notice", self.operations_deprecated)
        for oc in self.operation_changes:
            yield from (c.severity for c in oc.changes)
        for sc in self.shared_changes:
            yield from (c.severity for c in sc.changes)
        yield from (ref.severity for ref in self.components_added)
        yield from (ref.severity for ref in self.components_removed)
        for cc in self.component_changes:
            yield from (c.severity for c in cc.changes)
        yield from _repeat("notice", self.tier_routes_missing)

    @property
    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for severity in self.severities():
            counts[severity] += 1
        return {
            "operations_old": self.operations_old,
            "operations_new": self.operations_new,
            "operations_added": len(self.operations_added),
            "operations_removed": len(self.operations_removed),
            "operations_moved": len(self.operations_moved),
            "operations_deprecated": len(self.operations_deprecated),
            "operations_changed": len(
                {oc.operation.label for oc in self.operation_changes}
                | {label for sc in self.shared_changes for label in sc.operations}
            ),
            "component_schemas_added": len(self.components_added),
            "component_schemas_removed": len(self.components_removed),
            "component_schemas_changed": len(self.component_changes),
            "tier_routes_missing": len(self.tier_routes_missing),
            **counts,
        }

    @property
    def is_empty(self) -> bool:
        return next(self.severities(), None) is None

    @property
    def has_breaking(self) -> bool:
        return any(s == "breaking" for s in self.severities())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        def op(d: Mapping[str, Any]) -> SpecOperation:
            return SpecOperation(d["method"], d["path"], d["operation_id"])

        def changes(items: Iterable[Mapping[str, Any]]) -> list[Change]:
            return [Change(c["severity"], c["kind"], c["where"], c["message"]) for c in items]

        def refs(items: Iterable[Mapping[str, Any]]) -> list[ComponentRef]:
            return [ComponentRef(r["name"], r["severity"], list(r["used_by"])) for r in items]

        return cls(
            old_version=data["old_version"],
            new_version=data["new_version"],
            operations_old=data["operations_old"],
            operations_new=data["operations_new"],
            operations_added=[op(o) for o in data["operations_added"]],
            operations_removed=[op(o) for o in data["operations_removed"]],
            operations_moved=[
                OperationMove(op(m["old"]), op(m["new"]), m["severity"], m["reason"])
                for m in data["operations_moved"]
            ],
            operations_deprecated=[op(o) for o in data["operations_deprecated"]],
            operation_changes=[
                OperationChanges(op(oc["operation"]), changes(oc["changes"]))
                for oc in data["operation_changes"]
            ],
            shared_changes=[
                SharedChanges(list(sc["operations"]), changes(sc["changes"])) for sc in data["shared_changes"]
            ],
            components_added=refs(data["components_added"]),
            components_removed=refs(data["components_removed"]),
            component_changes=[
                ComponentChanges(
                    cc["name"],
                    changes(cc["changes"]),
                    list(cc["used_in_requests"]),
                    list(cc["used_in_responses"]),
                )
                for cc in data["component_changes"]
            ],
            facade_methods={k: list(v) for k, v in data.get("facade_methods", {}).items()},
            tier_routes_missing=[
                MissingTierRoute(t["method"], t["path"], t["tier"], t["in_old_spec"])
                for t in data["tier_routes_missing"]
            ],
        )


def _repeat(severity: Severity, items: Sequence[object]) -> Iterator[Severity]:
    for _ in items:
        yield severity


def worst(severities: Iterable[Severity]) -> Severity:
    return min(severities, key=lambda s: RANK[s], default="info")


def change_key(c: Change) -> tuple[str, int, str, str]:
    return (c.where, RANK[c.severity], c.kind, c.message)
