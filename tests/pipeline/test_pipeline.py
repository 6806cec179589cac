"""The pipeline: pinned spec → declarative patches → validated spec → generated client, reproducibly."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tools import fetch_spec, generate, patch_spec

from .conftest import ROOT, SHARED_SPECS, operations

PATCHES = yaml.safe_load(patch_spec.PATCHES_FILE.read_text(encoding="utf-8"))
TIERS = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_every_patch_has_a_name_and_a_one_line_reason() -> None:
    for action in PATCHES["actions"]:
        assert action["x-id"] and action["description"], action
        assert "\n" not in action["description"].strip()


def test_the_patched_spec_has_no_path_parameter_defaults(patched_spec: dict[str, Any]) -> None:
    for _, path, operation in operations(patched_spec):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path":
                assert "default" not in parameter.get("schema", {}), (path, parameter["name"])


def test_generic_rules_also_fix_paths_that_do_not_exist_yet() -> None:
    spec = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/widgets/{widget_id}": {
                "get": {
                    "operationId": "get_widget",
                    "parameters": [{"name": "widget_id", "in": "path", "required": True,
                                    "schema": {"type": "string", "default": "wdg_123"}}],
                    "responses": {"200": {"description": "file", "content": {
                        "*/*": {"schema": {"type": "string", "format": "binary"}}}}},
                }
            }
        },
        "components": {"schemas": {"Widget": {"type": "object", "required": ["ghost"], "properties": {
            "owner": {"$ref": "#/components/schemas/Owner", "nullable": True}}},
            "Owner": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }  # fmt: skip
    patched, results, _ = patch_spec.patch(spec, PATCHES, TIERS)
    operation = patched["paths"]["/widgets/{widget_id}"]["get"]
    assert "default" not in operation["parameters"][0]["schema"]
    assert list(operation["responses"]["200"]["content"]) == ["application/octet-stream"]
    widget = patched["components"]["schemas"]["Widget"]
    assert "required" not in widget
    assert widget["properties"]["owner"] == {
        "allOf": [{"$ref": "#/components/schemas/Owner"}],
        "nullable": True,
    }
    vanished = {r.action_id for r in results if r.vanished}
    assert "hoist-union-member-objects" in vanished  # reported by name, not a crash


def test_a_vanished_target_is_reported_by_name(tmp_path: Path) -> None:
    spec = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "tools.patch_spec", str(tmp_path / "spec.json"), str(tmp_path / "out.json")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "VANISHED  drop-path-parameter-defaults" in run.stdout
    assert "patch target(s) vanished" in run.stdout


def test_an_invalid_patched_spec_is_refused() -> None:
    spec = {"openapi": "3.0.0", "info": {"title": "t"}, "paths": {}}  # info.version is required
    with pytest.raises(OpenAPIValidationError, match="'version' is a required property"):
        patch_spec.patch(spec, PATCHES, TIERS)


def test_the_pinned_spec_is_verified(tmp_path: Path) -> None:
    tampered = tmp_path / "shared.json"
    tampered.write_text('{"openapi": "3.0.0"}', encoding="utf-8")
    with pytest.raises(fetch_spec.SpecSourceError, match="sha256"):
        fetch_spec.fetch(tmp_path / "out.json", shared_spec=tampered)
    overridden = fetch_spec.fetch(tmp_path / "out.json", spec_override=tampered)
    assert not overridden.is_pinned  # an explicit SPEC= of another version is allowed, and reported


@pytest.fixture
def spec_server(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """A loopback stand-in for GitHub's raw file host, serving the pinned file."""
    if not (SHARED_SPECS / "core-api.json").exists():
        pytest.skip("the pinned spec is only in ../shared")
    body = (SHARED_SPECS / "core-api.json").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{commit}}/core-api.json", body
    server.shutdown()


def test_without_shared_the_pinned_file_is_downloaded_and_verified(
    tmp_path: Path, spec_server: tuple[str, bytes]
) -> None:
    url, body = spec_server
    pin = dict(fetch_spec.load_pin(), url=url)
    (tmp_path / "pin.json").write_text(json.dumps(pin), encoding="utf-8")
    fetched = fetch_spec.fetch(tmp_path / "out.json", pin_file=tmp_path / "pin.json",
                               shared_spec=tmp_path / "absent.json")  # fmt: skip
    assert fetched.is_pinned and fetched.source.startswith("http://127.0.0.1")
    assert (tmp_path / "out.json").read_bytes() == body

    wrong = dict(pin, sha256="0" * 64)
    (tmp_path / "pin.json").write_text(json.dumps(wrong), encoding="utf-8")
    with pytest.raises(fetch_spec.SpecSourceError, match="Refusing"):
        fetch_spec.fetch(tmp_path / "again.json", pin_file=tmp_path / "pin.json",
                         shared_spec=tmp_path / "absent.json")  # fmt: skip


def test_generator_warnings_must_be_explained() -> None:
    log = (
        "Generating x\nWarning(s) encountered while generating. "
        "Client was generated, but some pieces may be missing"
        "\n\nUnable to process schema /components/schemas/Foo:\nsomething odd\n\n"
        "If you believe this was a mistake or this tool is missing a feature you need, please open an issue"
    )
    warnings = generate._warning_blocks(log)
    assert warnings == ["Unable to process schema /components/schemas/Foo:\nsomething odd"]
    assert generate.unexplained(warnings, []) == warnings
    assert generate.unexplained(warnings, [{"pattern": "schemas/Foo", "reason": "known"}]) == []
    allowed = yaml.safe_load(generate.ALLOWED_WARNINGS.read_text(encoding="utf-8")) or []
    assert all(rule.get("reason") for rule in allowed)


WARNING_LOG = (
    "Generating x\nWarning(s) encountered while generating. Client was generated, but some pieces may be"
    " missing\n\nUnable to process schema /components/schemas/Foo:\nsomething odd\n\n"
    "If you believe this was a mistake or this tool is missing a feature you need, please open an issue"
)


def test_an_unexplained_generator_warning_is_refused() -> None:
    with pytest.raises(generate.GenerationError, match=r"1 generator warning\(s\) not explained") as raised:
        generate.check_warnings(WARNING_LOG, [{"pattern": "schemas/Bar", "reason": "another one"}])
    assert "Unable to process schema /components/schemas/Foo:\nsomething odd" in str(raised.value)
    explained = generate.check_warnings(WARNING_LOG, [{"pattern": "schemas/Foo", "reason": "known"}])
    assert explained == ["Unable to process schema /components/schemas/Foo:\nsomething odd"]
    assert generate.check_warnings("Generating x\n", []) == []


def weird_spec(tmp_path: Path) -> Path:
    """A valid spec the real generator warns about (a request body of a content type it cannot handle)."""
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/odd": {
                "post": {
                    "operationId": "post-odd",
                    "requestBody": {"content": {"application/x-weird": {"schema": {"type": "string"}}}},
                    "responses": ok,
                }
            }
        },
    }
    path = tmp_path / "weird.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_generate_fails_on_a_generator_warning_not_in_the_allow_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "out" / "front_core_api"
    output.mkdir(parents=True)
    (output / "previous.py").write_text("# the last good client\n", encoding="utf-8")

    with pytest.raises(generate.GenerationError, match="Unsupported content type application/x-weird"):
        generate.generate(weird_spec(tmp_path), output)  # the real allow-list explains no such warning
    assert [p.name for p in output.iterdir()] == ["previous.py"]  # the last good client is kept

    allow_list = tmp_path / "generator-warnings.yaml"
    allow_list.write_text(
        '- {pattern: "application/x-weird", reason: "this test\'s spec"}\n', encoding="utf-8"
    )
    monkeypatch.setattr(generate, "ALLOWED_WARNINGS", allow_list)
    assert generate.generate(weird_spec(tmp_path), output) == [
        "WARNING parsing POST /odd within default. Endpoint will not be generated.\n"
        "Unsupported content type application/x-weird"
    ]
    assert (output / "__init__.py").exists() and not (output / "previous.py").exists()


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    patched = ROOT / "build" / "spec" / "core-api.patched.json"
    generate.generate(patched, tmp_path / "a" / "front_core_api")
    generate.generate(patched, tmp_path / "b" / "front_core_api")
    first, second = (
        tree_digest(tmp_path / "a" / "front_core_api"),
        tree_digest(tmp_path / "b" / "front_core_api"),
    )
    assert first == second
    assert first == tree_digest(ROOT / "generated" / "front_core_api")  # and equal to what `make` built


def test_each_warning_keeps_the_operation_its_header_names() -> None:
    """The generator prints "WARNING parsing <METHOD> <path> within <tag>." above each message: it belongs
    to that warning (the first one's header was lost; later ones were unexplained warnings of their own)."""
    log = (
        "Generating x\n\nWarning(s) encountered while generating. Client was generated, but some pieces "
        "may be missing\nWARNING parsing GET /a within default.\n\n"
        "Unsupported content_type application/xml\n\n"
        "WARNING parsing POST /b within default. Endpoint will not be generated.\n\n"
        "Unsupported content type text/plain\n\n"
        "If you believe this was a mistake or this tool is missing a feature you need, please open an issue"
    )
    allowed = [{"pattern": "application/xml", "reason": "a"}, {"pattern": "text/plain", "reason": "b"}]
    assert generate.check_warnings(log, allowed) == [
        "WARNING parsing GET /a within default.\nUnsupported content_type application/xml",
        "WARNING parsing POST /b within default. Endpoint will not be generated.\n"
        "Unsupported content type text/plain",
    ]
