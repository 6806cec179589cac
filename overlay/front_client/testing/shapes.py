"""Schema-valid bodies for any operation, built from the shapes the generator wrote beside the client.

``front_core_api/_response_shapes.json`` (``tools/response_shapes.py``, build output) holds each operation's
success status and response schema with only structural keywords. :func:`build` makes one deterministic
value for a schema: every required property, the optional ones near the top, the first enum value, the
first member of a union (its discriminator set to match), one element per list near the top. The values
are made up here (``"name 1"``, ``1.0``); none comes from Front's documentation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["OperationShape", "Shapes", "load_shapes"]

_OPTIONAL_DEPTH = 3  # optional properties are filled down to this depth; deeper only the required ones
_LIST_DEPTH = 3  # lists get one element down to this depth; deeper they are empty
_MAX_DEPTH = 12
_PATTERN_SAMPLES = {
    r"^Custom Field:fld_[a-z0-9]+$": "Custom Field:fld_1",
    r"^Updated Custom Field:fld_[a-z0-9]+$": "Updated Custom Field:fld_1",
    r"^Time spent in Ticket Status:sts_[a-z0-9]+$": "Time spent in Ticket Status:sts_1",
    r"^Transitions to Ticket Status:sts_[a-z0-9]+$": "Transitions to Ticket Status:sts_1",
}


@dataclass(frozen=True)
class OperationShape:
    method: str
    path: str
    status: int
    media: str | None  # "application/json", "application/octet-stream" or None (no body)
    schema: Any
    takes_files: bool


class Shapes:
    """The shapes of one spec: ``operation(method, path)`` and ``build(schema)``."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document["schemas"]
        self.operations: dict[str, OperationShape] = {}
        for key, entry in document["operations"].items():
            method, path = key.split(" ", 1)
            self.operations[key] = OperationShape(
                method,
                path,
                entry["status"],
                entry["media"],
                entry["schema"],
                entry.get("takes_files", False),
            )

    def operation(self, method: str, path_template: str) -> OperationShape | None:
        return self.operations.get(f"{method.upper()} {path_template}")

    def build(self, schema: Any, *, base_url: str = "http://127.0.0.1", name: str = "value") -> Any:
        """One value valid for ``schema`` (deterministic)."""
        return _Builder(self.schemas, base_url).value(schema, name, 0)


class _Builder:
    def __init__(self, schemas: dict[str, Any], base_url: str) -> None:
        self.schemas = schemas
        self.base_url = base_url

    def resolve(self, schema: Any) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def value(self, schema: Any, name: str, depth: int) -> Any:
        schema = self.resolve(schema)
        if depth > _MAX_DEPTH:
            return None if schema.get("nullable") else self._minimal(schema)
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for member in schema["allOf"]:
                built = self.value(member, name, depth)
                if isinstance(built, dict):
                    merged.update(built)
                elif not merged:
                    return built
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            if rest.get("properties"):
                built = self.value(rest, name, depth)
                if isinstance(built, dict):
                    merged.update(built)
            return merged
        for union in ("oneOf", "anyOf"):
            if union in schema:
                return self._union(schema, union, name, depth)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, depth)
        if kind == "array":
            count = max(schema.get("minItems", 0), 1 if depth <= _LIST_DEPTH else 0)
            return [self.value(schema.get("items", {}), _singular(name), depth + 1) for _ in range(count)]
        if kind == "string":
            return self._string(schema, name)
        if kind == "integer":
            return int(max(schema.get("minimum", 1), 1) if "maximum" not in schema else schema["maximum"])
        if kind == "number":
            return float(schema.get("minimum", 1.0)) if "minimum" in schema else 1.0
        if kind == "boolean":
            return False
        return None if schema.get("nullable") else {}

    def _union(self, schema: dict[str, Any], union: str, name: str, depth: int) -> Any:
        members = schema[union]
        discriminator = schema.get("discriminator") or {}
        chosen = members[0]
        built = self.value(chosen, name, depth)
        prop = discriminator.get("propertyName")
        if prop and isinstance(built, dict):
            mapping = discriminator.get("mapping") or {}
            ref = chosen.get("$ref") if isinstance(chosen, dict) else None
            for key, target in mapping.items():
                if target == ref:
                    built[prop] = key
                    break
        return built

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or ())
        body: dict[str, Any] = {}
        for prop, sub in properties.items():
            if prop in required or depth < _OPTIONAL_DEPTH:
                body[prop] = self.value(sub, prop, depth + 1)
        return body

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "binary":
            return ""
        pattern = schema.get("pattern")
        if pattern:
            return _PATTERN_SAMPLES.get(pattern, _from_pattern(pattern))
        lowered = name.lower()
        if fmt in ("uri", "url") or lowered in ("self", "url", "related") or lowered.endswith("_url"):
            return f"{self.base_url}/{_singular(name)}"
        if fmt == "email" or lowered == "email":
            return "someone@example.com"
        if fmt == "date-time":
            return "2026-01-01T00:00:00Z"
        if fmt == "date":
            return "2026-01-01"
        text = f"{name} 1" if lowered != "id" else "id_1"
        if "maxLength" in schema:
            text = text[: schema["maxLength"]]
        if len(text) < schema.get("minLength", 0):
            text = text.ljust(schema["minLength"], "x")
        return text

    def _minimal(self, schema: dict[str, Any]) -> Any:
        kind = schema.get("type")
        return {"string": "", "integer": 0, "number": 0.0, "boolean": False, "array": []}.get(
            kind if isinstance(kind, str) else "", {}
        )


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def _from_pattern(pattern: str) -> str:
    # Only the simple "^literal:prefix_[a-z0-9]+$" form appears in Front's spec.
    match = re.fullmatch(r"\^([^\[\\]*)\[a-z0-9\]\+\$", pattern)
    return f"{match.group(1)}1" if match else "1"


@cache
def load_shapes(package: str = "front_core_api") -> Shapes:
    """The shapes of an installed generated package (``front_core_api`` or ``front_channel_api``); raises
    ``FileNotFoundError`` naming the file."""
    try:
        source = resources.files(package).joinpath("_response_shapes.json")
        text = source.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise FileNotFoundError(
            f"{package}/_response_shapes.json is missing: the generated package was built without it "
            "(regenerate with `make generate`)"
        ) from exc
    return Shapes(json.loads(text))
