"""The list operations that take Front's query object, found from the generated package (not typed here),
and an emulator that answers every list with one empty page while recording what it was sent."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import front_core_api.api
import front_core_api.resources
import pytest
from front_client._resource import Operation
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator
from front_core_api.query import QUERY_OBJECTS

TOKEN = "tok_query_5e3b"


@dataclass(frozen=True)
class QueryOperation:
    key: str  # "GET /inboxes/{inbox_id}/conversations"
    kind: str  # "ConversationsQuery"
    module: ModuleType  # the generated operation
    facade: str  # "inboxes.list_conversations" (client.<namespace>.<method>)
    path_parameters: tuple[str, ...]

    @property
    def ids(self) -> list[str]:
        return [f"id_{n}" for n, _ in enumerate(self.path_parameters)]

    def facade_method(self, client: Any) -> Any:
        namespace, method = self.facade.split(".")
        return getattr(getattr(client, namespace), method)


def _operation_modules() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(front_core_api.api.__path__, "front_core_api.api."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        found[f"{module.HTTP_METHOD} {module.PATH_TEMPLATE}"] = module
    return found


def _facade_methods() -> dict[str, str]:
    """Generated module name → ``namespace.method``, from the facade's own Operation records."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(front_core_api.resources.__path__):
        module = importlib.import_module(f"front_core_api.resources.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Operation):
                found[value.module_name] = value.method
    return found


def _query_operations() -> list[QueryOperation]:
    modules = _operation_modules()
    facade = _facade_methods()
    operations = []
    for key, kind in QUERY_OBJECTS.items():
        module = modules[key]
        signature = inspect.signature(module.sync_detailed)
        path = tuple(name for name, p in signature.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD)
        operations.append(QueryOperation(key, kind, module, facade[module.__name__], path))
    return operations


QUERY_OPERATIONS = _query_operations()


def _empty_page(request: EmulatorRequest) -> EmulatorResponse:
    return EmulatorResponse(
        200, {"_pagination": {"next": None}, "_links": {"self": request.path}, "_results": []}
    )


@pytest.fixture
def emulator() -> Iterator[FrontEmulator]:
    with FrontEmulator(stateful=False, fallback=_empty_page) as front:
        yield front


def sent_query(request: EmulatorRequest) -> dict[str, list[str]]:
    """The query object part of what a request sent (q and q[...] parameters)."""
    return {name: values for name, values in request.query.items() if name == "q" or name.startswith("q[")}
