"""Every version of Front's spec we hold generates an importable client that works through ``FrontClient``.

Our patches are rules, not edits of known paths, so they must hold on versions we did not write them for.
For each ``core-api*.json`` in ``../shared/front-api-specs`` (the pinned file and the published history):
fetch it as an override, patch, validate and generate into a temporary folder, import every module, then
make a handful of calls through ``FrontClient`` against Prism serving that same patched version. Prism
answers 4xx with ``sl-violations`` to a request that breaks the spec, so a 2xx proves the generated
request matched that version.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import fetch_spec, generate, patch_spec
from tools.record import PRISM, start_prism

from .conftest import REPO_ROOT, SPECS_DIR
from .version_smoke import ROUTES

SPEC_VERSIONS = sorted(
    str(path.relative_to(SPECS_DIR))
    for path in [*SPECS_DIR.glob("core-api*.json"), *SPECS_DIR.glob("history/*.json")]
)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def build_client(spec_file: Path, folder: Path) -> Path:
    """Fetch (as an override), patch and generate into ``folder``; returns the patched spec's path."""
    source, patched = folder / "source.json", folder / "patched.json"
    fetch_spec.fetch(source, spec_override=spec_file)
    spec = json.loads(source.read_text(encoding="utf-8"))
    patches = yaml.safe_load(patch_spec.PATCHES_FILE.read_text(encoding="utf-8"))
    tiers = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))
    patched_spec, _, _ = patch_spec.patch(spec, patches, tiers)
    patched.write_text(json.dumps(patched_spec, indent=2, ensure_ascii=False), encoding="utf-8")
    generate.generate(patched, folder / "front_core_api")
    return patched


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def count_operations(spec: dict[str, Any]) -> int:
    return sum(1 for item in spec["paths"].values() for method in HTTP_METHODS if method in item)


def declares_binary(spec: dict[str, Any], path: str) -> bool:
    response = spec["paths"][path]["get"]["responses"]["200"]
    while "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return "application/octet-stream" in response.get("content", {})


@pytest.mark.skipif(
    not SPEC_VERSIONS, reason=f"{SPECS_DIR} holds no spec (third-party data, never copied here)"
)
@pytest.mark.parametrize("version", SPEC_VERSIONS or ["<none>"])
def test_each_published_version_generates_a_client_that_works(version: str, tmp_path: Path) -> None:
    assert PRISM.exists(), f"{PRISM} is missing: `make install` installs Prism (npm ci)"
    patched = build_client(SPECS_DIR / version, tmp_path)
    port = free_port()
    prism = start_prism(patched, port, tmp_path / "prism.log")
    try:
        # This version's front_core_api first; this checkout's overlay (not whatever the venv points at).
        search_path = [str(tmp_path), str(REPO_ROOT / "overlay"), str(REPO_ROOT)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(search_path)}
        run = subprocess.run(
            [sys.executable, "-m", "tests.spec_update.version_smoke", str(patched), f"http://127.0.0.1:{port}"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        prism.terminate()
        prism.wait(timeout=10)
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout)

    spec = json.loads(patched.read_text(encoding="utf-8"))
    operations = count_operations(spec)
    assert outcome["endpoints"] == outcome["operations"] == operations
    assert set(outcome["calls"]) == {" ".join(route) for route in ROUTES}
    for route, result in outcome["calls"].items():
        assert "error" not in result, f"{version}: {route}: {result}"
        assert result["violations"] is None, f"{version}: {route}: Prism says {result['violations']}"
        assert 200 <= result["status"] < 300 and result["parsed_as_declared"], f"{version}: {route}: {result}"
    if declares_binary(spec, "/download/{attachment_link_id}"):  # 2024-08-20 still declared JSON there
        assert outcome["calls"]["GET /download/{attachment_link_id}"]["parsed"] == "bytes"
