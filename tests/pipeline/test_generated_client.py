"""The generated package: complete, importable, typed the way our users rely on."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType
from typing import Any

import front_core_api
import front_core_api.api
import pytest

from .conftest import operations


def endpoint_modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.walk_packages(front_core_api.api.__path__, "front_core_api.api."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sync_detailed"):
            found.append(module)
    return found


def test_every_generated_module_imports() -> None:
    names = [info.name for info in pkgutil.walk_packages(front_core_api.__path__, "front_core_api.")]
    for name in names:
        importlib.import_module(name)
    assert len(names) > 700


def test_one_endpoint_module_per_operation_of_the_patched_spec(patched_spec: dict[str, Any]) -> None:
    spec_routes = sorted((m.upper(), p) for m, p, _ in operations(patched_spec))
    generated_routes = sorted((m.HTTP_METHOD, m.PATH_TEMPLATE) for m in endpoint_modules())
    assert generated_routes == spec_routes
    assert len(spec_routes) == 244  # the pinned spec


def test_path_parameters_are_required_positional_arguments() -> None:
    for module in endpoint_modules():
        placeholders = re.findall(r"{([^}]+)}", module.PATH_TEMPLATE)
        for function in (module.sync_detailed, module.asyncio_detailed):
            positional = [
                p for p in inspect.signature(function).parameters.values()
                if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            ]  # fmt: skip
            assert len(positional) == len(placeholders), module.__name__
            assert all(p.default is inspect.Parameter.empty for p in positional), module.__name__


def test_a_forgotten_id_is_an_error_not_an_example_id() -> None:
    from front_core_api.api.conversations import get_conversation_by_id

    with pytest.raises(TypeError, match="conversation_id"):
        get_conversation_by_id._get_kwargs()  # type: ignore[call-arg]


def test_downloads_return_bytes() -> None:
    downloads = [
        m for m in endpoint_modules()
        if hasattr(m, "sync") and inspect.signature(m.sync).return_annotation == (bytes | None)
    ]  # fmt: skip
    assert len(downloads) == 5
    assert all("/download/" in m.PATH_TEMPLATE for m in downloads)


def test_docstrings_carry_route_scope_and_rate_limit_tier() -> None:
    from front_core_api.api.conversations import list_conversations, update_conversation

    doc = inspect.getdoc(update_conversation.sync_detailed) or ""
    assert "PATCH /conversations/{conversation_id}" in doc
    assert "``conversations:write``" in doc
    assert "Tier 2 (3 per 1.0 s)" in doc
    assert update_conversation.RATE_LIMIT_TIER == "2"
    listing = inspect.getdoc(list_conversations.sync) or ""
    assert "GET /conversations" in listing and "global budget" in listing
    assert list_conversations.RATE_LIMIT_TIER is None


def test_requests_carry_the_operation_for_the_overlay() -> None:
    from front_core_api.api.conversations import update_conversation

    kwargs = update_conversation._get_kwargs("cnv_1")
    assert kwargs["url"] == "/conversations/cnv_1"
    assert kwargs["extensions"]["front_operation"]["required_scopes"] == ("conversations:write",)


def test_path_parameters_are_quoted() -> None:
    from front_core_api.api.conversations import get_conversation_by_id

    assert get_conversation_by_id._get_kwargs("a/b?c")["url"] == "/conversations/a%2Fb%3Fc"
