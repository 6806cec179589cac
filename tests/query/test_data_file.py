"""spec/query-objects.yaml against Front's pinned spec, and what tools/query_objects.py makes of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from front_core_api import query as generated_query

from tools import query_objects
from tools.generate import operations_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "spec" / "query-objects.yaml"
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not PATCHED_SPEC.exists():
        pytest.fail(f"{PATCHED_SPEC} is missing: run `make generate` first")
    loaded: dict[str, Any] = json.loads(PATCHED_SPEC.read_text(encoding="utf-8"))
    return loaded


def _q_description(spec: dict[str, Any], key: str) -> str:
    method, _, route = key.partition(" ")
    for parameter in spec["paths"][route][method.lower()]["parameters"]:
        if "$ref" in parameter:  # components/parameters/<name>
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter.get("name") == "q":
            return str(parameter.get("description", ""))
    raise AssertionError(f"{key} has no q")


def test_every_q_of_the_spec_is_a_listed_query_object(spec: dict[str, Any]) -> None:
    # A q Front adds to another operation fails here: list it in spec/query-objects.yaml.
    assert query_objects.unlisted(query_objects.load(DATA), spec) == []


def test_every_listed_operation_and_enum_is_in_the_spec(spec: dict[str, Any]) -> None:
    resolved = query_objects.resolve(query_objects.load(DATA), spec)
    assert resolved.notes == []
    assert len(resolved.operations) == 13


def test_each_kind_has_the_properties_and_values_the_spec_describes(spec: dict[str, Any]) -> None:
    """The spec's description of each q names its properties and the values Front documents in backticks."""
    objects = query_objects.load(DATA)
    for key, kind in objects.operations.items():
        named = set(re.findall(r"`([a-z_]+)`", _q_description(spec, key)))
        for prop in objects.kinds[kind].properties:
            assert prop.name in named, (key, prop.name)
            assert set(prop.values or []) <= named, (key, prop.name)


def test_the_generated_module_is_the_data_file(spec: dict[str, Any]) -> None:
    objects = query_objects.load(DATA)
    assert objects.operations == generated_query.QUERY_OBJECTS
    assert {
        name: {p.name: p.form for p in kind.properties} for name, kind in objects.kinds.items()
    } == generated_query.QUERY_FORMS
    event_types = spec["components"]["schemas"]["EventResponse"]["properties"]["type"]["enum"]
    assert get_args(generated_query.EventType) == tuple(event_types)  # values_from: the spec's enum


def test_the_endpoint_template_learns_each_operations_kind(spec: dict[str, Any]) -> None:
    table = operations_table(spec, {"GET /events": "EventsQuery"})
    assert table["GET /events"]["query_object"] == "EventsQuery"
    assert "query_object" not in table["GET /conversations"]


MINIMAL_SPEC: dict[str, Any] = {
    "paths": {
        "/things": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}},
        "/others": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}},
    },
    "components": {"schemas": {}},
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "query-objects.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_older_spec_without_an_operation_or_an_enum_is_generated_with_a_note(tmp_path: Path) -> None:
    data = _write(
        tmp_path,
        """
kinds:
  ThingsQuery:
    properties:
      kinds: {form: list, alias: ThingKind, values_from: "#/components/schemas/Thing/properties/kind/enum"}
operations:
  GET /things: ThingsQuery
  GET /gone: ThingsQuery
""",
    )
    resolved = query_objects.resolve(query_objects.load(data), MINIMAL_SPEC)
    assert resolved.operations == {"GET /things": "ThingsQuery"}
    assert [p.value_type for p in resolved.kinds[0].properties] == ["str"]
    assert len(resolved.notes) == 2 and "GET /gone" in resolved.notes[0]
    assert query_objects.unlisted(query_objects.load(data), MINIMAL_SPEC) == ["GET /others"]


def test_a_missing_file_is_an_api_without_query_objects(tmp_path: Path) -> None:
    objects = query_objects.load(tmp_path / "absent.yaml")
    assert objects.kinds == {} and objects.operations == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kinds: {K: {properties: {p: {form: dict}}}}", "form must be one of list, timestamp, string"),
        ("kinds: {K: {properties: {p: {form: list, value: [a]}}}}", "unknown key"),
        ("kinds: {K: {properties: {p: {form: list, values: []}}}}", "non-empty list of strings"),
        ("kinds: {K: {properties: {p-q: {form: list}}}}", "not a Python identifier"),
        ("kinds: {K: {}}\noperations: {GET /x: L}", "unknown kind 'L'"),
        ("kinds: {K: {}}\noperations: {/x: K}", "'GET /path'"),
        ("kinds: {}\nextra: 1", "unknown top-level key"),
    ],
)
def test_a_malformed_file_is_refused_saying_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(query_objects.QueryObjectsError, match=re.escape(message)):
        query_objects.load(_write(tmp_path, text))


def test_the_generated_signature_and_docstring_name_the_kind() -> None:
    import inspect

    from front_core_api.api.events import list_events
    from front_core_api.query import EventsQuery
    from front_core_api.resources.events import Events
    from front_core_api.types import Unset

    assert inspect.signature(list_events.sync).parameters["q"].annotation == EventsQuery | Unset
    assert "q (EventsQuery | Unset):" in (list_events.sync.__doc__ or "")
    assert inspect.signature(Events.list).parameters["q"].annotation == "EventsQuery | None"
