"""The schema walk of the change report: two schema nodes in, the differences between them out.

Resolves ``$ref`` and merges ``allOf``; when both sides point at the *same* component schema the walk
stops there (that component is diffed once, at component level); when a reference switches to another
component, the two targets are diffed structurally at the place of the switch. ``{"$ref": X, "nullable":
true}`` (what Front publishes) and ``{"allOf": [{"$ref": X}], "nullable": true}`` (the OpenAPI 3.0 idiom
our patches write) are the same thing. Keywords the walk does not model (``maxLength``, ``pattern``,
``default``, ...) are compared with ``deepdiff`` (list order ignored), so no structural change goes
unreported. A change's severity depends on where its schema is used (``SEVERITY_BY_KIND``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff

from tools.spec_changes.document import SpecDocument, ref_name
from tools.spec_changes.model import SEVERITY_BY_KIND, Change, Context, Severity, change_key, worst

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


def _js(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped_ref(schema: Any) -> str | None:
    """The component a node stands for: ``$ref`` itself, or ``allOf`` with that single ``$ref``."""
    name = ref_name(schema)
    if name is not None or not isinstance(schema, dict):
        return name
    members = schema.get("allOf")
    structural = {"type", "properties", "items", "enum", "oneOf", "anyOf", "additionalProperties", "required"}
    if isinstance(members, list) and len(members) == 1 and not structural & set(schema):
        return ref_name(members[0])
    return None


def _flag(schema: Any, key: str) -> bool:
    return isinstance(schema, dict) and bool(schema.get(key))


def without_default(schema: Any) -> Any:
    if isinstance(schema, dict) and "default" in schema:
        return {k: v for k, v in schema.items() if k != "default"}
    return schema


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
class RawChange:
    kind: str
    where: str
    message: str


class SchemaDiff:
    def __init__(self, old: SpecDocument, new: SpecDocument) -> None:
        self.old = old
        self.new = new

    def view(self, spec: SpecDocument, schema: Any, depth: int = 0) -> _View:
        v = _View(nullable=_flag(schema, "nullable"))  # Front writes `nullable` next to `$ref`
        schema = spec.resolve(schema)
        if not isinstance(schema, dict):
            return v
        for member in schema.get("allOf") or []:
            if depth > 20:
                break
            origin = ref_name(member)
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
        out: list[RawChange],
        top: bool = False,
        seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """Compare two schema nodes. ``top``: the nodes are a component's own body (do not stop)."""
        old_ref, new_ref = ref_name(old), ref_name(new)
        wrapped = _wrapped_ref(old)
        if not top and wrapped is not None and wrapped == _wrapped_ref(new):
            # the same component on both sides (maybe as `allOf: [$ref]` + `nullable`, the OpenAPI 3.0
            # idiom for a nullable reference): its changes are reported once, at the component
            was, now = _flag(old, "nullable"), _flag(new, "nullable")
            if was != now:
                kind = "nullable-added" if now else "nullable-removed"
                out.append(
                    RawChange(kind, where or "(schema)", "became nullable" if now else "no longer nullable")
                )
            if where and _flag(new, "deprecated") and not _flag(old, "deprecated"):
                out.append(RawChange("property-deprecated", where, "deprecated"))
            return
        if old_ref != new_ref:
            if (old_ref or "", new_ref or "") in seen:
                return
            seen = seen | {(old_ref or "", new_ref or "")}
            if self._wrapped(old, new, where or "(schema)", out):
                return
            if old_ref and new_ref:
                out.append(
                    RawChange(
                        "ref-changed", where or "(schema)", f"schema `{old_ref}` replaced by `{new_ref}`"
                    )
                )
            elif old_ref or new_ref:
                desc = f"`{old_ref}` inlined" if old_ref else f"inline schema replaced by `{new_ref}`"
                out.append(RawChange("ref-changed", where or "(schema)", desc))
        vo, vn = self.view(self.old, old), self.view(self.new, new)
        at = where or "(schema)"

        if vo.type != vn.type and (vo.type or vn.type):
            out.append(RawChange("type-changed", at, f"type {vo.type or 'any'} → {vn.type or 'any'}"))
        elif vo.format != vn.format:
            out.append(RawChange("format-changed", at, f"format {vo.format or '-'} → {vn.format or '-'}"))
        if vo.nullable != vn.nullable:
            kind = "nullable-added" if vn.nullable else "nullable-removed"
            out.append(RawChange(kind, at, "became nullable" if vn.nullable else "no longer nullable"))
        if vn.deprecated and not vo.deprecated and where:
            out.append(RawChange("property-deprecated", at, "deprecated"))
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
                    out.append(RawChange("required-property-added", p_where, "required property added"))
                else:
                    out.append(RawChange("property-added", p_where, "property added"))
                continue
            if n is None and o is not None:
                if o_origin in shared_bases:
                    continue
                out.append(RawChange("property-removed", p_where, "property removed"))
                continue
            assert o is not None and n is not None
            if inherited and o_origin == n_origin:
                was, now = name in vo.required_inline, name in vn.required_inline
            else:
                was, now = name in vo.required, name in vn.required
                self.diff(o[0], n[0], p_where, out, seen=seen)
            if was != now:
                kind = "property-became-required" if now else "property-became-optional"
                out.append(RawChange(kind, p_where, "became required" if now else "became optional"))

        # composition
        for name in sorted(set(vn.all_of_refs) - set(vo.all_of_refs)):
            out.append(RawChange("composition-changed", at, f"allOf member `{name}` added"))
        for name in sorted(set(vo.all_of_refs) - set(vn.all_of_refs)):
            out.append(RawChange("composition-changed", at, f"allOf member `{name}` removed"))
        for kw in sorted(set(vo.variants) | set(vn.variants)):
            self._diff_variants(kw, vo.variants.get(kw, []), vn.variants.get(kw, []), where, out, seen)

        # containers
        if vo.items is not None or vn.items is not None:
            item_where = f"{where}[]"
            if vo.items is None or vn.items is None:
                out.append(
                    RawChange(
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

    def _wrapped(self, old: Any, new: Any, at: str, out: list[RawChange]) -> bool:
        """`X` became one variant of a oneOf/anyOf (widening), or the reverse (narrowing)."""
        for kw in ("oneOf", "anyOf"):
            for name, wrapper, kind in (
                (ref_name(old), self.new.resolve(new), "variant-added"),
                (ref_name(new), self.old.resolve(old), "variant-removed"),
            ):
                if not name or not isinstance(wrapper, dict) or not isinstance(wrapper.get(kw), list):
                    continue
                members = wrapper[kw]
                if not any(ref_name(m) == name for m in members):
                    continue
                verb = "widened to" if kind == "variant-added" else "narrowed from"
                out.append(RawChange("composition-changed", at, f"`{name}` {verb} a {kw} of {len(members)}"))
                for i, member in enumerate(members):
                    other = ref_name(member)
                    if other != name:
                        label = f"`{other}`" if other else f"inline #{i}"
                        out.append(
                            RawChange(
                                kind,
                                f"{at}.{kw}",
                                f"variant {label} " + ("added" if kind == "variant-added" else "removed"),
                            )
                        )
                return True
        return False

    @staticmethod
    def _diff_enum(vo: _View, vn: _View, at: str, out: list[RawChange]) -> None:
        if vo.enum is None and vn.enum is None:
            return
        if vo.enum is None:
            out.append(RawChange("enum-added", at, f"restricted to enum {_js(vn.enum)}"))
        elif vn.enum is None:
            out.append(RawChange("enum-removed", at, "enum restriction removed"))
        else:
            old_vals = {_js(x) for x in vo.enum}
            new_vals = {_js(x) for x in vn.enum}
            for val in sorted(new_vals - old_vals):
                out.append(RawChange("enum-value-added", at, f"enum value {val} added"))
            for val in sorted(old_vals - new_vals):
                out.append(RawChange("enum-value-removed", at, f"enum value {val} removed"))

    def _diff_variants(
        self,
        kw: str,
        old: list[Any],
        new: list[Any],
        where: str,
        out: list[RawChange],
        seen: frozenset[tuple[str, str]],
    ) -> None:
        at = f"{where}.{kw}" if where else kw
        old_named = {n for n in (ref_name(m) for m in old) if n}
        new_named = {n for n in (ref_name(m) for m in new) if n}
        for name in sorted(new_named - old_named):
            out.append(RawChange("variant-added", at, f"variant `{name}` added"))
        for name in sorted(old_named - new_named):
            out.append(RawChange("variant-removed", at, f"variant `{name}` removed"))
        old_inline = [m for m in old if not ref_name(m)]
        new_inline = [m for m in new if not ref_name(m)]
        for i, (o, n) in enumerate(zip(old_inline, new_inline, strict=False)):
            self.diff(o, n, f"{at}[{i}]", out, seen=seen)
        for i in range(len(old_inline), len(new_inline)):
            out.append(RawChange("variant-added", at, f"inline variant #{i} added"))
        for i in range(len(new_inline), len(old_inline)):
            out.append(RawChange("variant-removed", at, f"inline variant #{i} removed"))

    @staticmethod
    def _diff_residual(old: dict[str, Any], new: dict[str, Any], at: str, out: list[RawChange]) -> None:
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
            out.append(
                RawChange("default-changed" if key == "default" else "constraint-changed", at, message)
            )


def severity_in(kind: str, contexts: Iterable[Context]) -> Severity:
    request_sev, response_sev = SEVERITY_BY_KIND[kind]
    return worst(request_sev if ctx == "request" else response_sev for ctx in contexts)


def finish(raw: Iterable[RawChange], contexts: Sequence[Context]) -> list[Change]:
    changes = {Change(severity_in(r.kind, contexts), r.kind, r.where, r.message) for r in raw}
    return sorted(changes, key=change_key)


def finish_unused(raw: Iterable[RawChange]) -> list[Change]:
    """A component no operation reaches (in either spec): nothing can break, all is info."""
    return sorted({Change("info", r.kind, r.where, r.message) for r in raw}, key=change_key)
