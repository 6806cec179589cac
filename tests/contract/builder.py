"""Build a valid, deterministic call for any operation of the patched spec, from its schemas alone.

The smallest instance that satisfies a schema: required properties only, the first enum value, the first
``oneOf``/``anyOf`` member, formats honoured. Deterministic, so re-recording a cassette gives the same body.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

JSON = Any
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_FORMAT_EXAMPLES = {
    "date-time": "2026-01-02T03:04:05Z",
    "date": "2026-01-02",
    "email": "someone@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    spec: dict[str, Any] = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def all_operations(spec: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method, path, item[method]["operationId"], item[method])
        for path, item in spec["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


def snake_case(name: str) -> str:
    """The generator's Python name for a parameter (enough for Front's names)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


class Builder:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def resolve(self, node: JSON) -> JSON:
        while isinstance(node, dict) and "$ref" in node:
            target: JSON = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def merged(self, schema: JSON) -> JSON:
        """allOf folded into one object schema (properties and required united)."""
        schema = self.resolve(schema)
        if "allOf" not in schema:
            return schema
        result: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(result.get("properties", {}))
        required = list(result.get("required", []))
        for part in schema["allOf"]:
            part = self.merged(part)
            properties.update(part.get("properties", {}))
            required += [r for r in part.get("required", []) if r not in required]
            for key in ("type", "enum", "format", "items"):
                if key in part and key not in result:
                    result[key] = part[key]
        if properties:
            result["properties"] = properties
            result.setdefault("type", "object")
        if required:
            result["required"] = required
        return result

    def instance(self, schema: JSON, depth: int = 0) -> JSON:
        schema = self.merged(schema)
        if depth > 12:
            raise RecursionError("schema nests too deep for a minimal instance")
        if "example" in schema and not isinstance(schema["example"], (dict, list)):
            example = schema["example"]
            if "enum" not in schema or example in schema["enum"]:
                return example
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                first = schema[keyword][0]
                if "properties" not in schema:
                    return self.instance(first, depth + 1)
                # Properties beside the union (a discriminated request): both parts, the tag set to match.
                instance = self.instance({k: v for k, v in schema.items() if k != keyword}, depth + 1)
                instance.update(self.instance(first, depth + 1))
                mapping = schema.get("discriminator", {}).get("mapping", {})
                tags = [tag for tag, ref in mapping.items() if ref == first.get("$ref")]
                if tags:
                    instance[schema["discriminator"]["propertyName"]] = tags[0]
                return instance
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties", {})
            return {
                name: self.instance(properties.get(name, {"type": "string"}), depth + 1)
                for name in schema.get("required", [])
            }
        if kind == "array":
            count = max(1, schema.get("minItems", 1))
            return [self.instance(schema.get("items", {"type": "string"}), depth + 1) for _ in range(count)]
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return max(1.5, schema.get("minimum", 1.5))
        if kind == "boolean":
            return True
        fmt = schema.get("format")
        if fmt in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[fmt]
        return "x" * max(1, schema.get("minLength", 1))

    def parameters(self, operation: Operation, path_item: dict[str, Any]) -> list[dict[str, Any]]:
        merged = {(p["name"], p["in"]): p for p in map(self.resolve, path_item.get("parameters", []))}
        merged.update(
            {(p["name"], p["in"]): p for p in map(self.resolve, operation.spec.get("parameters", []))}
        )
        return list(merged.values())

    def call_arguments(self, operation: Operation) -> tuple[list[str], dict[str, Any], JSON | None]:
        """Positional path arguments (in path order), required query keyword arguments, and a JSON body."""
        parameters = self.parameters(operation, self.spec["paths"][operation.path])
        path_values = {p["name"]: f"{p['name']}_1" for p in parameters if p["in"] == "path"}
        positional = [path_values.get(name, f"{name}_1") for name in re.findall(r"{([^}]+)}", operation.path)]
        keywords = {
            snake_case(p["name"]): self.instance(p.get("schema", {"type": "string"}))
            for p in parameters
            if p["in"] == "query" and p.get("required")
        }
        body = None
        request_body = self.resolve(operation.spec.get("requestBody", {}))
        content = request_body.get("content", {}).get("application/json")
        if content is not None:
            body = self.instance(content["schema"])
        return positional, keywords, body


def endpoint_modules(api_package: ModuleType) -> dict[tuple[str, str], ModuleType]:
    """Every generated endpoint module under ``api_package``, by (HTTP method, path template)."""
    modules = {}
    for info in pkgutil.walk_packages(api_package.__path__, f"{api_package.__name__}."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sync_detailed"):
            modules[(module.HTTP_METHOD, module.PATH_TEMPLATE)] = module
    return modules
