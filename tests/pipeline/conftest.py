from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPECS = ROOT.parent / "shared" / "front-api-specs"
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, item[method])
        for path, item in spec["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


@pytest.fixture(scope="session")
def patched_spec() -> dict[str, Any]:
    if not PATCHED_SPEC.exists():
        pytest.fail(f"{PATCHED_SPEC} is missing: run `make generate` first")
    spec: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8"))
    return spec
