"""Apply our patches (spec/patches.overlay.yaml, an OpenAPI Overlay 1.0 document) to Front's spec.

Each action is data: a JSONPath ``target``, a one-line ``description`` (the reason), an ``x-id`` (its name),
and either Overlay's ``update`` / ``remove``, or ``x-transform``: one of the small named rewrites below
for defects that Overlay's merge cannot express (e.g. moving a ``$ref`` under ``allOf``). Targets are
written as rules (JSONPath filters), so they also fix paths that do not exist yet. An action whose target
matches nothing is reported by name: a vanished target is a warning, never a crash.

Actions marked ``x-guard: true`` are generic rules for constructs that openapi-python-client refuses (an
array without ``items``, an enum of mixed types, a media type it cannot read or send, a default its own
schema rejects, an optional path parameter): the generator would drop the schema, the response or the
whole operation. They usually match nothing, which is not reported as a vanished target; what they
change is counted.

After the patches, each operation gets ``x-front-rate-limit-tier`` from the overlay's tier table
(overlay/front_client/tiers.json), so the generated docstrings and the limiter read one table. The result
is validated with openapi-spec-validator before it is written.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[1]
PATCHES_FILE = ROOT / "spec" / "patches.overlay.yaml"
TIERS_FILE = ROOT / "overlay" / "front_client" / "tiers.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

JSON = Any


@dataclass(frozen=True)
class ActionResult:
    action_id: str
    description: str
    matched: int
    changed: int = 0  # nodes the action rewrote (a transform may find a matched node already fine)
    guard: bool = False  # a rule for a construct that may appear: matching nothing is normal

    @property
    def vanished(self) -> bool:
        return not self.matched and not self.guard


def _ref_siblings_to_allof(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """``{$ref, nullable: true}``, ``{$ref, required: [...]}``: OpenAPI 3.0 ignores siblings of $ref, so
    the null or the requirement would be lost; under ``allOf`` they apply."""
    rest = {k: v for k, v in node.items() if k != "$ref"}
    return {"allOf": [{"$ref": node["$ref"]}], **rest}


def _drop_undefined_required(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """Names listed in ``required`` but never defined in ``properties`` describe nothing we can type."""
    defined = node.get("properties", {})
    kept = [name for name in node["required"] if name in defined]
    patched = dict(node)
    if kept:
        patched["required"] = kept
    else:
        del patched["required"]
    return patched


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def _hoist_union_member_objects(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """Inline objects nested in an inline oneOf/anyOf member make the generator emit one model twice
    (a duplicate-name error that drops the schema); give each nested object its own component."""
    component = str(pointer.parts[-1])
    schemas = document["components"]["schemas"]
    patched = copy.deepcopy(node)
    for keyword in ("oneOf", "anyOf"):
        for member in patched.get(keyword, []):
            for prop_name, prop in member.get("properties", {}).items():
                if prop.get("type") == "object" and "properties" in prop:
                    name = f"{component}{_pascal(prop_name)}"
                    if name in schemas and schemas[name] != prop:
                        raise ValueError(f"cannot hoist {component}.{prop_name}: {name} already exists")
                    schemas[name] = prop
                    member["properties"][prop_name] = {"$ref": f"#/components/schemas/{name}"}
    return patched


Transform = Callable[[JSON, jsonpath.JSONPointer, JSON], JSON]

# What openapi-python-client 0.29 can read in a response and send in a request body
# (parser/responses.py::_source_by_content_type, parser/bodies.py).
_SENDABLE_MEDIA_TYPES = frozenset(
    {
        "application/json",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }
)
_ENUM_VALUE_TYPES = ({str}, {int}, {bool})
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _media_type(name: str) -> str | None:
    """The generator's reading of a media type name; None where it would not recognise it."""
    parsed = name.split(";", 1)[0].strip().lower()
    return parsed if name.startswith(parsed) and "/" in parsed else None


def _readable_response_type(name: str) -> bool:
    parsed = _media_type(name)
    return parsed is not None and (
        parsed.startswith("text/") or parsed.endswith("+json") or parsed in _SENDABLE_MEDIA_TYPES - {
            "application/x-www-form-urlencoded", "multipart/form-data"}
    )  # fmt: skip


def _sendable_request_type(name: str) -> bool:
    parsed = _media_type(name)
    return parsed is not None and (parsed.endswith("+json") or parsed in _SENDABLE_MEDIA_TYPES)


def _readable_as_bytes(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """A response whose every media type the generator cannot read (``application/xml``, ``image/png``)
    is dropped from the client; declaring it also as ``application/octet-stream`` returns its bytes."""
    if not isinstance(node, dict) or not node or any(_readable_response_type(name) for name in node):
        return node
    return {**node, "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


def _drop_unsendable_media_types(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """A request body offering a media type the generator cannot send (``text/plain``) beside one it can
    drops the whole operation; keep the ones it can send. (With none it can send, the generator's warning
    fails the build and names the operation.)"""
    if not isinstance(node, dict):
        return node
    sendable = {name: media for name, media in node.items() if _sendable_request_type(name)}
    return sendable if sendable and len(sendable) < len(node) else node


def _drop_unsupported_enum(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """The generator types an enum only when all its values are strings, or all integers (or booleans);
    a mixed (``["a", 1]``) or a float enum drops the schema. Without the enum, the type still applies."""
    values = node.get("enum")
    if not isinstance(values, list):
        return node  # a properties map with a property named "enum"
    kinds = {type(value) for value in values if value is not None}
    if not kinds or kinds in _ENUM_VALUE_TYPES:
        return node
    return {k: v for k, v in node.items() if k != "enum"}


def _default_fits(schema: JSON, value: JSON) -> bool:
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        return False
    kind = schema.get("type")
    if value is None:
        return bool(schema.get("nullable")) or kind is None
    if isinstance(kind, str) and kind in _JSON_TYPES:
        if isinstance(value, bool) and kind != "boolean":
            return False
        if not isinstance(value, _JSON_TYPES[kind]):
            return False
    if kind == "string" and schema.get("format") in ("date", "date-time"):
        try:
            parse = dt.date.fromisoformat if schema["format"] == "date" else dt.datetime.fromisoformat
            parse(value.replace("Z", "+00:00") if schema["format"] == "date-time" else value)
        except ValueError:
            return False
    return True


def _drop_invalid_default(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """A default its own schema rejects (not one of the enum, ``"many"`` for an integer, ``"yesterday"``
    for a date-time) makes the generator drop the parameter's whole operation, or the model."""
    if not isinstance(node, dict) or not isinstance(node.get("type", ""), str) or "$ref" in node:
        return node  # a properties map with a property named "default", or a reference
    if isinstance(node.get("default"), dict) and "type" not in node and "enum" not in node:
        return node
    if _default_fits(node, node["default"]):
        return node
    return {k: v for k, v in node.items() if k != "default"}


def _one_of_to_any_of(document: JSON, pointer: jsonpath.JSONPointer, node: JSON) -> JSON:
    """``oneOf`` demands exactly one match; members that overlap (a teammate is also a valid inbox object)
    make real values invalid. ``anyOf`` is what such a union means; a discriminator still applies."""
    patched = {k: v for k, v in node.items() if k != "oneOf"}
    patched["anyOf"] = node["oneOf"]
    return patched


TRANSFORMS: dict[str, Transform] = {
    "ref-siblings-to-allof": _ref_siblings_to_allof,
    "one-of-to-any-of": _one_of_to_any_of,
    "drop-undefined-required": _drop_undefined_required,
    "hoist-union-member-objects": _hoist_union_member_objects,
    "readable-as-bytes": _readable_as_bytes,
    "drop-unsendable-media-types": _drop_unsendable_media_types,
    "drop-unsupported-enum": _drop_unsupported_enum,
    "drop-invalid-default": _drop_invalid_default,
}


def _merge(target: JSON, update: JSON) -> JSON:
    """Overlay 1.0 update: objects merge recursively, arrays get the value appended, scalars are replaced."""
    if isinstance(target, dict) and isinstance(update, dict):
        merged = dict(target)
        for key, value in update.items():
            merged[key] = _merge(merged[key], value) if key in merged else copy.deepcopy(value)
        return merged
    if isinstance(target, list):
        return [*target, *(update if isinstance(update, list) else [update])]
    return copy.deepcopy(update)


def _set_at(document: JSON, pointer: jsonpath.JSONPointer, value: JSON) -> None:
    parent: JSON = pointer.parent().resolve(document) if pointer.parts else None
    if parent is None:
        raise ValueError("an action cannot replace the whole document")
    key = pointer.parts[-1]
    parent[int(key) if isinstance(parent, list) else key] = value


def _remove_at(document: JSON, pointer: jsonpath.JSONPointer) -> None:
    parent: JSON = pointer.parent().resolve(document)
    key = pointer.parts[-1]
    del parent[int(key) if isinstance(parent, list) else key]


def _inside_example(pointer: jsonpath.JSONPointer) -> bool:
    """Whether the node is part of an ``example``/``examples`` value (data, not a schema)."""
    parts = [str(part) for part in pointer.parts]
    return any(
        part in ("example", "examples") and (i == 0 or parts[i - 1] != "properties")
        for i, part in enumerate(parts)
    )


def apply_overlay(document: JSON, overlay: JSON) -> list[ActionResult]:
    """Apply every action in order, in place. Returns what each action matched."""
    results = []
    for index, action in enumerate(overlay.get("actions", [])):
        action_id = action.get("x-id", f"action #{index + 1}")
        guard = bool(action.get("x-guard", False))
        pointers = [match.pointer() for match in jsonpath.finditer(action["target"], document)]
        if guard:  # a generic rule reads schemas; an example value that looks like one is left alone
            pointers = [pointer for pointer in pointers if not _inside_example(pointer)]
        # Later siblings first, so removing array items keeps the earlier pointers valid.
        pointers.sort(
            key=lambda p: [int(x) if isinstance(x, int) or str(x).isdigit() else -1 for x in p.parts],
            reverse=True,
        )
        changed = 0
        for pointer in pointers:
            if action.get("remove"):
                _remove_at(document, pointer)
                changed += 1
            elif "x-transform" in action:
                transform = TRANSFORMS[action["x-transform"]]
                before = pointer.resolve(document)
                after = transform(document, pointer, before)
                if after is not before:
                    _set_at(document, pointer, after)
                    changed += 1
            elif "update" in action:
                _set_at(document, pointer, _merge(pointer.resolve(document), action["update"]))
                changed += 1
            else:
                raise ValueError(f"patch {action_id!r} has neither update, remove nor x-transform")
        results.append(ActionResult(action_id, action.get("description", ""), len(pointers), changed, guard))
    return results


def _path_matches(template: str, path: str) -> bool:
    want, have = template.strip("/").split("/"), path.strip("/").split("/")
    return len(want) == len(have) and all(
        w == h or (w.startswith("{") and h.startswith("{")) for w, h in zip(want, have, strict=True)
    )


def annotate_tiers(document: JSON, tier_table: JSON | None) -> int:
    """Write ``x-front-rate-limit-tier`` on each operation the tier table names; returns how many."""
    annotated = 0
    if tier_table is None:  # an API without burst tiers
        return 0
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for route in tier_table["routes"]:
                if route["method"].lower() == method and _path_matches(route["path"], path):
                    tier = str(route["tier"])
                    rate = tier_table["tiers"][tier]
                    operation["x-front-rate-limit-tier"] = {
                        "tier": tier,
                        "requests": rate["requests"],
                        "per_seconds": rate["per_seconds"],
                    }
                    annotated += 1
                    break
    return annotated


def patch(spec: JSON, overlay: JSON, tier_table: JSON | None) -> tuple[JSON, list[ActionResult], int]:
    patched = copy.deepcopy(spec)
    results = apply_overlay(patched, overlay)
    tiered = annotate_tiers(patched, tier_table)
    validate(patched)
    return patched, results, tiered


class SpecFileError(ValueError):
    """The input is not an OpenAPI document at all (empty, not JSON, not an object)."""


def load_spec(source: Path) -> JSON:
    """Front's spec from ``source``, or :class:`SpecFileError` saying in one line why it cannot be one."""
    text = source.read_text(encoding="utf-8")
    if not text.strip():
        raise SpecFileError(f"{source} is empty: not an OpenAPI document (a failed download or copy?)")
    try:
        spec = json.loads(text)
    except ValueError as exc:
        raise SpecFileError(f"{source} is not JSON ({exc}): not an OpenAPI document") from exc
    if not isinstance(spec, dict) or "openapi" not in spec:
        raise SpecFileError(f"{source} is JSON but not an OpenAPI document (no top-level 'openapi' field)")
    return spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--patches", type=Path, default=PATCHES_FILE)
    parser.add_argument("--tiers", type=Path, default=TIERS_FILE)
    args = parser.parse_args(argv)

    try:
        spec = load_spec(args.source)
    except SpecFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    overlay = yaml.safe_load(args.patches.read_text(encoding="utf-8"))
    tier_table = json.loads(args.tiers.read_text(encoding="utf-8"))
    try:
        patched, results, tiered = patch(spec, overlay, tier_table)
    except Exception as exc:  # validator errors are long; name the step
        print(f"error: the patched spec is not valid OpenAPI: {exc}", file=sys.stderr)
        return 1
    for result in results:
        if result.guard:
            status = f"{result.changed:4d} changed"
        else:
            status = f"{result.matched:4d} matched" if result.matched else "   VANISHED"
        print(f"patch {status}  {result.action_id}: {result.description}")
    vanished = [r.action_id for r in results if r.vanished]
    if vanished:
        print(f"warning: {len(vanished)} patch target(s) vanished from this spec: {', '.join(vanished)}")
    print(f"tiers: {tiered} operation(s) annotated from {args.tiers.name}")
    text = json.dumps(patched, indent=2, ensure_ascii=False) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
