"""Every operation the emulator does not keep state for answers a body valid for the patched spec, built
from the shapes written at generation time (no Front documentation text in them)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from front_client.testing import FrontEmulator
from front_client.testing.routing import Router
from front_client.testing.shapes import Shapes, load_shapes
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parents[2]
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
DOCUMENTATION_KEYS = {"description", "example", "examples", "summary", "title", "externalDocs"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8"))
    return loaded


def _response_schema(spec: dict[str, Any], method: str, path: str, status: int) -> Any:
    response = spec["paths"][path][method.lower()]["responses"][str(status)]
    while "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"]["application/json"]["schema"]


def test_every_operation_has_a_shape(spec: dict[str, Any]) -> None:
    shapes = load_shapes()
    expected = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert set(shapes.operations) == expected
    assert sum(shape.takes_files for shape in shapes.operations.values()) == 16


def test_the_shapes_hold_no_documentation_text() -> None:
    text = resources.files("front_core_api").joinpath("_response_shapes.json").read_text(encoding="utf-8")
    keys: set[str] = set()

    def walk(node: Any, parent: str | None) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if parent != "properties":  # property names are data, not keywords
                    keys.add(key)
                walk(value, key)
        elif isinstance(node, list):
            for value in node:
                walk(value, parent)

    walk(json.loads(text), None)
    assert not keys & DOCUMENTATION_KEYS
    assert "frontapp.com" not in text and "yourCompany" not in text


def test_every_built_body_is_valid_for_its_schema(spec: dict[str, Any]) -> None:
    shapes = load_shapes()
    checked = 0
    for shape in shapes.operations.values():
        if shape.media != "application/json" or shape.schema is None:
            continue
        body = shapes.build(shape.schema, base_url="http://127.0.0.1:1")
        schema = {
            **_response_schema(spec, shape.method, shape.path, shape.status),
            "components": spec["components"],
        }
        errors = [e.message for e in OAS30Validator(schema).iter_errors(body)]
        assert not errors, f"{shape.method} {shape.path}: {errors[:3]}"
        checked += 1
    assert checked > 150


def test_bodies_are_deterministic() -> None:
    shapes = load_shapes()
    schema = {"$ref": "#/components/schemas/ConversationResponse"}
    assert shapes.build(schema) == Shapes(
        json.loads(json.dumps({"operations": {}, "schemas": shapes.schemas}))
    ).build(schema)


def test_literal_segments_win_over_parameters() -> None:
    templates = ["GET /contacts/{contact_id}", "GET /contacts/custom_fields", "POST /contacts/merge"]
    router = Router((t.split()[0], t.split()[1], t) for t in templates)
    literal = router.match("GET", "/contacts/custom_fields")
    assert literal is not None and (literal.value, literal.params) == ("GET /contacts/custom_fields", {})
    param = router.match("GET", "/contacts/crd_1")
    assert param is not None and (param.value, param.params) == (
        "GET /contacts/{contact_id}",
        {"contact_id": "crd_1"},
    )
    assert router.match("POST", "/contacts/crd_1") is None


def test_a_literal_route_wins_whatever_the_order_then_the_latest() -> None:
    router: Router[str] = Router()
    router.add("GET", "/contacts/merge", "literal")
    router.add("GET", "/contacts/{id}", "parameter")
    router.add("GET", "/contacts/{contact_id}", "latest parameter")
    assert [m.value for m in router.matches("GET", "/contacts/merge")] == [
        "literal",
        "latest parameter",
        "parameter",
    ]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/me", 200),
        ("GET", "/accounts", 200),
        ("GET", "/teams/tim_1", 200),
        ("GET", "/knowledge_bases", 200),
        ("POST", "/exports", None),  # not an operation of the spec: Front's 404
        ("DELETE", "/message_templates/rsp_1", 204),
    ],
)
def test_stateless_operations_over_http(
    spec: dict[str, Any], method: str, path: str, status: int | None
) -> None:
    with FrontEmulator() as front, httpx.Client(base_url=front.base_url) as client:
        response = client.request(method, path, headers={"Authorization": "Bearer x"})
    if status is None:
        assert response.status_code == 404
        assert response.json()["_error"]["status"] == 404
        return
    assert response.status_code == status
    if status == 204:
        assert response.content == b""
        return
    matched = Router((m.upper(), p, p) for p, item in spec["paths"].items() for m in item).match(method, path)
    assert matched is not None
    schema = {**_response_schema(spec, method, matched.value, status), "components": spec["components"]}
    body = response.json()
    assert not list(OAS30Validator(schema).iter_errors(body))
    if "_pagination" in body:
        assert body["_pagination"]["next"] is None
