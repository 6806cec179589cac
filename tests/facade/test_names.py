"""Facade names: by rule, unique and valid identifiers in every spec version we hold."""

from __future__ import annotations

import json
import keyword
from pathlib import Path

import pytest

from tools.facade_names import changes, duplicates, facade_names, load_exceptions, rule_name

SPECS = Path(__file__).resolve().parents[3] / "shared" / "front-api-specs"
VERSIONS = sorted(SPECS.glob("core-api*.json")) + sorted((SPECS / "history").glob("core-api*.json"))


@pytest.mark.parametrize("spec_file", VERSIONS, ids=lambda p: p.name)
def test_names_are_unique_and_valid_in_every_version(spec_file: Path) -> None:
    names = facade_names(json.loads(spec_file.read_text(encoding="utf-8")))
    assert names
    assert duplicates(names) == []
    for name in names.values():
        assert name.namespace.isidentifier() and name.method.isidentifier(), name
        assert not keyword.iskeyword(name.method), name


def test_there_are_versions_to_check() -> None:
    if not VERSIONS:
        pytest.skip("../shared/front-api-specs is absent")
    assert len(VERSIONS) >= 3


@pytest.mark.parametrize(
    ("tag", "operation_id", "path", "expected"),
    [
        ("Conversations", "list-conversations", "/conversations", "list"),
        ("Conversations", "get-conversation-by-id", "/conversations/{conversation_id}", "get"),
        (
            "Conversations",
            "update-conversation-assignee",
            "/conversations/{conversation_id}/assignee",
            "update_assignee",
        ),
        ("Tags", "list-teammate-tags", "/teammates/{teammate_id}/tags", "list_for_teammate"),
        ("Accounts", "add-contact-to-account", "/accounts/{account_id}/contacts", "add_contact"),
        ("Accounts", "fetch-an-account", "/accounts/{account_id}", "get"),
        ("Messages", "import-inbox-message", "/inboxes/{inbox_id}/imported_messages", "import_for_inbox"),
        ("Teammate groups", "list-company-teammate-groups", "/teammate_groups", "list"),
        ("Widgets", "import-widgets", "/widgets", "import_"),  # a keyword gets a trailing underscore
    ],
)
def test_the_rule(tag: str, operation_id: str, path: str, expected: str) -> None:
    assert rule_name(tag, operation_id, path) == expected


def test_exceptions_carry_reasons_and_are_used() -> None:
    exceptions = load_exceptions()
    assert exceptions and all(entry["reason"] for entry in exceptions.values())
    spec = {"paths": {"/me": {"get": {"operationId": "api-token-details", "tags": ["Token Identity"]}}}}
    assert facade_names(spec)["api-token-details"].dotted == "token_identity.get"
    assert facade_names(spec, {})["api-token-details"].dotted == "token_identity.api_token_details"


def test_a_clash_falls_back_to_the_whole_operation_id() -> None:
    spec = {
        "paths": {
            "/a": {"get": {"operationId": "list-tags", "tags": ["Tags"]}},
            "/b": {"get": {"operationId": "list-the-tags", "tags": ["Tags"]}},
        }
    }
    names = facade_names(spec, {})
    assert {n.method for n in names.values()} == {"list_tags", "list_the_tags"}


def test_changes_name_added_renamed_and_removed_methods() -> None:
    old = facade_names(
        {
            "paths": {
                "/t": {"get": {"operationId": "list-tags", "tags": ["Tags"]}},
                "/x": {"get": {"operationId": "get-x", "tags": ["X"]}},
            }
        },
        {},
    )
    new = facade_names(
        {
            "paths": {
                "/t": {"get": {"operationId": "list-tags", "tags": ["Labels"]}},
                "/y": {"get": {"operationId": "get-y", "tags": ["Y"]}},
            }
        },
        {},
    )
    assert changes(old, new) == {
        "added": ["y.get"],
        "renamed": ["tags.list → labels.list_tags"],
        "removed": ["x.get"],
    }


def test_the_spec_report_lists_facade_changes() -> None:
    from tools.spec_changes.diff import compare
    from tools.spec_changes.render import render

    def spec(paths: dict[str, object]) -> dict[str, object]:
        return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}

    ok = {"200": {"description": "ok"}}
    old = spec(
        {
            "/tags": {"get": {"operationId": "list-tags", "tags": ["Tags"], "responses": ok}},
            "/x": {"get": {"operationId": "get-x", "tags": ["X"], "responses": ok}},
        }
    )
    new = spec(
        {
            "/tags": {"get": {"operationId": "list-tags", "tags": ["Labels"], "responses": ok}},
            "/y": {"get": {"operationId": "get-y", "tags": ["Y"], "responses": ok}},
        }
    )
    text = render(compare(old, new))
    assert "Facade methods (client.<namespace>.<method>)" in text
    assert "[info] added y.get" in text
    assert "[BREAKING] renamed tags.list → labels.list_tags" in text
    assert "[BREAKING] removed x.get" in text
