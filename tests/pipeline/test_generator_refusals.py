"""Generic rules for the constructs openapi-python-client refuses (spec/patches.overlay.yaml, x-guard).

One synthetic spec holds each construct once. Unpatched, the generator refuses every one of them (so each
rule answers a real refusal, in the generator's own words); patched, it generates every operation with no
warning, and constructs that were fine are left as they were.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import generate, patch_spec

from .conftest import SHARED_SPECS

PATCHES = yaml.safe_load(patch_spec.PATCHES_FILE.read_text(encoding="utf-8"))
TIERS = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))

# operationId → the generator's words when it refuses the construct that operation carries.
REFUSALS = {
    "get_article": "Could not find reference",  # its schema was dropped: see the test
    "get_mixed_enum": "Got {<class 'int'>, <class 'str'>}",
    "get_float_enum": "Cannot parse response",
    "list_sorted": "Value up is not valid for enum",
    "list_limited": "Invalid int value: many",
    "list_since": "Invalid datetime",
    "get_optional_path": "Path parameter must be required",
    "get_xml": "Unsupported content_type application/xml",
    "get_logo": "Unsupported content_type image/png",
    "create_note": "Unsupported content type text/plain",
}


def ok(schema: dict[str, Any] | None = None, media_type: str = "application/json") -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {media_type: {"schema": schema}}
    return {"200": response}


def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


def synthetic_spec() -> dict[str, Any]:
    paths: dict[str, Any] = {
        # Front's KnowledgeBaseArticleResponse of February to April 2024: a property with no items.
        "/articles/{article_id}": {"get": {
            "operationId": "get_article",
            "parameters": [{"name": "article_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": ok({"$ref": "#/components/schemas/KnowledgeBaseArticleResponse"}),
        }},
        "/mixed": {"get": {"operationId": "get_mixed_enum", "responses": ok(
            {"type": "object", "properties": {"value": {"enum": ["a", 1]}, "kept": {"enum": ["x", "y"]}}})}},
        "/floats": {"get": {"operationId": "get_float_enum", "responses": ok(
            {"type": "object", "properties": {"ratio": {"type": "number", "enum": [0.5, 1.5]}}})}},
        "/sorted": {"get": {"operationId": "list_sorted", "parameters": [
            query("sort", {"type": "string", "enum": ["asc", "desc"], "default": "up"}),
            query("order", {"type": "string", "enum": ["asc", "desc"], "default": "asc"}),
        ], "responses": ok()}},
        "/limited": {"get": {"operationId": "list_limited", "parameters": [
            query("limit", {"type": "integer", "default": "many"}),
            query("page_size", {"type": "integer", "default": 50}),
        ], "responses": ok()}},
        "/since": {"get": {"operationId": "list_since", "parameters": [
            query("since", {"type": "string", "format": "date-time", "default": "yesterday"}),
        ], "responses": ok()}},
        "/optional/{item_id}": {"get": {"operationId": "get_optional_path", "parameters": [
            {"name": "item_id", "in": "path", "schema": {"type": "string"}}], "responses": ok()}},
        "/xml": {"get": {"operationId": "get_xml", "responses": ok({"type": "string"}, "application/xml")}},
        "/logo": {"get": {"operationId": "get_logo",
                          "responses": ok({"type": "string", "format": "binary"}, "image/png")}},
        "/json": {"get": {"operationId": "get_json", "responses": ok(
            {"type": "object", "properties": {"example": {"type": "string"}}}, "application/json")}},
        "/notes": {"post": {"operationId": "create_note", "requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "properties": {"body": {"type": "string"}}}},
            "text/plain": {"schema": {"type": "string"}},
        }}, "responses": ok()}},
    }  # fmt: skip
    schemas = {
        "KnowledgeBaseArticleResponse": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "attachments": {"type": "array"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            # An example value that looks like a schema is data: the rules leave it alone.
            "example": {"type": "array", "enum": [1, "a"]},
        }
    }
    return {"openapi": "3.0.0", "info": {"title": "Synthetic", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas}}  # fmt: skip


def write(spec: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def test_unpatched_the_generator_refuses_every_construct(tmp_path: Path) -> None:
    with pytest.raises(generate.GenerationError) as refused:
        generate.generate(write(synthetic_spec(), tmp_path / "raw.json"), tmp_path / "raw_api")
    log = str(refused.value)
    sections = {
        section.split(" within ", 1)[0]: section for section in re.split(r"\n(?=WARNING parsing )", log)[1:]
    }
    for path, item in synthetic_spec()["paths"].items():
        for method, operation in item.items():
            header = f"WARNING parsing {method.upper()} {path}"
            if operation["operationId"] == "get_json":  # the control: a plain JSON response is fine
                assert header not in sections
            else:
                assert REFUSALS[operation["operationId"]] in sections[header], header
    # The schema itself is dropped, so every response that uses it goes too.
    assert (
        "KnowledgeBaseArticleResponse" in log and "type array must have items or prefixItems defined" in log
    )


@pytest.fixture(scope="module")
def patched() -> tuple[dict[str, Any], dict[str, patch_spec.ActionResult]]:
    spec, results, _ = patch_spec.patch(synthetic_spec(), PATCHES, TIERS)
    return spec, {result.action_id: result for result in results}


def test_patched_every_operation_generates_without_a_warning(
    patched: tuple[dict[str, Any], dict[str, patch_spec.ActionResult]], tmp_path: Path
) -> None:
    spec, _ = patched
    package = tmp_path / "synthetic_api"
    assert generate.generate(write(spec, tmp_path / "patched.json"), package) == []
    modules = {path.stem for path in (package / "api" / "default").glob("*.py")} - {"__init__"}
    assert modules == {*REFUSALS, "get_json"}
    article = (package / "models" / "knowledge_base_article_response.py").read_text(encoding="utf-8")
    assert "attachments: list[Any] | Unset" in article and "tags: list[str] | Unset" in article

    def module(name: str) -> str:
        return (package / "api" / "default" / f"{name}.py").read_text(encoding="utf-8")

    assert "-> bytes | None" in module("get_logo") and "-> bytes | None" in module("get_xml")
    assert "sort: ListSortedSort | Unset = UNSET," in module("list_sorted")  # the invalid default is gone
    assert 'order: ListSortedOrder | Unset = "asc",' in module("list_sorted")  # a valid one stays
    assert "limit: int | Unset = UNSET," in module("list_limited")
    assert "page_size: int | Unset = 50," in module("list_limited")
    assert '_kwargs["json"] = body.to_dict()' in module("create_note")


def test_each_rule_changes_exactly_the_refused_construct(
    patched: tuple[dict[str, Any], dict[str, patch_spec.ActionResult]],
) -> None:
    spec, results = patched
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    article = schemas["KnowledgeBaseArticleResponse"]
    assert article["properties"]["attachments"] == {"type": "array", "items": {}}
    assert article["properties"]["tags"]["items"] == {"type": "string"}
    assert article["example"] == {"type": "array", "enum": [1, "a"]}

    mixed = paths["/mixed"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert mixed["value"] == {} and mixed["kept"] == {"enum": ["x", "y"]}
    floats = paths["/floats"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert floats["properties"]["ratio"] == {"type": "number"}

    def parameter(path: str, name: str) -> dict[str, Any]:
        found: dict[str, Any] = next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)
        return found

    assert "default" not in parameter("/sorted", "sort")["schema"]
    assert parameter("/sorted", "order")["schema"]["default"] == "asc"
    assert "default" not in parameter("/limited", "limit")["schema"]
    assert parameter("/limited", "page_size")["schema"]["default"] == 50
    assert "default" not in parameter("/since", "since")["schema"]
    assert parameter("/optional/{item_id}", "item_id")["required"] is True

    assert list(paths["/xml"]["get"]["responses"]["200"]["content"]) == [
        "application/xml",
        "application/octet-stream",
    ]
    assert list(paths["/logo"]["get"]["responses"]["200"]["content"]) == [
        "image/png",
        "application/octet-stream",
    ]
    assert list(paths["/json"]["get"]["responses"]["200"]["content"]) == ["application/json"]
    assert list(paths["/notes"]["post"]["requestBody"]["content"]) == ["application/json"]

    changed = {name: result.changed for name, result in results.items() if result.guard}
    assert changed == {
        "array-without-items-holds-anything": 1,
        "unsupported-enum-as-plain-type": 2,
        "invalid-default-dropped": 3,
        "path-parameters-required": 1,
        "unreadable-response-as-bytes": 2,
        "unsendable-request-media-types-dropped": 1,
    }
    assert not [name for name, result in results.items() if result.guard and result.vanished]


def test_an_empty_spec_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "core-api.json"
    empty.write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "-m", "tools.patch_spec", str(empty), str(tmp_path / "out.json")],
        capture_output=True, text=True, check=False, cwd=patch_spec.ROOT,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [f"error: {empty} is empty: not an OpenAPI document "
                                               "(a failed download or copy?)"]  # fmt: skip
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [("<html>rate limited</html>", "is not JSON"), ("[1, 2]", "not an OpenAPI document")],
)
def test_a_file_that_is_no_spec_is_one_line(tmp_path: Path, content: str, words: str) -> None:
    source = tmp_path / "core-api.json"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(patch_spec.SpecFileError, match=words) as error:
        patch_spec.load_spec(source)
    assert "\n" not in str(error.value)


def test_a_published_spec_with_the_2024_array_without_items_generates_the_article(tmp_path: Path) -> None:
    """Front's spec of August 2024 as those of February to April 2024 were: a KnowledgeBaseArticleResponse
    property ``{"type": "array"}`` with no items. The whole pipeline keeps the model and its operations."""
    published = SHARED_SPECS / "history" / "core-api.2024-08-20.5f1371a.json"
    if not published.exists():
        pytest.skip(f"Front's published spec {published} is absent (../shared/front-api-specs)")
    spec = json.loads(published.read_text(encoding="utf-8"))
    del spec["components"]["schemas"]["KnowledgeBaseArticleResponse"]["properties"]["keywords"]["items"]
    patched, results, _ = patch_spec.patch(spec, PATCHES, TIERS)
    assert {r.action_id: r.changed for r in results}["array-without-items-holds-anything"] == 1
    package = tmp_path / "front_core_api"
    assert generate.generate(write(patched, tmp_path / "patched.json"), package) == []
    article = (package / "models" / "knowledge_base_article_response.py").read_text(encoding="utf-8")
    assert "keywords: list[Any] | Unset" in article
    returning = [
        m
        for m in (package / "api").rglob("*.py")
        if "KnowledgeBaseArticleResponse.from_dict" in m.read_text()
    ]
    assert len(returning) >= 4, returning  # get / create / update an article, in a locale or not
