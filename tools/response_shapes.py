"""The response shapes ``front_client.testing``'s emulator answers with, written into the generated package.

For every operation of the patched spec: its success status, whether it answers JSON or bytes, and its
response schema; plus the component schemas those reference. Only structural keywords are kept (types,
properties, required, enums, formats, bounds, composition, discriminators): no description, summary,
example or title, so no documentation text of Front's reaches the file. Written as
``front_core_api/_response_shapes.json`` by ``tools/generate.py`` (build output, like the code beside it;
sorted keys, so the same spec gives the same bytes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE_NAME = "_response_shapes.json"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Keywords that say what a valid value is; everything else (description, example, title, x-...) is dropped.
STRUCTURAL = frozenset({
    "type", "properties", "required", "items", "enum", "nullable", "allOf", "anyOf", "oneOf", "$ref",
    "format", "additionalProperties", "minItems", "maxItems", "minimum", "maximum", "minLength",
    "maxLength", "pattern", "discriminator", "uniqueItems",
})  # fmt: skip
SCHEMA_REF = "#/components/schemas/"


def _structural(schema: Any) -> Any:
    """``schema`` with only the structural keywords, recursively (property names are kept as they are)."""
    if isinstance(schema, list):
        return [_structural(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in STRUCTURAL:
            continue
        if key == "properties":
            kept[key] = {name: _structural(sub) for name, sub in value.items()}
        elif key == "discriminator":
            kept[key] = {k: v for k, v in value.items() if k in ("propertyName", "mapping")}
        elif key == "additionalProperties" and isinstance(value, bool):
            kept[key] = value
        else:
            kept[key] = _structural(value)
    return kept


def _refs(schema: Any, into: set[str]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            into.add(ref.removeprefix(SCHEMA_REF))
        for value in schema.values():
            _refs(value, into)
    elif isinstance(schema, list):
        for value in schema:
            _refs(value, into)


def _holds_binary(spec: dict[str, Any], schema: Any, seen: set[str]) -> bool:
    """Whether a request body declares a file (``format: binary``) anywhere, through its references."""
    if isinstance(schema, list):
        return any(_holds_binary(spec, item, seen) for item in schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("format") == "binary":
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF) and ref not in seen:
        seen.add(ref)
        target = spec.get("components", {}).get("schemas", {}).get(ref.removeprefix(SCHEMA_REF))
        if _holds_binary(spec, target, seen):
            return True
    return any(_holds_binary(spec, value, seen) for value in schema.values())


def _resolve_response(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = spec["components"]["responses"][name]
    return response


def response_shapes(spec: dict[str, Any]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    wanted: set[str] = set()
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            statuses = sorted(code for code in operation.get("responses", {}) if str(code).startswith("2"))
            status = int(statuses[0]) if statuses else 200
            entry: dict[str, Any] = {"status": status, "media": None, "schema": None}
            if statuses:
                response = _resolve_response(spec, operation["responses"][statuses[0]])
                content = response.get("content") or {}
                if "application/json" in content:
                    entry["media"] = "application/json"
                    entry["schema"] = _structural(content["application/json"].get("schema"))
                elif content:
                    entry["media"] = "application/octet-stream"
            request_content = (operation.get("requestBody") or {}).get("content") or {}
            entry["takes_files"] = _holds_binary(spec, request_content, set())
            _refs(entry["schema"], wanted)
            operations[f"{method.upper()} {path}"] = entry
    schemas = spec.get("components", {}).get("schemas", {})
    kept: dict[str, Any] = {}
    pending = sorted(wanted)
    while pending:
        name = pending.pop()
        if name in kept or name not in schemas:
            continue
        kept[name] = _structural(schemas[name])
        found: set[str] = set()
        _refs(kept[name], found)
        pending.extend(sorted(found - kept.keys()))
    return {"operations": operations, "schemas": kept}


def write_response_shapes(spec: dict[str, Any], package: Path) -> Path:
    target = package / FILE_NAME
    text = json.dumps(response_shapes(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    target.write_text(text + "\n", encoding="utf-8")
    return target
