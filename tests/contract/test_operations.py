"""One contract test per operation of the patched spec, replayed from cassettes recorded against Prism.

Prism (serving our patched spec) refuses a request that breaks the spec with a 4xx and an `sl-violations`
header, so a recorded 2xx proves the request we built matched the spec. Each call goes through
`FrontClient` (auth, limiter, retries, errors) and the generated function, and must parse into the type
the spec declares. A new operation in the spec gets a test here, and fails until its cassette is recorded.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import front_core_api.api
import pytest
from front_client import AsyncFrontClient, FrontClient, FrontStatusError
from front_core_api.types import Response, Unset

from tests.support.clocked import clocked

from .builder import Builder, Operation, all_operations, endpoint_modules
from .conftest import LIVE, PATCHED_SPEC, PRISM_URL, client_token
from .fakes import FakeClock

SPEC: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8")) if PATCHED_SPEC.exists() else {}
ALL_OPERATIONS = all_operations(SPEC) if SPEC else []
BUILDER = Builder(SPEC)


def live_safe(operation: Operation) -> bool:
    """What ``make record-live`` may send to a real company: reads that need no ID of a real resource."""
    return operation.method == "get" and "{" not in operation.path


OPERATIONS = [op for op in ALL_OPERATIONS if live_safe(op)] if LIVE else ALL_OPERATIONS


MODULES = endpoint_modules(front_core_api.api)


def _model_classes(annotation: Any) -> list[type[Any]]:
    members = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    return [m for m in members if isinstance(m, type) and hasattr(m, "from_dict")]


def call_arguments(operation: Operation, module: ModuleType) -> tuple[list[str], dict[str, Any]]:
    positional, query, body = BUILDER.call_arguments(operation)
    hints = typing.get_type_hints(module._get_kwargs)
    missing = [name for name in query if name not in hints]
    assert not missing, f"{operation.key}: query parameters {missing} not in {module.__name__}._get_kwargs"
    keywords: dict[str, Any] = dict(query)
    if body is not None:
        models = _model_classes(hints["body"])
        assert models, f"{operation.key}: no model class for the body ({hints['body']})"
        keywords["body"] = models[0].from_dict(body)
    return positional, keywords


def expected_types(module: ModuleType) -> tuple[type, ...] | None:
    """What ``sync`` declares it returns (None when the operation has no parsed body)."""
    if not hasattr(module, "sync"):
        return None
    returned = typing.get_type_hints(module.sync)["return"]
    members = typing.get_args(returned) if isinstance(returned, types.UnionType) else (returned,)
    skip = (type(None), Unset, Any)  # Any: a documented status without a body, e.g. a 301 redirect
    found = tuple(typing.get_origin(m) or m for m in members if m not in skip)
    return found or None


def check_response(operation: Operation, module: ModuleType, response: Response[Any]) -> None:
    violations = response.headers.get("sl-violations")
    assert violations is None, f"{operation.key}: Prism reports spec violations: {violations}"
    assert 200 <= response.status_code < 300, f"{operation.key}: {response.status_code}"
    wanted = expected_types(module)
    if wanted is None or response.status_code == 204:
        return
    assert response.parsed is not None, f"{operation.key}: parsed as None"
    assert isinstance(response.parsed, wanted), f"{operation.key}: {type(response.parsed)} is not {wanted}"
    if wanted != (bytes,):
        assert not isinstance(response.parsed, dict), f"{operation.key}: a raw dict where a model is declared"


def module_for(operation: Operation) -> ModuleType:
    module = MODULES.get((operation.method.upper(), operation.path))
    assert module is not None, f"{operation.key}: no generated module"
    return module


def require_cassette(request: pytest.FixtureRequest, name: str) -> None:
    if request.config.getoption("--record-mode") in (None, "none"):
        cassette = Path(request.getfixturevalue("vcr_cassette_dir")) / f"{name}.yaml"
        if not cassette.exists():
            pytest.fail(f"no cassette for operation {name!r} ({cassette.name}): run `make record`")


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    operation: Operation = request.node.callspec.params["operation"]
    return operation.operation_id  # shared by the sync and the async pass


def prism_violations(error: FrontStatusError) -> list[str]:
    """What Prism found wrong with our request: its ``sl-violations`` header (operations whose spec
    declares a 4xx answer) or the ``validation`` list of its own 422 problem body (every other one)."""
    found: list[str] = []
    header = error.headers.get("sl-violations")
    if header:
        found.append(header)
    try:
        problem = json.loads(error.body) if error.body else None
    except ValueError:
        problem = None
    if isinstance(problem, dict) and isinstance(problem.get("validation"), list):
        found += [
            f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in problem["validation"]
        ]
    return found


def raise_with_violations(operation: Operation, error: FrontStatusError) -> typing.NoReturn:
    violations = prism_violations(error)
    pytest.fail(f"{operation.key}: {error}" + "".join(f"\nPrism: {v}" for v in violations))


def clock_options(asynchronous: bool) -> dict[str, Any]:
    """A fake clock (nothing really waits on replay), or real time against the real API."""
    if LIVE:
        return {}
    clock = FakeClock()
    return clocked(clock=clock, sleep=clock.async_sleep if asynchronous else clock.sleep)


def send(operation: Operation, client: FrontClient, **overrides: Any) -> Response[Any]:
    """One call of ``operation`` built from the spec (``overrides`` replace built keyword arguments);
    a refused request fails the test with Prism's own words."""
    module = module_for(operation)
    positional, keywords = call_arguments(operation, module)
    try:
        response: Response[Any] = module.sync_detailed(
            *positional, client=client, **{**keywords, **overrides}
        )
    except FrontStatusError as error:
        raise_with_violations(operation, error)
    return response


async def send_async(operation: Operation, client: AsyncFrontClient, **overrides: Any) -> Response[Any]:
    module = module_for(operation)
    positional, keywords = call_arguments(operation, module)
    try:
        response: Response[Any] = await module.asyncio_detailed(
            *positional, client=client, **{**keywords, **overrides}
        )
    except FrontStatusError as error:
        raise_with_violations(operation, error)
    return response


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation(operation: Operation, request: pytest.FixtureRequest) -> None:
    require_cassette(request, operation.operation_id)
    with FrontClient(client_token(), base_url=PRISM_URL, **clock_options(False)) as client:
        response = send(operation, client)
    check_response(operation, module_for(operation), response)


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
async def test_operation_async(operation: Operation, request: pytest.FixtureRequest) -> None:
    require_cassette(request, operation.operation_id)
    async with AsyncFrontClient(client_token(), base_url=PRISM_URL, **clock_options(True)) as client:
        response = await send_async(operation, client)
    check_response(operation, module_for(operation), response)


def test_every_operation_of_the_spec_has_a_test() -> None:
    # Parametrized from the patched spec: a spec update adds tests (failing until recorded), never skips.
    assert ALL_OPERATIONS and len(ALL_OPERATIONS) == len(MODULES)
    assert {(op.method.upper(), op.path) for op in ALL_OPERATIONS} == set(MODULES)
