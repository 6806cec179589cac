"""Generated operations as values: a module of ``front_core_api.api`` or any of its four functions.

:meth:`FrontClient.paginate` and :meth:`FrontClient.download` accept either and use the module's own
``_get_kwargs`` (the request, with ``extensions["front_operation"]``) and ``_parse_response`` (the typed
result), so the generated code stays the one description of each operation.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol, TypeVar

from front_client.errors import FrontClientError

__all__ = ["ListOperation", "OperationRef", "accepts", "is_list", "request_kwargs", "resolve"]

OperationRef = ModuleType | Callable[..., Any]
T = TypeVar("T")


class ListOperation(Protocol[T]):
    """A generated list operation (typing): ``client.paginate(list_conversations)`` yields its items."""

    def PAGE_ITEM(self, item: T, /) -> T: ...


_REQUIRED = ("_get_kwargs", "_parse_response")


def resolve(operation: OperationRef) -> ModuleType:
    """The generated module behind ``operation`` (itself, or the module defining the function)."""
    module = operation if isinstance(operation, ModuleType) else sys.modules.get(operation.__module__)
    if module is None or not all(callable(getattr(module, name, None)) for name in _REQUIRED):
        raise TypeError(
            f"{operation!r} is not a generated Front operation: pass a module of front_core_api.api "
            "(e.g. front_core_api.api.conversations.list_conversations) or one of its functions"
        )
    return module


def is_list(module: ModuleType) -> bool:
    """Whether the operation answers a page (``_results``), per its package's generated facade.

    A module of a package without a facade is let through (its first answer then tells)."""
    package = module.__name__.split(".", 1)[0]
    try:
        lists: frozenset[str] = importlib.import_module(f"{package}.resources").LIST_OPERATIONS
    except (ImportError, AttributeError):
        return True
    return module.__name__ in lists


def accepts(module: ModuleType, parameter: str) -> bool:
    """Whether the operation takes ``parameter`` (e.g. ``limit``)."""
    return parameter in inspect.signature(module._get_kwargs).parameters


def request_kwargs(module: ModuleType, arguments: dict[str, Any]) -> dict[str, Any]:
    """``httpx.Client.request`` keyword arguments for one call of the operation."""
    try:
        kwargs: dict[str, Any] = module._get_kwargs(**arguments)
    except FrontClientError:  # e.g. an invalid query object: already says what is wrong, and is ours
        raise
    except TypeError as error:  # a misspelt or missing argument: name the operation, not _get_kwargs
        message = str(error).replace("_get_kwargs()", f"{operation_id(module)}()")
        raise TypeError(f"{message} (its arguments: {', '.join(_parameters(module))})") from None
    return kwargs


def _parameters(module: ModuleType) -> list[str]:
    return list(inspect.signature(module._get_kwargs).parameters)


def operation_id(module: ModuleType) -> str:
    operation = getattr(module, "FRONT_OPERATION", None)
    if isinstance(operation, dict) and operation.get("operation_id"):
        return str(operation["operation_id"])
    return module.__name__.rsplit(".", 1)[-1]
