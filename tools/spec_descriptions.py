"""The spec's own words for an operation's parameters, for the generated docstrings (endpoint modules and
the facade), so an IDE hover on an argument says what it means.

openapi-python-client documents a parameter with its *schema's* description; Front writes it on the
parameter object (``components/parameters/limit.description``), so the generator leaves ``Args`` bare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def one_line(text: Any) -> str:
    """A description on one line (docstrings wrap it themselves)."""
    return " ".join(str(text or "").split())


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            )
        if target is None:
            return node
        node = target
    return node


def parameter_descriptions(spec: Mapping[str, Any], path: str, method: str) -> dict[str, str]:
    """Wire name → description of each parameter of ``METHOD path`` that has one (the operation's own
    parameters win over the path item's; a schema's description stands in for a missing one)."""
    item = _resolve(spec, spec.get("paths", {}).get(path, {}))
    operation = item.get(method.lower(), {}) if isinstance(item, dict) else {}
    described: dict[str, str] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = _resolve(spec, raw)
        if not isinstance(parameter, dict) or "name" not in parameter:
            continue
        schema = _resolve(spec, parameter.get("schema"))
        text = parameter.get("description") or (schema.get("description") if isinstance(schema, dict) else "")
        if one_line(text):
            described[str(parameter["name"])] = one_line(text)
    return described
