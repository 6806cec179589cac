"""Fixtures for the API change report: Front's published specs (real history) and tiny synthetic specs."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tools.spec_changes.diff import compare
from tools.spec_changes.model import Report

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECS_DIR = REPO_ROOT / ".." / "shared" / "front-api-specs"
SPEC_FILES = {
    "2024-08-20": SPECS_DIR / "history" / "core-api.2024-08-20.5f1371a.json",
    "2026-02-12": SPECS_DIR / "history" / "core-api.2026-02-12.f0e39a9.json",
    "current": SPECS_DIR / "core-api.json",
}
TIERS_FILE = REPO_ROOT / "overlay" / "front_client" / "tiers.json"


@cache
def _load(version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_FILES[version].read_text(encoding="utf-8"))
    return data


@cache
def _report(old: str, new: str) -> Report:
    return compare(_load(old), _load(new), None)


def _require(*versions: str) -> None:
    for version in versions:
        if not SPEC_FILES[version].exists():
            pytest.skip(
                f"Front's published spec {SPEC_FILES[version]} is absent: these tests read the real "
                "history from ../shared/front-api-specs (third-party data, never copied into the repo)"
            )


@pytest.fixture
def spec() -> Any:
    """``spec(version)``: a deep copy of one published spec (safe to mutate)."""

    def get(version: str) -> dict[str, Any]:
        _require(version)
        return copy.deepcopy(_load(version))

    return get


@pytest.fixture
def report_between() -> Any:
    """``report_between(old, new)``: the (cached) report between two published specs."""

    def get(old: str, new: str) -> Report:
        _require(old, new)
        return _report(old, new)

    return get


# ----------------------------------------------------------------------------------- synthetic specs


def op(
    operation_id: str,
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
    response: dict[str, Any] | None = None,
    deprecated: bool = False,
) -> dict[str, Any]:
    """A small operation: optional JSON request body schema, a 200 JSON response schema."""
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "parameters": params or [],
        "responses": {"200": {"description": "ok"}},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    if deprecated:
        operation["deprecated"] = True
    return operation


def param(
    name: str, where: str = "query", *, required: bool = False, type_: str = "string"
) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": {"type": type_}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def make_spec(paths: dict[str, dict[str, Any]], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }
