"""A request that breaks the spec is caught when recording: Prism refuses it and the test fails in its words.

Runs the real Prism (``node_modules``, installed by ``make install``; it starts in about a second) on the
patched spec, and sends through :func:`send`, the very function every operation test records with. Skipped
when Prism is not installed. Prism answers an invalid request with the 4xx the spec declares plus an
``sl-violations`` header (3 operations declare one), or else with its own 422 whose body lists the
violations: both must reach the failure message.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from front_client import FrontClient
from front_core_api.models import ReplyDraft, UpdateConversation

from tests.emulator import free_port
from tools.record import PRISM, start_prism

from .builder import Operation
from .conftest import PATCHED_SPEC, TEST_TOKEN
from .test_operations import ALL_OPERATIONS, check_response, module_for, send

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])


def operation(operation_id: str) -> Operation:
    return next(op for op in ALL_OPERATIONS if op.operation_id == operation_id)


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    if not PRISM.exists() or shutil.which("node") is None:
        pytest.skip("Prism is not installed (make install runs npm ci)")
    if not PATCHED_SPEC.exists():
        pytest.skip("no patched spec (make spec)")
    port = free_port()
    with tempfile.TemporaryDirectory() as logs:
        process = start_prism(PATCHED_SPEC, port, Path(logs) / "prism.log")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def client(prism_url: str) -> Iterator[FrontClient]:
    with FrontClient(TEST_TOKEN, base_url=prism_url) as front:
        yield front


@pytest.mark.parametrize("operation_id", ["update-conversation", "create-draft-reply"])
def test_the_requests_built_from_the_spec_pass(client: FrontClient, operation_id: str) -> None:
    op = operation(operation_id)
    check_response(op, module_for(op), send(op, client))


def test_a_wrong_enum_fails_with_prisms_sl_violations_header(client: FrontClient) -> None:
    broken = UpdateConversation.from_dict({"status": "snoozed"})  # not one of archived, open, deleted, spam
    with pytest.raises(pytest.fail.Exception) as failed:
        send(operation("update-conversation"), client, body=broken)
    message = str(failed.value)
    assert message.startswith("PATCH /conversations/{conversation_id}: 400 Bad Request")
    assert "Prism: " in message
    assert "Request body property status must be equal to one of the allowed values" in message


def test_a_wrong_enum_fails_with_prisms_validation_list(client: FrontClient) -> None:
    broken = ReplyDraft.from_dict({"body": "Hi", "channel_id": "cha_1", "mode": "bogus"})
    with pytest.raises(pytest.fail.Exception) as failed:
        send(operation("create-draft-reply"), client, body=broken)
    message = str(failed.value)
    assert message.startswith("POST /conversations/{conversation_id}/drafts: 422")
    assert (
        "Prism: body.mode: Request body property mode must be equal to one of the allowed values" in message
    )


def test_a_missing_required_field_fails_with_its_name(client: FrontClient) -> None:
    broken = ReplyDraft.from_dict({"body": "Hi"})
    with pytest.raises(pytest.fail.Exception, match="must have required property 'channel_id'"):
        send(operation("create-draft-reply"), client, body=broken)
