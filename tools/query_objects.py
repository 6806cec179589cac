"""Front's query object ``q``, from its data file (spec/query-objects.yaml) to generated code.

``load`` reads and checks the file; ``resolve`` matches it against a patched spec: which operations take
which kind of query (``"GET /conversations"`` → ``"ConversationsQuery"``, for the endpoint template and the
facade), and each kind's properties with their values (``values_from`` read from the spec).
``write_query_module`` renders ``templates/query.py.jinja`` into ``<package>/query.py``: the TypedDicts users
import and the table of property forms ``front_client.query`` encodes from.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

FORMS = ("list", "timestamp", "string")
FILE_NAME = "query-objects.yaml"
MODULE = "query.py"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class QueryObjectsError(ValueError):
    """The data file is not what tools/query_objects.py reads (a key, a form, a name)."""


@dataclass
class Property:
    name: str
    form: str
    description: str
    values: list[str] | None = None  # None: any string
    alias: str | None = None
    values_from: str | None = None

    @property
    def value_type(self) -> str:
        if self.values is None:
            return "str"
        return self.alias or "Literal[" + ", ".join(json.dumps(v) for v in self.values) + "]"

    @property
    def annotation(self) -> str:
        if self.form == "list":
            return f"Sequence[{self.value_type}]"
        if self.form == "timestamp":
            return "Timestamp"
        return self.value_type

    @property
    def doc_lines(self) -> list[str]:
        return textwrap.wrap(_docstring_safe(self.description), 100)


@dataclass
class Kind:
    name: str
    description: str
    properties: list[Property] = field(default_factory=list)

    @property
    def doc_lines(self) -> list[str]:
        return textwrap.wrap(_docstring_safe(self.description), 104)


@dataclass
class QueryObjects:
    kinds: dict[str, Kind]
    operations: dict[str, str]  # "METHOD /path" → kind name


@dataclass
class Resolved:
    kinds: list[Kind]
    operations: dict[str, str]  # only those the spec has, each with a `q` query parameter
    notes: list[str]  # what was skipped, one sentence each


def _docstring_safe(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', "'''")


def _identifier(name: object, what: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise QueryObjectsError(f"{what} {name!r} is not a Python identifier")
    return name


def load(path: Path) -> QueryObjects:
    """The data file, checked; a missing file is an API without query objects."""
    if not path.exists():
        return QueryObjects(kinds={}, operations={})
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"kinds", "operations"}
    if unknown:
        raise QueryObjectsError(f"{path.name}: unknown top-level key(s) {sorted(unknown)}")
    kinds: dict[str, Kind] = {}
    for kind_name, body in (data.get("kinds") or {}).items():
        kind = Kind(_identifier(kind_name, "kind"), str(body.get("description", "")))
        for prop_name, spec in (body.get("properties") or {}).items():
            where = f"{kind_name}.{prop_name}"
            unknown = set(spec) - {"form", "values", "values_from", "alias", "description"}
            if unknown:
                raise QueryObjectsError(f"{where}: unknown key(s) {sorted(unknown)}")
            if spec.get("form") not in FORMS:
                raise QueryObjectsError(f"{where}: form must be one of {', '.join(FORMS)}")
            if "values" in spec and "values_from" in spec:
                raise QueryObjectsError(f"{where}: values or values_from, not both")
            values = spec.get("values")
            if values is not None and (not values or not all(isinstance(v, str) for v in values)):
                raise QueryObjectsError(f"{where}: values must be a non-empty list of strings")
            kind.properties.append(
                Property(
                    name=_identifier(prop_name, "property"),
                    form=spec["form"],
                    description=str(spec.get("description", "")),
                    values=list(values) if values is not None else None,
                    alias=_identifier(spec["alias"], "alias") if "alias" in spec else None,
                    values_from=spec.get("values_from"),
                )
            )
        kinds[kind_name] = kind
    operations: dict[str, str] = {}
    for key, kind_name in (data.get("operations") or {}).items():
        if kind_name not in kinds:
            raise QueryObjectsError(f"{key}: unknown kind {kind_name!r} (one of {', '.join(kinds)})")
        method, _, route = str(key).partition(" ")
        if method.upper() != method or not route.startswith("/"):
            raise QueryObjectsError(f"{key!r}: an operation is written 'GET /path', as in the spec")
        operations[str(key)] = kind_name
    return QueryObjects(kinds=kinds, operations=operations)


def _pointer(spec: dict[str, Any], pointer: str) -> Any:
    node: Any = spec
    for part in pointer.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _has_query_object(spec: dict[str, Any], key: str) -> bool:
    method, _, route = key.partition(" ")
    item = spec.get("paths", {}).get(route) or {}
    operation = item.get(method.lower())
    if not isinstance(operation, dict):
        return False
    parameters = list(operation.get("parameters", [])) + list(item.get("parameters", []))
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = _pointer(spec, parameter["$ref"]) or {}
        if parameter.get("name") == "q" and parameter.get("in") == "query":
            return True
    return False


def resolve(objects: QueryObjects, spec: dict[str, Any]) -> Resolved:
    """The kinds with their values read from ``spec``, and the operations of ``spec`` that take each."""
    notes: list[str] = []
    operations: dict[str, str] = {}
    for key, kind_name in objects.operations.items():
        if _has_query_object(spec, key):
            operations[key] = kind_name
        else:
            notes.append(f"query object: the spec has no {key} with a q parameter (skipped)")
    kinds: list[Kind] = []
    for kind in objects.kinds.values():
        resolved = Kind(kind.name, kind.description)
        for prop in kind.properties:
            values = prop.values
            if prop.values_from is not None:
                found = _pointer(spec, prop.values_from)
                if isinstance(found, list) and found and all(isinstance(v, str) for v in found):
                    values = list(found)
                else:
                    notes.append(
                        f"query object: {kind.name}.{prop.name}: no enum at {prop.values_from} (str)"
                    )
            resolved.properties.append(
                Property(prop.name, prop.form, prop.description, values, prop.alias if values else None)
            )
        kinds.append(resolved)
    return Resolved(kinds=kinds, operations=operations, notes=notes)


def unlisted(objects: QueryObjects, spec: dict[str, Any]) -> list[str]:
    """The spec's operations with a ``q`` query parameter that the data file does not list."""
    found = []
    for route, item in spec.get("paths", {}).items():
        for method in item:
            key = f"{method.upper()} {route}"
            if (
                isinstance(item[method], dict)
                and _has_query_object(spec, key)
                and key not in objects.operations
            ):
                found.append(key)
    return sorted(found)


def write_query_module(resolved: Resolved, package_dir: Path, templates: Path, package: str) -> Path:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    aliases = {p.alias: p.values for k in resolved.kinds for p in k.properties if p.alias and p.values}
    text = environment.get_template("query.py.jinja").render(
        kinds=resolved.kinds,
        aliases=aliases,
        operations=resolved.operations,
        package=package,
        json=json.dumps,
    )
    target = package_dir / MODULE
    target.write_text(text, encoding="utf-8")
    return target
