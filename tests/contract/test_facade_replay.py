"""Every operation of the patched spec, through the facade (``client.<namespace>.<method>``), on the same
cassettes as test_operations.py: the facade sends exactly what the generated function sends.

List operations are called through ``with_raw_response`` (the first page only: Prism's ``next`` links are
random and not recorded).
"""

from __future__ import annotations

from typing import Any

import pytest
from front_client import AsyncFrontClient, FrontClient, FrontStatusError
from front_client.pagination import Page
from front_core_api.resources import FACADE_METHODS, LIST_OPERATIONS, NAMESPACES

from .builder import Operation
from .conftest import CASSETTES, PRISM_URL, client_token
from .test_operations import (
    ALL_OPERATIONS,
    MODULES,
    OPERATIONS,
    call_arguments,
    clock_options,
    expected_types,
    module_for,
    raise_with_violations,
    require_cassette,
)


def _target(client: Any, operation: Operation) -> tuple[Any, bool]:
    namespace, method = FACADE_METHODS[operation.operation_id].split(".")
    is_list = module_for(operation).__name__ in LIST_OPERATIONS
    resource = getattr(client, namespace)
    return getattr(resource.with_raw_response if is_list else resource, method), is_list


def _check(operation: Operation, result: Any, is_list: bool) -> None:
    if is_list:
        assert 200 <= result.status_code < 300
        page = result.parsed
        assert isinstance(page, Page)
        assert all(hasattr(item, "to_dict") for item in page.items), f"{operation.key}: items not models"
        return
    wanted = expected_types(module_for(operation))
    if wanted is None:
        assert result is None, f"{operation.key}: {result!r}"
    elif result is not None:  # a 204 where the spec also declares a body
        assert isinstance(result, wanted), f"{operation.key}: {type(result)} is not {wanted}"


@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTES / "operations")  # the cassettes of test_operations.py, replayed


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    operation: Operation = request.node.callspec.params["operation"]
    return operation.operation_id


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation_through_the_facade(operation: Operation, request: pytest.FixtureRequest) -> None:
    require_cassette(request, operation.operation_id)
    positional, keywords = call_arguments(operation, module_for(operation))
    with FrontClient(client_token(), base_url=PRISM_URL, **clock_options(False)) as client:
        method, is_list = _target(client, operation)
        try:
            result = method(*positional, **keywords)
        except FrontStatusError as error:
            raise_with_violations(operation, error)
    _check(operation, result, is_list)


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
async def test_operation_through_the_async_facade(
    operation: Operation, request: pytest.FixtureRequest
) -> None:
    require_cassette(request, operation.operation_id)
    positional, keywords = call_arguments(operation, module_for(operation))
    async with AsyncFrontClient(client_token(), base_url=PRISM_URL, **clock_options(True)) as client:
        method, is_list = _target(client, operation)
        try:
            result = await method(*positional, **keywords)
        except FrontStatusError as error:
            raise_with_violations(operation, error)
    _check(operation, result, is_list)


def test_every_operation_is_reachable_through_the_facade() -> None:
    assert len(FACADE_METHODS) == len(ALL_OPERATIONS) == len(MODULES)
    assert set(FACADE_METHODS) == {op.operation_id for op in ALL_OPERATIONS}
    for flavour in (FrontClient, AsyncFrontClient):
        client = flavour("token", limiter=False)
        for dotted in FACADE_METHODS.values():
            namespace, method = dotted.split(".")
            assert namespace in NAMESPACES
            assert callable(getattr(getattr(client, namespace), method)), f"{flavour.__name__}.{dotted}"
            assert callable(getattr(getattr(client, namespace).with_raw_response, method))
