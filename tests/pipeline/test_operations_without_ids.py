"""Front's specs of 2022-05 to 2024-04 leave most operations without an ``operationId``: the facade names
them by method and path (tools/facade_names.py), and the client generates and imports all the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools import generate
from tools.facade_names import facade_names, path_operation_id

from .conftest import ROOT

WIDGET = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
ONE = {"200": {"description": "ok", "content": {"application/json": {"schema": WIDGET}}}}
MANY = {
    "200": {
        "description": "ok",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"_results": {"type": "array", "items": WIDGET}},
                }
            }
        },
    }
}
WIDGET_ID = {"name": "widget_id", "in": "path", "required": True, "schema": {"type": "string"}}
TEAMMATE_ID = {"name": "teammate_id", "in": "path", "required": True, "schema": {"type": "string"}}
NAME_BODY = {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {}}}}}}


def spec_without_ids() -> dict[str, Any]:
    tags = ["Widgets"]
    return {
        "openapi": "3.0.3",
        "info": {"title": "no ids", "version": "1"},
        "paths": {
            "/widgets": {
                "get": {"tags": tags, "responses": MANY},
                "post": {"tags": tags, "requestBody": NAME_BODY, "responses": ONE},
            },
            "/widgets/{widget_id}": {
                "parameters": [WIDGET_ID],
                "get": {"tags": tags, "responses": ONE},
                "patch": {"tags": tags, "requestBody": NAME_BODY, "responses": ONE},
                "delete": {"tags": tags, "responses": {"204": {"description": "gone"}}},
            },
            "/widgets/{widget_id}/children": {
                "parameters": [WIDGET_ID],
                "get": {"tags": tags, "responses": MANY},
            },
            "/teammates/{teammate_id}/widgets": {
                "parameters": [TEAMMATE_ID],
                "get": {"tags": tags, "responses": MANY},
            },
            "/me": {"get": {"tags": ["Token Identity"], "responses": ONE}},
        },
    }


EXPECTED = {
    "get-/widgets": "widgets.list",
    "post-/widgets": "widgets.create",
    "get-/widgets/{widget_id}": "widgets.get",
    "patch-/widgets/{widget_id}": "widgets.update",
    "delete-/widgets/{widget_id}": "widgets.delete",
    "get-/widgets/{widget_id}/children": "widgets.list_children",
    "get-/teammates/{teammate_id}/widgets": "widgets.list_for_teammate",
    "get-/me": "token_identity.get_me",
}


def test_the_id_the_rule_reads_is_spelt_from_method_and_path() -> None:
    assert path_operation_id("GET", "/teammates/{teammate_id}/tags") == "list-teammate-tags"
    assert path_operation_id("GET", "/tags/{tag_id}") == "get-tag"
    assert path_operation_id("POST", "/channels/{channel_id}/incoming_messages") == (
        "create-channel-incoming-messages"
    )
    assert path_operation_id("PUT", "/conversations/{conversation_id}/assignee") == (
        "update-conversation-assignee"
    )


def test_operations_without_ids_get_method_and_path_names() -> None:
    names = facade_names(spec_without_ids(), exceptions={})
    assert {key: name.dotted for key, name in names.items()} == EXPECTED


def test_the_names_do_not_depend_on_the_rest_of_the_spec() -> None:
    """Stable across versions: an operation added or removed elsewhere renames nothing."""
    spec = spec_without_ids()
    smaller = json.loads(json.dumps(spec))
    del smaller["paths"]["/widgets/{widget_id}/children"], smaller["paths"]["/me"]
    names = {k: n.dotted for k, n in facade_names(smaller, exceptions={}).items()}
    assert names == {k: v for k, v in EXPECTED.items() if k in names} and len(names) == 6


@pytest.mark.timeout(300)
def test_a_spec_without_ids_generates_a_facade_that_imports(tmp_path: Path) -> None:
    spec_file = tmp_path / "no-ids.json"
    spec_file.write_text(json.dumps(spec_without_ids()), encoding="utf-8")
    generate.generate(spec_file, tmp_path / "front_core_api")
    script = (
        "import json; from front_client import FrontClient; "
        "from front_core_api.resources import FACADE_METHODS; "
        "front = FrontClient(token='t', base_url='http://127.0.0.1:9'); "
        "methods = {k: v for k, v in FACADE_METHODS.items() "
        "if callable(getattr(getattr(front, v.split('.')[0]), v.split('.')[1]))}; "
        "print(json.dumps(methods))"
    )
    search_path = os.pathsep.join([str(tmp_path), str(ROOT / "overlay"), str(ROOT)])
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": search_path},
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout) == EXPECTED
    resource = (tmp_path / "front_core_api" / "resources" / "widgets.py").read_text(encoding="utf-8")
    assert "``GET /widgets/{widget_id}``." in resource  # the route, and no operationId that is not there
