"""Every Channel API operation, replayed from cassettes recorded against Prism on the patched channel spec.

Each call goes through ``FrontChannelClient`` / ``AsyncFrontChannelClient`` (JWT, limiter, retries, errors)
and the generated ``front_channel_api`` function, and must parse into the type the spec declares. Prism
refuses a request that breaks the spec, so a recorded 2xx proves the request matched it. A new operation in
the spec gets a test here, failing until its cassette is recorded (``make record``).
"""

from __future__ import annotations

import io
import json
import types
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import front_channel_api.api
import pytest
from front_channel_api.types import File, Response, Unset
from front_client import AsyncFrontChannelClient, FrontChannelClient, FrontStatusError

from tests.contract.builder import Builder, Operation, all_operations, endpoint_modules
from tests.contract.fakes import FakeClock
from tests.support.clocked import clocked

from .conftest import APP_SECRET, APP_UID, CHANNEL_ID, CHANNEL_PRISM_URL, PATCHED_SPEC

SPEC: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8")) if PATCHED_SPEC.exists() else {}
OPERATIONS = all_operations(SPEC) if SPEC else []
BUILDER = Builder(SPEC)
MODULES = endpoint_modules(front_channel_api.api)
# A few bytes standing for a recording: Prism checks the multipart fields, not the audio.
AUDIO = File(payload=io.BytesIO(b"RIFF\x24\x00\x00\x00WAVEfmt "), file_name="call.wav", mime_type="audio/wav")


def module_for(operation: Operation) -> ModuleType:
    module = MODULES.get((operation.method.upper(), operation.path))
    assert module is not None, f"{operation.key}: no generated module"
    return module


def _model_classes(annotation: Any) -> list[type[Any]]:
    members = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    return [m for m in members if isinstance(m, type) and hasattr(m, "from_dict")]


def _multipart_body(operation: Operation, model: type[Any]) -> Any:
    """A multipart body: the spec's minimal instance, each binary field a small file."""
    schema = BUILDER.merged(operation.spec["requestBody"]["content"]["multipart/form-data"]["schema"])
    binary = {n for n, p in schema.get("properties", {}).items() if p.get("format") == "binary"}
    fields = {n: v for n, v in BUILDER.instance(schema).items() if n not in binary}
    body = model.from_dict(fields)
    for name in binary:
        AUDIO.payload.seek(0)
        setattr(body, name, AUDIO)
    return body


def call_arguments(operation: Operation) -> tuple[list[str], dict[str, Any]]:
    module = module_for(operation)
    positional, query, body = BUILDER.call_arguments(operation)
    positional = [CHANNEL_ID if name == "channel_id" else value for name, value in zip(
        [p.strip("{}") for p in operation.path.split("/") if p.startswith("{")], positional, strict=True
    )]  # fmt: skip
    keywords: dict[str, Any] = dict(query)
    hints = typing.get_type_hints(module._get_kwargs)
    content = operation.spec.get("requestBody", {}).get("content", {})
    if body is not None or content:
        models = _model_classes(hints["body"])
        assert models, f"{operation.key}: no model class for the body ({hints['body']})"
        keywords["body"] = (
            models[0].from_dict(body) if body is not None else _multipart_body(operation, models[0])
        )
    return positional, keywords


def expected_types(module: ModuleType) -> tuple[type, ...] | None:
    if not hasattr(module, "sync"):
        return None
    returned = typing.get_type_hints(module.sync)["return"]
    members = typing.get_args(returned) if isinstance(returned, types.UnionType) else (returned,)
    found = tuple(typing.get_origin(m) or m for m in members if m not in (type(None), Unset, Any))
    return found or None


def check_response(operation: Operation, response: Response[Any]) -> None:
    violations = response.headers.get("sl-violations")
    assert violations is None, f"{operation.key}: Prism reports spec violations: {violations}"
    assert 200 <= response.status_code < 300, f"{operation.key}: {response.status_code}"
    wanted = expected_types(module_for(operation))
    if wanted is None or response.status_code == 204:
        return
    assert isinstance(response.parsed, wanted), f"{operation.key}: {type(response.parsed)} is not {wanted}"


def require_cassette(request: pytest.FixtureRequest, name: str) -> None:
    if request.config.getoption("--record-mode") in (None, "none"):
        cassette = Path(request.getfixturevalue("vcr_cassette_dir")) / f"{name}.yaml"
        if not cassette.exists():
            pytest.fail(
                f"no cassette for Channel API operation {name!r} ({cassette.name}): run `make record`"
            )


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    operation: Operation = request.node.callspec.params["operation"]
    return operation.operation_id  # shared by the sync and the async pass


def client_options(asynchronous: bool) -> dict[str, Any]:
    clock = FakeClock()
    return clocked(
        channel_id=CHANNEL_ID,
        app_uid=APP_UID,
        app_secret=APP_SECRET,
        base_url=CHANNEL_PRISM_URL,
        clock=clock,
        sleep=clock.async_sleep if asynchronous else clock.sleep,
    )


def fail_with_prism(operation: Operation, error: FrontStatusError) -> typing.NoReturn:
    pytest.fail(f"{operation.key}: {error}\nPrism: {error.headers.get('sl-violations')} {error.body}")


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation(operation: Operation, request: pytest.FixtureRequest) -> None:
    require_cassette(request, operation.operation_id)
    positional, keywords = call_arguments(operation)
    with FrontChannelClient(**client_options(False)) as client:
        try:
            response = module_for(operation).sync_detailed(*positional, client=client, **keywords)
        except FrontStatusError as error:
            fail_with_prism(operation, error)
    check_response(operation, response)


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
async def test_operation_async(operation: Operation, request: pytest.FixtureRequest) -> None:
    require_cassette(request, operation.operation_id)
    positional, keywords = call_arguments(operation)
    async with AsyncFrontChannelClient(**client_options(True)) as client:
        try:
            response = await module_for(operation).asyncio_detailed(*positional, client=client, **keywords)
        except FrontStatusError as error:
            fail_with_prism(operation, error)
    check_response(operation, response)


def test_every_channel_operation_has_a_test() -> None:
    # 11 operations in the pinned Channel API spec; a spec update adds tests (failing until recorded).
    assert len(OPERATIONS) == len(MODULES) == 11
    assert {(op.method.upper(), op.path) for op in OPERATIONS} == set(MODULES)


def test_inbound_and_outbound_messages_are_tier_2() -> None:
    tiers = {key: module.RATE_LIMIT_TIER for key, module in MODULES.items() if module.RATE_LIMIT_TIER}
    assert tiers == {
        ("POST", "/channels/{channel_id}/inbound_messages"): "2",
        ("POST", "/channels/{channel_id}/outbound_messages"): "2",
    }
