"""Read access to one OpenAPI 3.0 document for the change report: ``$ref`` resolution, the operation
table keyed by ``(METHOD, path)``, and which operations reach which component schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from tools.spec_changes.model import HTTP_METHODS, SCHEMA_PREFIX, Context, SpecOperation


def ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            return ref[len(SCHEMA_PREFIX) :]
    return None


def path_template(path: str) -> str:
    """A path template with parameter names and the trailing slash dropped: /a/{x}/ -> /a/{}."""
    segments = [s for s in path.strip().rstrip("/").split("/")]
    return "/".join("{}" if re.fullmatch(r"\{[^}]*\}", s) else s for s in segments) or "/"


def path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


class SpecDocument:
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

    def op(self, key: tuple[str, str]) -> SpecOperation:
        op_id = self.operations[key].get("operationId")
        return SpecOperation(key[0], key[1], op_id if isinstance(op_id, str) else None)

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
                name = ref_name(n)
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
