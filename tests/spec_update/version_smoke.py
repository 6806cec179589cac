"""Exercise a client generated from one version of Front's spec, against Prism serving that version.

Run in a fresh interpreter whose ``PYTHONPATH`` puts that version's ``front_core_api`` first (the
installed one is the pinned version's), so the overlay meets the generated code of *that* spec:

    PYTHONPATH=<folder holding front_core_api>:<repo root> \\
        python -m tests.spec_update.version_smoke <patched spec> <Prism URL>

Prints one JSON object: the number of endpoint modules, and per route what happened. The routes cover the
shapes the overlay must handle in every version: a paginated list, a path parameter, a Tier 2 write with a
JSON body, a PUT, a POST, a DELETE, and a binary download.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import types
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

ROUTES = (
    ("GET", "/conversations"),
    ("GET", "/conversations/{conversation_id}"),
    ("PATCH", "/conversations/{conversation_id}"),
    ("PUT", "/conversations/{conversation_id}/assignee"),
    ("POST", "/contacts"),
    ("GET", "/teammates"),
    ("DELETE", "/tags/{tag_id}"),
    ("GET", "/download/{attachment_link_id}"),
)
TOKEN = "version-smoke-token"


def import_everything() -> None:
    import front_core_api

    for info in pkgutil.walk_packages(front_core_api.__path__, "front_core_api."):
        importlib.import_module(info.name)


def declared_types(module: ModuleType) -> tuple[type, ...]:
    returned = typing.get_type_hints(module.sync)["return"]
    members = typing.get_args(returned) if isinstance(returned, types.UnionType) else (returned,)
    from front_core_api.types import Unset

    skip = (type(None), Unset, Any)  # Any: a documented status without a body
    return tuple(typing.get_origin(m) or m for m in members if m not in skip)


def call(module: ModuleType, builder: Any, operation: Any, client: Any) -> dict[str, Any]:
    positional, query, body = builder.call_arguments(operation)
    keywords: dict[str, Any] = dict(query)
    if body is not None:
        hint = typing.get_type_hints(module._get_kwargs)["body"]
        members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        model = next(m for m in members if isinstance(m, type) and hasattr(m, "from_dict"))
        keywords["body"] = model.from_dict(body)
    response = module.sync_detailed(*positional, client=client, **keywords)
    wanted = declared_types(module) if hasattr(module, "sync") else ()
    parsed = response.parsed
    return {
        "status": response.status_code,
        "violations": response.headers.get("sl-violations"),
        "parsed": type(parsed).__name__,
        "parsed_as_declared": not wanted or response.status_code == 204 or isinstance(parsed, wanted),
    }


def main(spec_file: str, base_url: str) -> dict[str, Any]:
    from front_client import FrontClient, FrontStatusError

    from tests.contract.builder import Builder, all_operations, endpoint_modules

    import_everything()
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    import front_core_api.api

    modules = endpoint_modules(front_core_api.api)
    operations = {(op.method.upper(), op.path): op for op in all_operations(spec)}
    builder = Builder(spec)
    results: dict[str, Any] = {}
    with FrontClient(TOKEN, base_url=base_url) as client:
        for route in ROUTES:
            key = " ".join(route)
            if route not in modules or route not in operations:
                results[key] = {"error": "route absent from this version"}
                continue
            try:
                results[key] = call(modules[route], builder, operations[route], client)
            except FrontStatusError as error:
                results[key] = {"error": str(error), "status": error.status}
    return {"endpoints": len(modules), "operations": len(operations), "calls": results}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
