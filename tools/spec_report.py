"""API change report between two OpenAPI 3.0 specs (old -> new).

Usage::

    python -m tools.spec_report OLD.json NEW.json [--format text|markdown|json]
                                [--tiers overlay/front_client/tiers.json] [--fail-on-breaking]

Function API: ``compare(old, new, tier_table) -> Report`` and ``render(report, fmt) -> str``.

How it works (a structured walk, deepdiff for the leftovers):

* Operations are keyed by ``(METHOD, path)``. An operation that vanished from one key and appeared
  under another with the same ``operationId`` (or the same method and the same path template once
  parameter names are ignored) is reported as *moved*, then diffed like any other operation.
* Per operation: parameters (keyed by ``in`` + ``name``, ``$ref`` resolved), request body, responses
  (per status code and media type). Schemas are compared by a walk that resolves ``$ref`` and merges
  ``allOf``; when both sides point at the *same* component schema the walk stops there: that
  component is diffed once, at component level, and listed with the operations that reach it
  (transitively, through other components) in requests and in responses. When a reference switches
  to a different component, the two targets are diffed structurally at the place of the switch.
  ``{"$ref": X, "nullable": true}`` (what Front publishes) and ``{"allOf": [{"$ref": X}],
  "nullable": true}`` (the OpenAPI 3.0 idiom our patches write) are the same thing.
* The same change found in several operations (an inline schema each operation repeats, such as
  ``_pagination``) is reported once, with the list of operations (``Report.shared_changes``).
* Severity depends on where a schema is used: see ``_SEVERITY``. A component used in both requests
  and responses gets the more severe of the two; a component no operation reaches gets ``info``.
* Keywords the walk does not model (``maxLength``, ``pattern``, ``default``, ...) are compared with
  ``deepdiff`` (list order ignored) so that no structural change goes unreported. The ``default``
  of a required (e.g. path) parameter is ignored: Front puts example IDs there.
* Summary counts: one per reported item (operation, component, tier route or change), by severity.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from deepdiff import DeepDiff

__all__ = [
    "Change",
    "ComponentChanges",
    "ComponentRef",
    "Operation",
    "OperationChanges",
    "OperationMove",
    "Report",
    "SharedChanges",
    "TierRoute",
    "compare",
    "main",
    "render",
]

Severity = Literal["breaking", "notice", "info"]
Context = Literal["request", "response"]
Format = Literal["text", "markdown", "json"]

SEVERITIES: tuple[Severity, ...] = ("breaking", "notice", "info")
_RANK: dict[str, int] = {"breaking": 0, "notice": 1, "info": 2}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_PREFIX = "#/components/schemas/"

# kind -> (severity when the schema is sent by the caller, severity when it is received by the caller)
_SEVERITY: dict[str, tuple[Severity, Severity]] = {
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

# Keywords the structured walk handles itself, or that carry no contract (documentation only).
_HANDLED_KEYS = frozenset(
    {
        "$ref",
        "type",
        "format",
        "nullable",
        "enum",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "deprecated",
    }
)
_COSMETIC_KEYS = frozenset({"description", "example", "examples", "title", "externalDocs", "summary"})


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Change:
    """One difference inside an operation or a component schema."""

    severity: Severity
    kind: str
    where: str
    message: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str | None = None

    @property
    def label(self) -> str:
        op_id = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method} {self.path}{op_id}"


@dataclass(frozen=True)
class OperationMove:
    old: Operation
    new: Operation
    severity: Severity
    reason: str


@dataclass(frozen=True)
class OperationChanges:
    operation: Operation
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
class TierRoute:
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
    operations_added: list[Operation] = field(default_factory=list)
    operations_removed: list[Operation] = field(default_factory=list)
    operations_moved: list[OperationMove] = field(default_factory=list)
    operations_deprecated: list[Operation] = field(default_factory=list)
    operation_changes: list[OperationChanges] = field(default_factory=list)
    shared_changes: list[SharedChanges] = field(default_factory=list)
    components_added: list[ComponentRef] = field(default_factory=list)
    components_removed: list[ComponentRef] = field(default_factory=list)
    component_changes: list[ComponentChanges] = field(default_factory=list)
    tier_routes_missing: list[TierRoute] = field(default_factory=list)
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
        def op(d: Mapping[str, Any]) -> Operation:
            return Operation(d["method"], d["path"], d["operation_id"])

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
                TierRoute(t["method"], t["path"], t["tier"], t["in_old_spec"])
                for t in data["tier_routes_missing"]
            ],
        )


# ------------------------------------------------------------------------------------------- helpers


def _repeat(severity: Severity, items: Sequence[object]) -> Iterator[Severity]:
    for _ in items:
        yield severity


def _template(path: str) -> str:
    """A path template with parameter names and the trailing slash dropped: /a/{x}/ -> /a/{}."""
    segments = [s for s in path.strip().rstrip("/").split("/")]
    return "/".join("{}" if re.fullmatch(r"\{[^}]*\}", s) else s for s in segments) or "/"


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def _js(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped_ref(schema: Any) -> str | None:
    """The component a node stands for: ``$ref`` itself, or ``allOf`` with that single ``$ref``."""
    name = _ref_name(schema)
    if name is not None or not isinstance(schema, dict):
        return name
    members = schema.get("allOf")
    structural = {"type", "properties", "items", "enum", "oneOf", "anyOf", "additionalProperties", "required"}
    if isinstance(members, list) and len(members) == 1 and not structural & set(schema):
        return _ref_name(members[0])
    return None


def _flag(schema: Any, key: str) -> bool:
    return isinstance(schema, dict) and bool(schema.get(key))


def _without_default(schema: Any) -> Any:
    if isinstance(schema, dict) and "default" in schema:
        return {k: v for k, v in schema.items() if k != "default"}
    return schema


def _worst(severities: Iterable[Severity]) -> Severity:
    return min(severities, key=lambda s: _RANK[s], default="info")


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_PREFIX):
            return ref[len(_SCHEMA_PREFIX) :]
    return None


class _Spec:
    """Read access to one OpenAPI document: $ref resolution and the operation table."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = dict(doc.get("components", {}).get("schemas", {}) or {})
        self.operations: dict[tuple[str, str], dict[str, Any]] = {}
        self.path_params: dict[tuple[str, str], list[Any]] = {}
        for path, item in (doc.get("paths") or {}).items():
            item = self.resolve(item)
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    key = (method.upper(), path)
                    self.operations[key] = item[method]
                    self.path_params[key] = list(item.get("parameters") or [])

    def resolve(self, node: Any) -> Any:
        """Follow local ``$ref`` chains (any component kind); non-refs are returned as they are."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return node
            seen.add(ref)
            target: Any = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    return node
                target = target[part]
            node = target
        return node

    def op(self, key: tuple[str, str]) -> Operation:
        op_id = self.operations[key].get("operationId")
        return Operation(key[0], key[1], op_id if isinstance(op_id, str) else None)

    def parameters(self, key: tuple[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
        params: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*self.path_params[key], *(self.operations[key].get("parameters") or [])]:
            param = self.resolve(raw)
            if isinstance(param, dict) and "name" in param:
                params[(str(param.get("in", "")), str(param["name"]))] = param
        return params

    def request_body(self, key: tuple[str, str]) -> dict[str, Any] | None:
        body = self.resolve(self.operations[key].get("requestBody"))
        return body if isinstance(body, dict) else None

    def responses(self, key: tuple[str, str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for code, raw in (self.operations[key].get("responses") or {}).items():
            resp = self.resolve(raw)
            if isinstance(resp, dict):
                out[str(code)] = resp
        return out

    # -- which operations reach which component schema ---------------------------------------------

    def direct_refs(self, node: Any) -> set[str]:
        found: set[str] = set()

        def walk(n: Any) -> None:
            if isinstance(n, dict):
                name = _ref_name(n)
                if name is not None:
                    found.add(name)
                    return
                if isinstance(n.get("$ref"), str):  # a ref to another component kind
                    resolved = self.resolve(n)
                    if resolved is not n:
                        walk(resolved)
                    return
                for v in n.values():
                    walk(v)
            elif isinstance(n, list):
                for v in n:
                    walk(v)

        walk(node)
        return found

    def usage(self) -> dict[str, dict[Context, set[str]]]:
        """component name -> {"request": {op labels}, "response": {op labels}}, transitively."""
        closure: dict[str, set[str]] = {}

        def reach(name: str) -> set[str]:
            if name in closure:
                return closure[name]
            closure[name] = {name}
            todo, done = [name], {name}
            while todo:
                for ref in self.direct_refs(self.schemas.get(todo.pop(), {})):
                    if ref not in done:
                        done.add(ref)
                        todo.append(ref)
            closure[name] = done
            return done

        usage: dict[str, dict[Context, set[str]]] = {}
        for key in self.operations:
            label = self.op(key).label
            request_nodes: list[Any] = [p.get("schema") for p in self.parameters(key).values()]
            request_nodes.append(self.request_body(key))
            response_nodes: list[Any] = list(self.responses(key).values())
            for ctx, nodes in (("request", request_nodes), ("response", response_nodes)):
                for root in self.direct_refs(nodes):
                    for name in reach(root):
                        usage.setdefault(name, {"request": set(), "response": set()})[cast(Context, ctx)].add(
                            label
                        )
        return usage


# ------------------------------------------------------------------------------------ schema walking


@dataclass
class _View:
    """A schema node after $ref resolution and allOf merging."""

    type: str | None = None
    format: str | None = None
    nullable: bool = False
    deprecated: bool = False
    enum: list[Any] | None = None
    properties: dict[str, tuple[Any, str | None]] = field(default_factory=dict)  # name -> (schema, origin)
    required: set[str] = field(default_factory=set)
    required_inline: set[str] = field(default_factory=set)
    items: Any = None
    additional: Any = None
    all_of_refs: list[str] = field(default_factory=list)
    variants: dict[str, list[Any]] = field(default_factory=dict)  # oneOf/anyOf -> members
    residual: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Raw:
    kind: str
    where: str
    message: str


class _SchemaDiff:
    def __init__(self, old: _Spec, new: _Spec) -> None:
        self.old = old
        self.new = new

    def view(self, spec: _Spec, schema: Any, depth: int = 0) -> _View:
        v = _View(nullable=_flag(schema, "nullable"))  # Front writes `nullable` next to `$ref`
        schema = spec.resolve(schema)
        if not isinstance(schema, dict):
            return v
        for member in schema.get("allOf") or []:
            if depth > 20:
                break
            origin = _ref_name(member)
            sub = self.view(spec, member, depth + 1)
            if origin:
                v.all_of_refs.append(origin)
            else:
                v.required_inline |= sub.required_inline
            for name, (prop, sub_origin) in sub.properties.items():
                v.properties[name] = (prop, origin or sub_origin)
            v.required |= sub.required
            v.type = v.type or sub.type
            v.format = v.format or sub.format
            v.nullable = v.nullable or sub.nullable
            v.enum = v.enum if v.enum is not None else sub.enum
            v.items = v.items if v.items is not None else sub.items
            v.additional = v.additional if v.additional is not None else sub.additional
            for k, members in sub.variants.items():
                v.variants.setdefault(k, members)
            for k, val in sub.residual.items():
                v.residual.setdefault(k, val)
        if isinstance(schema.get("type"), str):
            v.type = schema["type"]
        if isinstance(schema.get("format"), str):
            v.format = schema["format"]
        v.nullable = v.nullable or bool(schema.get("nullable"))
        v.deprecated = bool(schema.get("deprecated"))
        if isinstance(schema.get("enum"), list):
            v.enum = list(schema["enum"])
        for name, prop in (schema.get("properties") or {}).items():
            v.properties[name] = (prop, None)
        own_required = {r for r in schema.get("required") or [] if isinstance(r, str)}
        v.required |= own_required
        v.required_inline |= own_required
        if "items" in schema:
            v.items = schema["items"]
        if "additionalProperties" in schema:
            v.additional = schema["additionalProperties"]
        for k in ("oneOf", "anyOf"):
            if isinstance(schema.get(k), list):
                v.variants[k] = list(schema[k])
        if v.type is None and v.properties:
            v.type = "object"
        for k, val in schema.items():
            if k not in _HANDLED_KEYS and k not in _COSMETIC_KEYS and not k.startswith("x-"):
                v.residual[k] = val
        return v

    def diff(
        self,
        old: Any,
        new: Any,
        where: str,
        out: list[_Raw],
        top: bool = False,
        seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """Compare two schema nodes. ``top``: the nodes are a component's own body (do not stop)."""
        old_ref, new_ref = _ref_name(old), _ref_name(new)
        wrapped = _wrapped_ref(old)
        if not top and wrapped is not None and wrapped == _wrapped_ref(new):
            # the same component on both sides (maybe as `allOf: [$ref]` + `nullable`, the OpenAPI 3.0
            # idiom for a nullable reference): its changes are reported once, at the component
            was, now = _flag(old, "nullable"), _flag(new, "nullable")
            if was != now:
                kind = "nullable-added" if now else "nullable-removed"
                out.append(
                    _Raw(kind, where or "(schema)", "became nullable" if now else "no longer nullable")
                )
            if where and _flag(new, "deprecated") and not _flag(old, "deprecated"):
                out.append(_Raw("property-deprecated", where, "deprecated"))
            return
        if old_ref != new_ref:
            if (old_ref or "", new_ref or "") in seen:
                return
            seen = seen | {(old_ref or "", new_ref or "")}
            if self._wrapped(old, new, where or "(schema)", out):
                return
            if old_ref and new_ref:
                out.append(
                    _Raw("ref-changed", where or "(schema)", f"schema `{old_ref}` replaced by `{new_ref}`")
                )
            elif old_ref or new_ref:
                desc = f"`{old_ref}` inlined" if old_ref else f"inline schema replaced by `{new_ref}`"
                out.append(_Raw("ref-changed", where or "(schema)", desc))
        vo, vn = self.view(self.old, old), self.view(self.new, new)
        at = where or "(schema)"

        if vo.type != vn.type and (vo.type or vn.type):
            out.append(_Raw("type-changed", at, f"type {vo.type or 'any'} → {vn.type or 'any'}"))
        elif vo.format != vn.format:
            out.append(_Raw("format-changed", at, f"format {vo.format or '-'} → {vn.format or '-'}"))
        if vo.nullable != vn.nullable:
            kind = "nullable-added" if vn.nullable else "nullable-removed"
            out.append(_Raw(kind, at, "became nullable" if vn.nullable else "no longer nullable"))
        if vn.deprecated and not vo.deprecated and where:
            out.append(_Raw("property-deprecated", at, "deprecated"))
        self._diff_enum(vo, vn, at, out)

        # properties
        shared_bases = set(vo.all_of_refs) & set(vn.all_of_refs)
        for name in sorted(set(vo.properties) | set(vn.properties)):
            p_where = f"{where}.{name}" if where else name
            o, n = vo.properties.get(name), vn.properties.get(name)
            o_origin = o[1] if o else None
            n_origin = n[1] if n else None
            inherited = (o is None or o_origin in shared_bases) and (n is None or n_origin in shared_bases)
            if o is None and n is not None:
                if n_origin in shared_bases:
                    continue
                if name in vn.required:
                    out.append(_Raw("required-property-added", p_where, "required property added"))
                else:
                    out.append(_Raw("property-added", p_where, "property added"))
                continue
            if n is None and o is not None:
                if o_origin in shared_bases:
                    continue
                out.append(_Raw("property-removed", p_where, "property removed"))
                continue
            assert o is not None and n is not None
            if inherited and o_origin == n_origin:
                was, now = name in vo.required_inline, name in vn.required_inline
            else:
                was, now = name in vo.required, name in vn.required
                self.diff(o[0], n[0], p_where, out, seen=seen)
            if was != now:
                kind = "property-became-required" if now else "property-became-optional"
                out.append(_Raw(kind, p_where, "became required" if now else "became optional"))

        # composition
        for name in sorted(set(vn.all_of_refs) - set(vo.all_of_refs)):
            out.append(_Raw("composition-changed", at, f"allOf member `{name}` added"))
        for name in sorted(set(vo.all_of_refs) - set(vn.all_of_refs)):
            out.append(_Raw("composition-changed", at, f"allOf member `{name}` removed"))
        for kw in sorted(set(vo.variants) | set(vn.variants)):
            self._diff_variants(kw, vo.variants.get(kw, []), vn.variants.get(kw, []), where, out, seen)

        # containers
        if vo.items is not None or vn.items is not None:
            item_where = f"{where}[]"
            if vo.items is None or vn.items is None:
                out.append(
                    _Raw(
                        "type-changed",
                        item_where,
                        "array items added" if vo.items is None else "array items removed",
                    )
                )
            else:
                self.diff(vo.items, vn.items, item_where, out, seen=seen)
        if isinstance(vo.additional, dict) and isinstance(vn.additional, dict):
            self.diff(vo.additional, vn.additional, f"{where}{{*}}", out, seen=seen)
        elif vo.additional != vn.additional:
            vo.residual["additionalProperties"] = vo.additional
            vn.residual["additionalProperties"] = vn.additional

        # everything else: constraints, defaults, readOnly/writeOnly, ...
        self._diff_residual(vo.residual, vn.residual, at, out)

    def _wrapped(self, old: Any, new: Any, at: str, out: list[_Raw]) -> bool:
        """`X` became one variant of a oneOf/anyOf (widening), or the reverse (narrowing)."""
        for kw in ("oneOf", "anyOf"):
            for name, wrapper, kind in (
                (_ref_name(old), self.new.resolve(new), "variant-added"),
                (_ref_name(new), self.old.resolve(old), "variant-removed"),
            ):
                if not name or not isinstance(wrapper, dict) or not isinstance(wrapper.get(kw), list):
                    continue
                members = wrapper[kw]
                if not any(_ref_name(m) == name for m in members):
                    continue
                verb = "widened to" if kind == "variant-added" else "narrowed from"
                out.append(_Raw("composition-changed", at, f"`{name}` {verb} a {kw} of {len(members)}"))
                for i, member in enumerate(members):
                    other = _ref_name(member)
                    if other != name:
                        label = f"`{other}`" if other else f"inline #{i}"
                        out.append(
                            _Raw(
                                kind,
                                f"{at}.{kw}",
                                f"variant {label} " + ("added" if kind == "variant-added" else "removed"),
                            )
                        )
                return True
        return False

    @staticmethod
    def _diff_enum(vo: _View, vn: _View, at: str, out: list[_Raw]) -> None:
        if vo.enum is None and vn.enum is None:
            return
        if vo.enum is None:
            out.append(_Raw("enum-added", at, f"restricted to enum {_js(vn.enum)}"))
        elif vn.enum is None:
            out.append(_Raw("enum-removed", at, "enum restriction removed"))
        else:
            old_vals = {_js(x) for x in vo.enum}
            new_vals = {_js(x) for x in vn.enum}
            for val in sorted(new_vals - old_vals):
                out.append(_Raw("enum-value-added", at, f"enum value {val} added"))
            for val in sorted(old_vals - new_vals):
                out.append(_Raw("enum-value-removed", at, f"enum value {val} removed"))

    def _diff_variants(
        self,
        kw: str,
        old: list[Any],
        new: list[Any],
        where: str,
        out: list[_Raw],
        seen: frozenset[tuple[str, str]],
    ) -> None:
        at = f"{where}.{kw}" if where else kw
        old_named = {n for n in (_ref_name(m) for m in old) if n}
        new_named = {n for n in (_ref_name(m) for m in new) if n}
        for name in sorted(new_named - old_named):
            out.append(_Raw("variant-added", at, f"variant `{name}` added"))
        for name in sorted(old_named - new_named):
            out.append(_Raw("variant-removed", at, f"variant `{name}` removed"))
        old_inline = [m for m in old if not _ref_name(m)]
        new_inline = [m for m in new if not _ref_name(m)]
        for i, (o, n) in enumerate(zip(old_inline, new_inline, strict=False)):
            self.diff(o, n, f"{at}[{i}]", out, seen=seen)
        for i in range(len(old_inline), len(new_inline)):
            out.append(_Raw("variant-added", at, f"inline variant #{i} added"))
        for i in range(len(new_inline), len(old_inline)):
            out.append(_Raw("variant-removed", at, f"inline variant #{i} removed"))

    @staticmethod
    def _diff_residual(old: dict[str, Any], new: dict[str, Any], at: str, out: list[_Raw]) -> None:
        if old == new:
            return
        # deepdiff: which keywords really changed (list order ignored, e.g. `required`-like lists)
        changed = DeepDiff(old, new, ignore_order=True).affected_root_keys
        for key in sorted(str(k) for k in changed):
            before, after = old.get(key), new.get(key)
            if isinstance(before, list) and isinstance(after, list):
                plus = [x for x in after if x not in before]
                minus = [x for x in before if x not in after]
                parts = [f"+{_clip(_js(plus))}"] if plus else []
                parts += [f"-{_clip(_js(minus))}"] if minus else []
                message = f"{key}: " + (", ".join(parts) or "reordered")
            else:
                message = (
                    f"{key}: {_clip(_js(before)) if key in old else '-'}"
                    f" → {_clip(_js(after)) if key in new else '-'}"
                )
            out.append(_Raw("default-changed" if key == "default" else "constraint-changed", at, message))


def _severity(kind: str, contexts: Iterable[Context]) -> Severity:
    request_sev, response_sev = _SEVERITY[kind]
    return _worst(request_sev if ctx == "request" else response_sev for ctx in contexts)


def _finish(raw: Iterable[_Raw], contexts: Sequence[Context]) -> list[Change]:
    changes = {Change(_severity(r.kind, contexts), r.kind, r.where, r.message) for r in raw}
    return sorted(changes, key=_change_key)


def _finish_unused(raw: Iterable[_Raw]) -> list[Change]:
    """A component no operation reaches (in either spec): nothing can break, all is info."""
    return sorted({Change("info", r.kind, r.where, r.message) for r in raw}, key=_change_key)


def _change_key(c: Change) -> tuple[str, int, str, str]:
    return (c.where, _RANK[c.severity], c.kind, c.message)


# ------------------------------------------------------------------------------------ operation diff


class _OperationDiff:
    def __init__(self, old: _Spec, new: _Spec) -> None:
        self.old, self.new = old, new
        self.schemas = _SchemaDiff(old, new)

    def diff(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        changes: list[Change] = []
        changes += self._parameters(old_key, new_key)
        changes += self._request_body(old_key, new_key)
        changes += self._responses(old_key, new_key)
        return sorted(set(changes), key=_change_key)

    def _parameters(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        out: list[Change] = []
        old_params, new_params = self.old.parameters(old_key), self.new.parameters(new_key)
        # a moved operation: match path parameters by position
        renames: dict[tuple[str, str], tuple[str, str]] = {}
        old_names, new_names = _path_params(old_key[1]), _path_params(new_key[1])
        if old_key[1] != new_key[1] and len(old_names) == len(new_names):
            for old_name, new_name in zip(old_names, new_names, strict=True):
                if (
                    old_name != new_name
                    and ("path", old_name) in old_params
                    and ("path", new_name) in new_params
                ):
                    renames[("path", old_name)] = ("path", new_name)
                    out.append(
                        Change(
                            "notice",
                            "parameter-renamed",
                            f"parameter path.{new_name}",
                            f"path parameter `{old_name}` renamed to `{new_name}`",
                        )
                    )
        matched = {renames.get(k, k): k for k in old_params}
        for new_pk in sorted(set(new_params) | set(matched), key=lambda k: (k[0], k[1])):
            where = f"parameter {new_pk[0]}.{new_pk[1]}"
            old_pk = matched.get(new_pk)
            o = old_params.get(old_pk) if old_pk else None
            n = new_params.get(new_pk)
            if o is None and n is not None:
                if n.get("required"):
                    out.append(Change("breaking", "parameter-added", where, "new required parameter"))
                else:
                    out.append(Change("info", "parameter-added", where, "optional parameter added"))
                continue
            if n is None:
                out.append(Change("breaking", "parameter-removed", where, "parameter removed"))
                continue
            assert o is not None
            if bool(n.get("required")) != bool(o.get("required")):
                if n.get("required"):
                    out.append(Change("breaking", "parameter-became-required", where, "became required"))
                else:
                    out.append(Change("info", "parameter-became-optional", where, "became optional"))
            if n.get("deprecated") and not o.get("deprecated"):
                out.append(Change("notice", "parameter-deprecated", where, "deprecated"))
            raw: list[_Raw] = []
            old_schema, new_schema = o.get("schema", {}), n.get("schema", {})
            if new_pk[0] == "path" or (o.get("required") and n.get("required")):
                # a required parameter's `default` is never used: Front puts example IDs there
                old_schema, new_schema = _without_default(old_schema), _without_default(new_schema)
            self.schemas.diff(old_schema, new_schema, where, raw)
            out += _finish(raw, ["request"])
        return out

    def _request_body(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        o, n = self.old.request_body(old_key), self.new.request_body(new_key)
        where = "request body"
        if o is None and n is None:
            return []
        if o is None:
            assert n is not None
            if n.get("required"):
                return [Change("breaking", "request-body-added", where, "required request body added")]
            return [Change("info", "request-body-added", where, "optional request body added")]
        if n is None:
            return [Change("breaking", "request-body-removed", where, "request body removed")]
        out: list[Change] = []
        if bool(n.get("required")) != bool(o.get("required")):
            if n.get("required"):
                out.append(Change("breaking", "request-body-became-required", where, "became required"))
            else:
                out.append(Change("info", "request-body-became-optional", where, "became optional"))
        out += self._content(o, n, where, "request")
        return out

    def _responses(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        out: list[Change] = []
        old_resp, new_resp = self.old.responses(old_key), self.new.responses(new_key)
        for code in sorted(set(old_resp) | set(new_resp)):
            where = f"response {code}"
            if code not in old_resp:
                out.append(Change("info", "response-added", where, "response status added"))
            elif code not in new_resp:
                out.append(Change("notice", "response-removed", where, "response status removed"))
            else:
                out += self._content(old_resp[code], new_resp[code], where, "response")
        return out

    def _content(self, o: Mapping[str, Any], n: Mapping[str, Any], where: str, ctx: Context) -> list[Change]:
        out: list[Change] = []
        old_c, new_c = o.get("content") or {}, n.get("content") or {}
        for media in sorted(set(old_c) | set(new_c)):
            label = f"{where} {media}" if len(set(old_c) | set(new_c)) > 1 else where
            if media not in old_c:
                out.append(Change("info", "media-type-added", label, f"media type {media} added"))
            elif media not in new_c:
                sev: Severity = "breaking" if ctx == "request" else "notice"
                out.append(Change(sev, "media-type-removed", label, f"media type {media} removed"))
            else:
                raw: list[_Raw] = []
                self.schemas.diff(old_c[media].get("schema", {}), new_c[media].get("schema", {}), "", raw)
                out += [
                    Change(
                        c.severity,
                        c.kind,
                        f"{label} > {c.where}" if c.where != "(schema)" else label,
                        c.message,
                    )
                    for c in _finish(raw, [ctx])
                ]
        return out


# ------------------------------------------------------------------------------------------- compare


def _match_moves(
    old: _Spec, new: _Spec, removed: set[tuple[str, str]], added: set[tuple[str, str]]
) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
    by_id = {new.op(k).operation_id: k for k in sorted(added) if new.op(k).operation_id}
    for key in sorted(removed):
        op_id = old.op(key).operation_id
        if op_id and op_id in by_id and by_id[op_id] in added:
            pairs.append((key, by_id[op_id]))
            added.discard(by_id[op_id])
    removed.difference_update(p[0] for p in pairs)
    by_template = {(k[0], _template(k[1])): k for k in sorted(added)}
    for key in sorted(removed):
        target = by_template.get((key[0], _template(key[1])))
        if target is not None and target in added:
            pairs.append((key, target))
            added.discard(target)
    removed.difference_update(p[0] for p in pairs)
    return pairs


def _labels(labels: Iterable[str]) -> list[str]:
    return sorted(set(labels))


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    tier_table: Mapping[str, Any] | None = None,
    *,
    old_label: str | None = None,
    new_label: str | None = None,
) -> Report:
    """Compare two OpenAPI 3.0 documents (parsed JSON) and return the change report.

    ``tier_table``: the parsed ``tiers.json`` (its ``routes``), checked against the new spec.
    ``old_label``/``new_label``: shown before ``info.title``/``info.version`` (e.g. the file names;
    Front never bumps ``info.version``).
    """
    o, n = _Spec(old), _Spec(new)
    removed, added = set(o.operations) - set(n.operations), set(n.operations) - set(o.operations)
    moves = _match_moves(o, n, removed, added)

    def sort_key(key: tuple[str, str]) -> tuple[str, str]:
        return (key[1], key[0])

    operation_moves = []
    for ok, nk in sorted(moves, key=lambda p: sort_key(p[1])):
        if _template(ok[1]) == _template(nk[1]) and ok[0] == nk[0]:
            operation_moves.append(
                OperationMove(o.op(ok), n.op(nk), "notice", "path parameter renamed (same URL template)")
            )
        else:
            operation_moves.append(
                OperationMove(o.op(ok), n.op(nk), "breaking", "path changed, same operationId")
            )

    pairs = [(k, k) for k in set(o.operations) & set(n.operations)] + moves
    differ = _OperationDiff(o, n)
    all_changes: list[tuple[Operation, list[Change]]] = []
    deprecated: list[Operation] = []
    for ok, nk in sorted(pairs, key=lambda p: sort_key(p[1])):
        if n.operations[nk].get("deprecated") and not o.operations[ok].get("deprecated"):
            deprecated.append(n.op(nk))
        all_changes.append((n.op(nk), differ.diff(ok, nk)))
    # the same change in several operations is reported once, with the list of operations
    seen_in: dict[Change, list[str]] = {}
    for op, changes in all_changes:
        for change in changes:
            seen_in.setdefault(change, []).append(op.label)
    shared = {change for change, labels in seen_in.items() if len(labels) > 1}
    op_changes = [
        OperationChanges(op, [c for c in changes if c not in shared])
        for op, changes in all_changes
        if set(changes) - shared
    ]
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in sorted(shared, key=_change_key):
        groups.setdefault(tuple(sorted(seen_in[change])), []).append(change)
    shared_changes = [
        SharedChanges(list(ops), changes)
        for ops, changes in sorted(groups.items(), key=lambda g: (-len(g[0]), g[0]))
    ]

    old_usage, new_usage = o.usage(), n.usage()
    empty: dict[Context, set[str]] = {"request": set(), "response": set()}

    def used_by(usage: Mapping[str, dict[Context, set[str]]], name: str) -> list[str]:
        u = usage.get(name, empty)
        return _labels(u["request"] | u["response"])

    comp_changes: list[ComponentChanges] = []
    schema_diff = _SchemaDiff(o, n)
    for name in sorted(set(o.schemas) & set(n.schemas)):
        raw: list[_Raw] = []
        schema_diff.diff(o.schemas[name], n.schemas[name], "", raw, top=True, seen=frozenset({(name, name)}))
        if not raw:
            continue
        req = new_usage.get(name, empty)["request"] | old_usage.get(name, empty)["request"]
        resp = new_usage.get(name, empty)["response"] | old_usage.get(name, empty)["response"]
        contexts: list[Context] = []
        if req:
            contexts.append("request")
        if resp:
            contexts.append("response")
        # listed: the operations of the new spec (of the old one when the new has none)
        listed = new_usage.get(name) or old_usage.get(name) or empty
        comp_changes.append(
            ComponentChanges(
                name,
                _finish(raw, contexts) if contexts else _finish_unused(raw),
                _labels(listed["request"]),
                _labels(listed["response"]),
            )
        )

    tier_missing: list[TierRoute] = []
    if tier_table is not None:
        new_routes = {(k[0], _template(k[1])) for k in n.operations}
        old_routes = {(k[0], _template(k[1])) for k in o.operations}
        for route in tier_table.get("routes", []):
            key = (str(route["method"]).upper(), _template(str(route["path"])))
            if key not in new_routes:
                tier_missing.append(
                    TierRoute(key[0], str(route["path"]), route.get("tier", "?"), key in old_routes)
                )
        tier_missing.sort(key=lambda t: (t.path, t.method))

    def version(doc: Mapping[str, Any], label: str | None) -> str:
        info = doc.get("info") or {}
        text = f"{info.get('title', '?')} {info.get('version', '?')}"
        return f"{label} ({text})" if label else text

    return Report(
        old_version=version(old, old_label),
        new_version=version(new, new_label),
        operations_old=len(o.operations),
        operations_new=len(n.operations),
        operations_added=[n.op(k) for k in sorted(added, key=sort_key)],
        operations_removed=[o.op(k) for k in sorted(removed, key=sort_key)],
        operations_moved=operation_moves,
        operations_deprecated=deprecated,
        operation_changes=op_changes,
        shared_changes=shared_changes,
        components_added=[
            ComponentRef(name, "info", used_by(new_usage, name))
            for name in sorted(set(n.schemas) - set(o.schemas))
        ],
        components_removed=[
            ComponentRef(name, "notice", used_by(old_usage, name))
            for name in sorted(set(o.schemas) - set(n.schemas))
        ],
        component_changes=comp_changes,
        tier_routes_missing=tier_missing,
        facade_methods=_facade_changes(old, new),
    )


def _facade_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[str]]:
    from tools.facade_names import changes, facade_names

    return changes(facade_names(old), facade_names(new))


# -------------------------------------------------------------------------------------------- render

_TAG: dict[str, str] = {"breaking": "BREAKING", "notice": "notice", "info": "info"}
_MAX_USED_BY = 8


def _short(labels: Sequence[str], limit: int = _MAX_USED_BY) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f", … and {len(labels) - limit} more"


def _text(report: Report) -> str:
    lines: list[str] = [f"API change report: {report.old_version} → {report.new_version}", ""]
    s = report.summary
    lines += [
        f"Summary: {s['breaking']} breaking, {s['notice']} notice, {s['info']} info",
        f"  operations: {s['operations_old']} → {s['operations_new']} "
        f"(+{s['operations_added']} added, -{s['operations_removed']} removed, "
        f"{s['operations_moved']} moved, {s['operations_deprecated']} newly deprecated, "
        f"{s['operations_changed']} changed)",
        f"  component schemas: +{s['component_schemas_added']} added, "
        f"-{s['component_schemas_removed']} removed, {s['component_schemas_changed']} changed",
        f"  rate-limit tier routes without an operation: {s['tier_routes_missing']}",
    ]
    if report.is_empty:
        lines += ["", "No changes."]
        return "\n".join(lines) + "\n"

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", title, "-" * len(title), *body])

    def tag(sev: str) -> str:
        return f"[{_TAG[sev]}]"

    section("Operations removed", [f"  {tag('breaking')} {op.label}" for op in report.operations_removed])
    section(
        "Operations moved",
        [
            f"  {tag(m.severity)} {m.old.label} → {m.new.method} {m.new.path}: {m.reason}"
            for m in report.operations_moved
        ],
    )
    section("Operations added", [f"  {tag('info')} {op.label}" for op in report.operations_added])
    section(
        "Operations newly deprecated",
        [f"  {tag('notice')} {op.label}" for op in report.operations_deprecated],
    )
    body: list[str] = []
    for oc in report.operation_changes:
        body.append(f"  {oc.operation.label}")
        body += [f"    {tag(c.severity)} {c.where}: {c.message}" for c in oc.changes]
    section("Operation changes", body)
    body = []
    for sc in report.shared_changes:
        body.append(f"  in {len(sc.operations)} operations: {_short(sc.operations)}")
        body += [f"    {tag(c.severity)} {c.where}: {c.message}" for c in sc.changes]
    section("Changes shared by several operations", body)
    section(
        "Component schemas added",
        [
            f"  {tag(r.severity)} {r.name}" + (f" (used by {_short(r.used_by)})" if r.used_by else "")
            for r in report.components_added
        ],
    )
    section(
        "Component schemas removed",
        [
            f"  {tag(r.severity)} {r.name}" + (f" (was used by {_short(r.used_by)})" if r.used_by else "")
            for r in report.components_removed
        ],
    )
    body = []
    for cc in report.component_changes:
        body.append(f"  {cc.name}")
        body += [f"    {tag(c.severity)} {c.where or '(schema)'}: {c.message}" for c in cc.changes]
        if cc.used_in_requests:
            body.append(f"    used in requests by: {_short(cc.used_in_requests)}")
        if cc.used_in_responses:
            body.append(f"    used in responses by: {_short(cc.used_in_responses)}")
        if not cc.used_in_requests and not cc.used_in_responses:
            body.append("    not used by any operation")
    section("Component schema changes", body)
    section(
        "Facade methods (client.<namespace>.<method>)",
        [f"  {tag('info')} added {m}" for m in report.facade_methods.get("added", [])]
        + [f"  {tag('breaking')} renamed {m}" for m in report.facade_methods.get("renamed", [])]
        + [f"  {tag('breaking')} removed {m}" for m in report.facade_methods.get("removed", [])],
    )
    section(
        "Rate-limit tier routes without an operation",
        [
            f"  {tag('notice')} {t.method} {t.path} (tier {t.tier})"
            + ("" if t.in_old_spec else " — not in the old spec either")
            for t in report.tier_routes_missing
        ],
    )
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(report: Report) -> str:
    s = report.summary
    lines: list[str] = [
        f"## API changes: {report.old_version} → {report.new_version}",
        "",
        f"**{s['breaking']} breaking**, {s['notice']} notice, {s['info']} info.",
        "",
        "| | count |",
        "|---|---:|",
        f"| operations (old → new) | {s['operations_old']} → {s['operations_new']} |",
        f"| operations added | {s['operations_added']} |",
        f"| operations removed | {s['operations_removed']} |",
        f"| operations moved | {s['operations_moved']} |",
        f"| operations newly deprecated | {s['operations_deprecated']} |",
        f"| operations changed | {s['operations_changed']} |",
        f"| component schemas added | {s['component_schemas_added']} |",
        f"| component schemas removed | {s['component_schemas_removed']} |",
        f"| component schemas changed | {s['component_schemas_changed']} |",
        f"| tier routes without an operation | {s['tier_routes_missing']} |",
    ]
    if report.is_empty:
        lines += ["", "No changes."]
        return "\n".join(lines) + "\n"

    def sev(severity: str) -> str:
        return "**BREAKING**" if severity == "breaking" else severity

    def op(o: Operation) -> str:
        return f"`{o.method} {o.path}`" + (f" (`{o.operation_id}`)" if o.operation_id else "")

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", f"### {title}", "", *body])

    section("Operations removed", [f"- **BREAKING** {op(o)}" for o in report.operations_removed])
    section(
        "Operations moved",
        [
            f"- {sev(m.severity)} {op(m.old)} → `{m.new.method} {m.new.path}`: {m.reason}"
            for m in report.operations_moved
        ],
    )
    section("Operations added", [f"- {op(o)}" for o in report.operations_added])
    section("Operations newly deprecated", [f"- {op(o)}" for o in report.operations_deprecated])
    body: list[str] = []
    for oc in report.operation_changes:
        body.append(f"- {op(oc.operation)}")
        body += [f"  - {sev(c.severity)} `{c.where}`: {_md_escape(c.message)}" for c in oc.changes]
    section("Operation changes", body)
    body = []
    for sc in report.shared_changes:
        body.append(f"- in {len(sc.operations)} operations: {_short(sc.operations)}")
        body += [f"  - {sev(c.severity)} `{c.where}`: {_md_escape(c.message)}" for c in sc.changes]
    section("Changes shared by several operations", body)
    section(
        "Component schemas added",
        [
            f"- `{r.name}`" + (f" — used by {_short(r.used_by)}" if r.used_by else "")
            for r in report.components_added
        ],
    )
    section(
        "Component schemas removed",
        [
            f"- {sev(r.severity)} `{r.name}`" + (f" — was used by {_short(r.used_by)}" if r.used_by else "")
            for r in report.components_removed
        ],
    )
    body = []
    for cc in report.component_changes:
        body.append(f"- `{cc.name}`")
        body += [
            f"  - {sev(c.severity)} `{c.where or '(schema)'}`: {_md_escape(c.message)}" for c in cc.changes
        ]
        if cc.used_in_requests:
            body.append(f"  - used in requests by: {_short(cc.used_in_requests)}")
        if cc.used_in_responses:
            body.append(f"  - used in responses by: {_short(cc.used_in_responses)}")
    section("Component schema changes", body)
    section(
        "Rate-limit tier routes without an operation",
        [f"- `{t.method} {t.path}` (tier {t.tier})" for t in report.tier_routes_missing],
    )
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: Format | str = "text") -> str:
    """Render a report as ``text`` (terminal), ``markdown`` (changelog) or ``json`` (tools)."""
    if fmt == "text":
        return _text(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r} (expected text, markdown or json)")


# ----------------------------------------------------------------------------------------------- CLI


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: not an OpenAPI document (expected a mapping)")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.spec_report",
        description="Report the API changes between two OpenAPI 3.0 specs.",
    )
    parser.add_argument("old", type=Path, help="old spec (JSON or YAML)")
    parser.add_argument("new", type=Path, help="new (patched) spec (JSON or YAML)")
    parser.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    parser.add_argument(
        "--tiers",
        type=Path,
        default=None,
        help="rate-limit tier table (overlay/front_client/tiers.json) to check coverage",
    )
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit with status 1 when a breaking change is reported",
    )
    args = parser.parse_args(argv)
    tiers = _load(args.tiers) if args.tiers else None
    report = compare(
        _load(args.old), _load(args.new), tiers, old_label=args.old.name, new_label=args.new.name
    )
    sys.stdout.write(render(report, args.format))
    return 1 if args.fail_on_breaking and report.has_breaking else 0


if __name__ == "__main__":
    raise SystemExit(main())
