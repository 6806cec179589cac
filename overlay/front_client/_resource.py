"""The runtime of the generated facade (``client.conversations.list()``): generic, never per endpoint.

Each generated namespace (``<package>.resources.<tag>``) is a subclass of :class:`SyncResource` or
:class:`AsyncResource` whose methods only name their operation (:class:`Operation`: the generated module,
the query and body argument names, the body model) and hand their arguments here. A call then is the
generated module's own ``_get_kwargs`` → the client's httpx client (auth, limiter, retries, errors) → the
module's own ``_parse_response``, so the generated code stays the one description of each operation.

``with_raw_response`` gives the same methods returning :class:`RawResponse` (status, headers, parsed).
"""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from front_core_api.types import File

from front_client.pagination import AsyncPaginator, Page, Paginator, _PagePlan

if TYPE_CHECKING:
    from front_client.client import AsyncFrontClient, FrontClient

__all__ = ["AsyncResource", "FileInput", "Operation", "RawResponse", "SyncResource"]

T = TypeVar("T")
# What an attachment argument takes: a path, the bytes, an open binary file, or the generated File.
FileInput = str | os.PathLike[str] | bytes | IO[bytes] | File


class Operation:
    """One generated operation as the facade calls it; its module and body model are imported on first use."""

    __slots__ = (
        "_model",
        "_module",
        "body_model",
        "body_required",
        "files",
        "method",
        "module_name",
        "query",
    )

    def __init__(
        self,
        module_name: str,
        method: str,
        *,
        query: tuple[str, ...] = (),
        body_model: str | None = None,
        body_required: bool = False,
        files: tuple[str, ...] = (),
    ) -> None:
        self.module_name = module_name
        self.method = method  # "conversations.update", for error messages
        self.query = query
        self.body_model = body_model  # "module_name.ClassName" under <package>.models
        self.body_required = body_required
        self.files = files
        self._module: ModuleType | None = None
        self._model: type | None = None

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self.module_name)
        return self._module

    @property
    def model(self) -> type:
        if self._model is None:
            assert self.body_model is not None
            module_name, _, class_name = self.body_model.rpartition(".")
            package = self.module_name.split(".", 1)[0]
            self._model = getattr(importlib.import_module(f"{package}.models.{module_name}"), class_name)
        return self._model

    def arguments(self, path: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of the module's ``_get_kwargs``: nothing for what the caller did not give."""
        arguments = dict(path)
        if self.body_model is None:  # explicit signature: None means "not given"
            arguments.update((k, v) for k, v in given.items() if v is not None)
            return arguments
        fields = dict(given)
        for name in self.query:
            value = fields.pop(name, None)
            if value is not None:
                arguments[name] = value
        model = self.model
        if len(fields) == 1 and isinstance(fields.get("body"), model):
            arguments["body"] = fields["body"]
        elif fields or self.body_required:
            for name in self.files:
                if name in fields:
                    fields[name] = _files(fields[name])
            try:
                arguments["body"] = model(**fields)
            except TypeError as error:
                raise TypeError(f"{self.method}(): {error} (the body is {model.__name__})") from None
        return arguments


def _file(value: Any) -> Any:
    if isinstance(value, File):
        return value
    if isinstance(value, bytes | bytearray):
        return File(payload=io.BytesIO(bytes(value)), file_name="attachment")
    if isinstance(value, str | os.PathLike):
        path = PurePath(os.fspath(value))
        with open(path, "rb") as handle:  # read now: nothing left open whatever happens to the request
            return File(payload=io.BytesIO(handle.read()), file_name=path.name)
    if hasattr(value, "read"):
        name = getattr(value, "name", None)
        return File(payload=value, file_name=PurePath(name).name if isinstance(name, str) else "attachment")
    raise TypeError(f"an attachment is a path, bytes or a binary file, not {type(value).__name__}")


def _files(value: Any) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return [_file(item) for item in value]
    return _file(value)


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """A call's HTTP response with its parsed result: ``status_code``, ``headers``, ``parsed``."""

    http_response: httpx.Response
    parsed: T

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def parse(self) -> T:
        return self.parsed


def _list_plan(
    client: Any, operation: Operation, arguments: dict[str, Any], max_items: int | None
) -> _PagePlan:
    limit = arguments.pop("limit", None)
    return _PagePlan(client, operation.module, arguments, limit, max_items)


class SyncResource:
    """Base of every generated sync namespace."""

    _raw = False

    def __init__(self, client: FrontClient) -> None:
        self._client = client

    def _call(self, operation: Operation, path: Mapping[str, Any], given: Mapping[str, Any]) -> Any:
        module = operation.module
        kwargs = module._get_kwargs(**operation.arguments(path, given))
        response = self._client.get_httpx_client().request(**kwargs)
        parsed = module._parse_response(client=self._client, response=response)
        return RawResponse(response, parsed) if self._raw else parsed

    def _list(
        self, operation: Operation, path: Mapping[str, Any], given: Mapping[str, Any], max_items: int | None
    ) -> Any:
        plan = _list_plan(self._client, operation, operation.arguments(path, given), max_items)
        http = self._client.get_httpx_client()
        if not self._raw:
            return Paginator(http, plan)
        cursor = plan.cursor()
        request = cursor.take_request()
        assert request is not None
        response = http.request(**request)
        return RawResponse(response, cursor.read(response))


class AsyncResource:
    """Base of every generated asyncio namespace."""

    _raw = False

    def __init__(self, client: AsyncFrontClient) -> None:
        self._client = client

    async def _call(self, operation: Operation, path: Mapping[str, Any], given: Mapping[str, Any]) -> Any:
        module = operation.module
        kwargs = module._get_kwargs(**operation.arguments(path, given))
        response = await self._client.get_async_httpx_client().request(**kwargs)
        parsed = module._parse_response(client=self._client, response=response)
        return RawResponse(response, parsed) if self._raw else parsed

    def _list(
        self, operation: Operation, path: Mapping[str, Any], given: Mapping[str, Any], max_items: int | None
    ) -> Any:
        plan = _list_plan(self._client, operation, operation.arguments(path, given), max_items)
        return AsyncPaginator(self._client.get_async_httpx_client(), plan)

    async def _first_page(
        self, operation: Operation, path: Mapping[str, Any], given: Mapping[str, Any], max_items: int | None
    ) -> RawResponse[Page[Any]]:
        plan = _list_plan(self._client, operation, operation.arguments(path, given), max_items)
        cursor = plan.cursor()
        request = cursor.take_request()
        assert request is not None
        response = await self._client.get_async_httpx_client().request(**request)
        return RawResponse(response, cursor.read(response))
