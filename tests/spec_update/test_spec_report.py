"""The API change report (tools/spec_changes/): on Front's real spec history and on synthetic pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.spec_changes.diff import compare
from tools.spec_changes.model import Change, ComponentChanges, OperationChanges, Report, SpecOperation
from tools.spec_changes.render import render
from tools.spec_report import main

from .conftest import TIERS_FILE, make_spec, op, param, ref

# --------------------------------------------------------------------------------------------- helpers


def labels(ops: list[SpecOperation]) -> set[str]:
    return {o.label for o in ops}


def component(report: Report, name: str) -> ComponentChanges:
    found = [cc for cc in report.component_changes if cc.name == name]
    assert found, f"no change reported for component {name}"
    return found[0]


def operation(report: Report, label: str) -> OperationChanges:
    found = [oc for oc in report.operation_changes if oc.operation.label == label]
    assert found, f"no change reported for operation {label}"
    return found[0]


def has(changes: list[Change], severity: str, kind: str, where: str, message: str | None = None) -> bool:
    return any(
        c.severity == severity
        and c.kind == kind
        and c.where == where
        and (message is None or c.message == message)
        for c in changes
    )


def all_changes(report: Report) -> list[Change]:
    out = [c for oc in report.operation_changes for c in oc.changes]
    out += [c for sc in report.shared_changes for c in sc.changes]
    out += [c for cc in report.component_changes for c in cc.changes]
    return out


# ------------------------------------------------------------------------------ real history: 2024 → 2026


def test_2024_to_2026_summary(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    assert report.summary == {
        "operations_old": 212,
        "operations_new": 236,
        "operations_added": 24,
        "operations_removed": 0,
        "operations_moved": 4,
        "operations_deprecated": 9,
        "operations_changed": 61,
        "component_schemas_added": 11,
        "component_schemas_removed": 4,
        "component_schemas_changed": 53,
        "tier_routes_missing": 0,
        "breaking": 74,
        "notice": 38,
        "info": 267,
    }
    # 212 + 24 added = 236: the four moved operations are neither added nor removed
    assert report.operations_old + len(report.operations_added) - len(report.operations_removed) == 236


def test_2024_to_2026_operations_added(report_between: Any) -> None:
    added = labels(report_between("2024-08-20", "2026-02-12").operations_added)
    assert len(added) == 24
    assert {
        "GET /views (list-views)",
        "PATCH /views/{view_id} (update-view)",
        "POST /comments/{comment_id}/replies (add-comment-reply)",
        "DELETE /conversations/{conversation_id} (delete-conversation)",
        "GET /company/statuses (list-company-ticket-statuses)",
        "POST /contact_lists (create-contact-list)",
        "POST /applications/{application_uid}/events (trigger-app-event)",
    } <= added


def test_2024_to_2026_shift_paths_moved_not_removed_and_added(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    assert report.operations_removed == []
    moves = {(m.old.path, m.new.path, m.new.operation_id, m.severity) for m in report.operations_moved}
    assert moves == {
        ("/shift/{shift_id}", "/shifts/{shift_id}", "get-shift", "breaking"),
        ("/shift/{shift_id}/teammates", "/shifts/{shift_id}/teammates", "list-shifts-teammates", "breaking"),
        ("/shift/{shift_id}/teammates", "/shifts/{shift_id}/teammates", "add-teammates-to-shift", "breaking"),
        (
            "/shift/{shift_id}/teammates",
            "/shifts/{shift_id}/teammates",
            "remove-teammates-from-shift",
            "breaking",
        ),
    }
    assert not any("/shifts/{shift_id}" in label for label in labels(report.operations_added))


def test_2024_to_2026_contact_groups_deprecated(report_between: Any) -> None:
    deprecated = labels(report_between("2024-08-20", "2026-02-12").operations_deprecated)
    assert len(deprecated) == 9
    assert "GET /contact_groups (list-groups)" in deprecated
    assert "POST /teams/{team_id}/contact_groups (create-team-group)" in deprecated


def test_2024_to_2026_component_schema_changes(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    # a property added to a response schema, reported once at the component with its operations
    conversation = component(report, "ConversationResponse")
    assert has(conversation.changes, "info", "property-added", "status_id")
    assert "GET /conversations (list-conversations)" in conversation.used_in_responses
    assert conversation.used_in_requests == []
    # an enum value added to a response schema: a notice (callers may not expect it)
    assert has(
        component(report, "EventResponse").changes,
        "notice",
        "enum-value-added",
        "type",
        'enum value "ticket_status_update" added',
    )
    assert has(
        component(report, "RecipientResponse").changes,
        "notice",
        "enum-value-added",
        "role",
        'enum value "reply-to" added',
    )
    # an enum value removed from a response schema is not breaking
    assert has(
        component(report, "CustomFieldResponse").changes,
        "info",
        "enum-value-removed",
        "type",
        'enum value "teammate_list" removed',
    )
    # a type change is breaking
    assert has(
        component(report, "IdentityResponse").changes,
        "breaking",
        "type-changed",
        "id",
        "type integer → string",
    )
    # a property removed from a request schema (and from the response) is breaking
    contact = component(report, "Contact")
    assert has(contact.changes, "breaking", "property-removed", "is_spammer")
    assert "POST /contacts (create-contact)" in contact.used_in_requests
    assert has(component(report, "ContactResponse").changes, "breaking", "property-removed", "is_spammer")
    # request properties that became required are breaking
    export = component(report, "AnalyticsExportRequest")
    for prop in ("start", "end", "type"):
        assert has(export.changes, "breaking", "property-became-required", prop)
    # Front's `{"$ref": ..., "nullable": true}`: the reference became nullable in a response (breaking),
    # reported at the referencing property, not as a change of the referenced component
    conversation_changes = component(report, "ConversationResponse").changes
    assert has(conversation_changes, "breaking", "nullable-added", "assignee", "became nullable")
    assert not any(c.where.startswith("assignee.") for c in conversation_changes)
    # a referenced enum widened into a oneOf: additive, not a type change
    columns = component(report, "AnalyticsActivitiesExportsColumns").changes
    assert has(
        columns,
        "info",
        "variant-added",
        "columns[].oneOf",
        "variant `AnalyticsActivitiesParameterizedColumns` added",
    )
    assert not any(c.kind == "type-changed" for c in columns)


def test_2024_to_2026_components_added_and_removed(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    added = {r.name: r for r in report.components_added}
    removed = {r.name: r for r in report.components_removed}
    assert {"StatusResponse", "SharedViewResponse", "CreateContactList", "AppEvent"} <= set(added)
    assert set(removed) == {
        "AddContactsToGroup",
        "ContactGroupResponses",
        "CreateContactGroup",
        "RemoveContactsFromGroup",
    }
    assert "GET /company/statuses (list-company-ticket-statuses)" in added["StatusResponse"].used_by
    assert "POST /contact_groups (create-group)" in removed["CreateContactGroup"].used_by


def test_2024_to_2026_operation_level_changes(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    followers = operation(
        report, "POST /conversations/{conversation_id}/followers (add-conversation-followers)"
    )
    assert has(followers.changes, "info", "parameter-added", "parameter query.ignore_errors")
    # a response switched to another component: diffed structurally where it happened
    kbs = operation(report, "GET /knowledge_bases (list-knowledge-bases)").changes
    assert has(
        kbs,
        "info",
        "ref-changed",
        "response 200 > _results[]",
        "schema `KnowledgeBaseResponse` replaced by `KnowledgeBaseSlimResponse`",
    )
    assert has(kbs, "breaking", "property-removed", "response 200 > _results[].name")
    # the same inline change in many operations is grouped, not repeated per operation
    pagination = [
        sc
        for sc in report.shared_changes
        if has(sc.changes, "breaking", "nullable-added", "response 200 > _pagination.next")
    ]
    assert len(pagination) == 1
    assert len(pagination[0].operations) == 32
    assert "GET /accounts (list-accounts)" in pagination[0].operations
    assert not any(oc.operation.label == "GET /accounts (list-accounts)" for oc in report.operation_changes)


def test_2024_to_2026_request_body_ref_renamed_component(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    group = [sc for sc in report.shared_changes if "POST /contact_groups (create-group)" in sc.operations]
    assert group and has(
        group[0].changes,
        "info",
        "ref-changed",
        "request body",
        "schema `CreateContactGroup` replaced by `CreateContactList`",
    )


# ---------------------------------------------------------------------------- real history: 2026 → now


def test_2026_to_current(report_between: Any) -> None:
    report = report_between("2026-02-12", "current")
    assert report.summary == {
        "operations_old": 236,
        "operations_new": 244,
        "operations_added": 8,
        "operations_removed": 0,
        "operations_moved": 0,
        "operations_deprecated": 0,
        "operations_changed": 3,
        "component_schemas_added": 7,
        "component_schemas_removed": 0,
        "component_schemas_changed": 11,
        "tier_routes_missing": 0,
        "breaking": 6,
        "notice": 12,
        "info": 44,
    }
    assert labels(report.operations_added) == {
        "DELETE /time_offs/{time_off_id} (delete-time-off)",
        "GET /time_offs/{time_off_id} (get-time-off)",
        "PATCH /time_offs/{time_off_id} (update-time-off)",
        "GET /teams/{team_id}/time_offs (list-team-time-offs)",
        "GET /teammates/{teammate_id}/time_offs (list-teammate-time-offs)",
        "POST /teammates/{teammate_id}/time_offs (create-time-off)",
        "GET /teammates/{teammate_id}/private_inboxes (list-teammate-private-inboxes)",
        "POST /teammates/{teammate_id}/private_inboxes (create-teammate-private-inbox)",
    }
    assert {"TimeOffResponse", "CreateTimeOff", "UpdateTimeOff"} <= {r.name for r in report.components_added}
    # upstream dropped the request body of update-message-template
    template = operation(report, "PATCH /message_templates/{message_template_id} (update-message-template)")
    assert has(template.changes, "breaking", "request-body-removed", "request body")
    # request enum: value added is info, value removed is breaking
    assert has(
        component(report, "CreateConversation").changes,
        "info",
        "enum-value-added",
        "type",
        'enum value "task" added',
    )
    assert has(
        component(report, "AnalyticsActivitiesColumns").changes,
        "breaking",
        "enum-value-removed",
        "(schema)",
        'enum value "Ticket status name at activity time" removed',
    )
    # response enum: value added is a notice, value removed is info
    teammate = component(report, "TeammateResponse").changes
    assert has(teammate, "notice", "enum-value-added", "type", 'enum value "ai" added')
    assert has(teammate, "info", "enum-value-removed", "type", 'enum value "API" removed')
    assert has(component(report, "ConversationResponse").changes, "info", "property-added", "due_at")


def test_2024_to_current_is_consistent(report_between: Any) -> None:
    report = report_between("2024-08-20", "current")
    s = report.summary
    assert (s["operations_old"], s["operations_new"]) == (212, 244)
    assert s["operations_added"] == 24 + 8
    assert s["operations_moved"] == 4
    assert s["operations_removed"] == 0


def test_real_tier_table_routes_checked(spec: Any) -> None:
    if not TIERS_FILE.exists():
        pytest.skip(f"{TIERS_FILE} is absent")
    tiers = json.loads(TIERS_FILE.read_text(encoding="utf-8"))
    current = spec("current")
    report = compare(current, current, tiers)
    missing = {(t.method, t.path) for t in report.tier_routes_missing}
    present = {(str(r["method"]).upper(), str(r["path"])) for r in tiers["routes"]} - missing
    # routes the tier table shares with the Core API are found (e.g. the message-sending ones)
    assert ("POST", "/conversations/{conversation_id}/messages") in present or not tiers["routes"]
    assert all(not t.in_old_spec for t in report.tier_routes_missing)


# ------------------------------------------------------------------------------------------ identical


def test_identical_spec_gives_empty_report(spec: Any) -> None:
    current = spec("current")
    report = compare(current, spec("current"), None)
    assert report.is_empty
    assert not report.has_breaking
    assert all(v == 0 for k, v in report.summary.items() if k not in {"operations_old", "operations_new"})
    assert "No changes." in render(report, "text")
    assert "No changes." in render(report, "markdown")


def test_identical_synthetic_spec_gives_empty_report() -> None:
    s = make_spec({"/a": {"get": op("get-a", response=ref("A"))}}, {"A": {"type": "object"}})
    assert compare(s, s).is_empty


# ------------------------------------------------------------------------------ synthetic: breaking rules


def _pair_params(old_params: list[dict[str, Any]], new_params: list[dict[str, Any]]) -> Report:
    old = make_spec({"/items": {"get": op("list-items", params=old_params)}})
    new = make_spec({"/items": {"get": op("list-items", params=new_params)}})
    return compare(old, new)


def test_removed_parameter_is_breaking() -> None:
    report = _pair_params([param("limit"), param("q")], [param("limit")])
    changes = operation(report, "GET /items (list-items)").changes
    assert has(changes, "breaking", "parameter-removed", "parameter query.q")
    assert report.has_breaking and report.summary["breaking"] == 1


def test_parameter_became_required_is_breaking() -> None:
    report = _pair_params([param("q")], [param("q", required=True)])
    assert has(
        operation(report, "GET /items (list-items)").changes,
        "breaking",
        "parameter-became-required",
        "parameter query.q",
    )


def test_new_required_parameter_is_breaking_optional_is_not() -> None:
    report = _pair_params([], [param("q", required=True), param("limit")])
    changes = operation(report, "GET /items (list-items)").changes
    assert has(changes, "breaking", "parameter-added", "parameter query.q", "new required parameter")
    assert has(changes, "info", "parameter-added", "parameter query.limit")


def test_parameter_type_change_is_breaking_and_optional_relaxation_is_not() -> None:
    report = _pair_params(
        [param("limit", type_="integer"), param("q", required=True)],
        [param("limit", type_="string"), param("q")],
    )
    changes = operation(report, "GET /items (list-items)").changes
    assert has(changes, "breaking", "type-changed", "parameter query.limit", "type integer → string")
    assert has(changes, "info", "parameter-became-optional", "parameter query.q")
    assert report.summary["breaking"] == 1


def test_parameter_ref_resolved() -> None:
    old = make_spec({"/items": {"get": op("list-items", params=[{"$ref": "#/components/parameters/q"}])}})
    old["components"]["parameters"] = {"q": param("q")}
    new = make_spec({"/items": {"get": op("list-items", params=[{"$ref": "#/components/parameters/q"}])}})
    new["components"]["parameters"] = {"q": param("q", required=True)}
    assert has(
        operation(compare(old, new), "GET /items (list-items)").changes,
        "breaking",
        "parameter-became-required",
        "parameter query.q",
    )


def _enum_pair(where: str, old_values: list[str], new_values: list[str]) -> Report:
    def build(values: list[str]) -> dict[str, Any]:
        schemas = {"Kind": {"type": "object", "properties": {"kind": {"type": "string", "enum": values}}}}
        operation_ = (
            op("create-item", body=ref("Kind"))
            if where == "request"
            else op("get-item", response=ref("Kind"))
        )
        return make_spec({"/items": {"post" if where == "request" else "get": operation_}}, schemas)

    return compare(build(old_values), build(new_values))


def test_enum_value_removed_from_request_is_breaking() -> None:
    report = _enum_pair("request", ["a", "b"], ["a", "c"])
    kind = component(report, "Kind")
    assert has(kind.changes, "breaking", "enum-value-removed", "kind", 'enum value "b" removed')
    assert has(kind.changes, "info", "enum-value-added", "kind", 'enum value "c" added')
    assert kind.used_in_requests == ["POST /items (create-item)"]
    assert report.operation_changes == []  # reported at the component, not again per operation


def test_enum_value_in_response_added_is_notice_removed_is_not_breaking() -> None:
    report = _enum_pair("response", ["a", "b"], ["a", "c"])
    kind = component(report, "Kind")
    assert has(kind.changes, "info", "enum-value-removed", "kind")
    assert has(kind.changes, "notice", "enum-value-added", "kind")
    assert not report.has_breaking


def _property_pair(
    where: str,
    old_props: dict[str, Any],
    new_props: dict[str, Any],
    old_required: list[str] | None = None,
    new_required: list[str] | None = None,
) -> Report:
    def build(props: dict[str, Any], required: list[str] | None) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        operation_ = op("create-item", body=schema) if where == "request" else op("get-item", response=schema)
        return make_spec({"/items": {"post" if where == "request" else "get": operation_}})

    return compare(build(old_props, old_required), build(new_props, new_required))


def test_property_removed_from_response_is_breaking() -> None:
    report = _property_pair(
        "response",
        {"id": {"type": "string"}, "name": {"type": "string"}},
        {"id": {"type": "string"}, "email": {"type": "string"}},
    )
    changes = operation(report, "GET /items (get-item)").changes
    assert has(changes, "breaking", "property-removed", "response 200 > name")
    assert has(changes, "info", "property-added", "response 200 > email")
    assert report.summary["breaking"] == 1


def test_request_property_became_required_and_new_required_property_are_breaking() -> None:
    report = _property_pair(
        "request",
        {"a": {"type": "string"}},
        {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "integer"}},
        new_required=["a", "b"],
    )
    changes = operation(report, "POST /items (create-item)").changes
    assert has(changes, "breaking", "property-became-required", "request body > a")
    assert has(changes, "breaking", "required-property-added", "request body > b")
    assert has(changes, "info", "property-added", "request body > c")


def test_response_property_became_required_is_not_breaking() -> None:
    report = _property_pair(
        "response", {"a": {"type": "string"}}, {"a": {"type": "string"}}, new_required=["a"]
    )
    assert has(
        operation(report, "GET /items (get-item)").changes,
        "info",
        "property-became-required",
        "response 200 > a",
    )
    assert not report.has_breaking


def test_nullability_depends_on_direction() -> None:
    nullable = {"a": {"type": "string", "nullable": True}}
    plain = {"a": {"type": "string"}}
    response = operation(_property_pair("response", plain, nullable), "GET /items (get-item)").changes
    assert has(response, "breaking", "nullable-added", "response 200 > a")
    request = operation(_property_pair("request", plain, nullable), "POST /items (create-item)").changes
    assert has(request, "info", "nullable-added", "request body > a")
    request = operation(_property_pair("request", nullable, plain), "POST /items (create-item)").changes
    assert has(request, "breaking", "nullable-removed", "request body > a")


def test_nullable_reference_idioms() -> None:
    plain = {"owner": ref("Owner")}
    sibling = {"owner": {**ref("Owner"), "nullable": True}}  # what Front publishes
    wrapped = {"owner": {"allOf": [ref("Owner")], "nullable": True}}  # the OpenAPI 3.0 idiom

    def pair(old: dict[str, Any], new: dict[str, Any]) -> Report:
        def build(props: dict[str, Any]) -> dict[str, Any]:
            schemas = {"Owner": {"type": "object", "properties": {"id": {"type": "string"}}}}
            return make_spec(
                {"/a": {"get": op("get-a", response={"type": "object", "properties": props})}}, schemas
            )

        return compare(build(old), build(new))

    assert pair(sibling, wrapped).is_empty
    for nullable in (sibling, wrapped):
        changes = operation(pair(plain, nullable), "GET /a (get-a)").changes
        assert changes == [Change("breaking", "nullable-added", "response 200 > owner", "became nullable")]


def test_nested_type_change_in_array_items_is_breaking() -> None:
    old = {"tags": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
    new = {"tags": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    changes = operation(_property_pair("response", old, new), "GET /items (get-item)").changes
    assert has(changes, "breaking", "type-changed", "response 200 > tags[].id", "type integer → string")


def test_removed_operation_is_breaking_and_added_is_not() -> None:
    old = make_spec({"/a": {"get": op("get-a"), "delete": op("delete-a")}})
    new = make_spec({"/a": {"get": op("get-a")}, "/b": {"post": op("create-b")}})
    report = compare(old, new)
    assert labels(report.operations_removed) == {"DELETE /a (delete-a)"}
    assert labels(report.operations_added) == {"POST /b (create-b)"}
    assert report.summary["breaking"] == 1
    assert report.summary["info"] == 1


def test_request_body_rules() -> None:
    old = make_spec(
        {
            "/a": {
                "post": op("create-a", body={"type": "object"}, body_required=False),
                "put": op("put-a", body={"type": "object"}),
            }
        }
    )
    new = make_spec(
        {"/a": {"post": op("create-a", body={"type": "object"}, body_required=True), "put": op("put-a")}}
    )
    report = compare(old, new)
    assert has(
        operation(report, "POST /a (create-a)").changes,
        "breaking",
        "request-body-became-required",
        "request body",
    )
    assert has(
        operation(report, "PUT /a (put-a)").changes, "breaking", "request-body-removed", "request body"
    )


def test_newly_deprecated_operation_is_notice() -> None:
    old = make_spec({"/a": {"get": op("get-a")}})
    new = make_spec({"/a": {"get": op("get-a", deprecated=True)}})
    report = compare(old, new)
    assert labels(report.operations_deprecated) == {"GET /a (get-a)"}
    assert report.summary["notice"] == 1 and not report.has_breaking


def test_renamed_path_parameter_is_a_move_not_remove_and_add() -> None:
    p_old = [param("id", "path", required=True)]
    p_new = [param("item_id", "path", required=True)]
    old = make_spec({"/items/{id}": {"get": op("get-item", params=p_old)}})
    new = make_spec(
        {"/items/{item_id}/": {"get": op("fetch-item", params=p_new)}}
    )  # even with a new operationId
    report = compare(old, new)
    assert report.operations_added == [] and report.operations_removed == []
    (move,) = report.operations_moved
    assert (move.old.path, move.new.path, move.severity) == ("/items/{id}", "/items/{item_id}/", "notice")
    changes = operation(report, "GET /items/{item_id}/ (fetch-item)").changes
    assert changes == [
        Change(
            "notice",
            "parameter-renamed",
            "parameter path.item_id",
            "path parameter `id` renamed to `item_id`",
        )
    ]


def test_component_change_reported_once_with_its_operations() -> None:
    def build(extra: dict[str, Any]) -> dict[str, Any]:
        schemas = {
            "Item": {"type": "object", "properties": {"id": {"type": "string"}, "owner": ref("Owner")}},
            "Owner": {"type": "object", "properties": {"id": {"type": "string"}, **extra}},
            "CreateItem": {
                "allOf": [ref("Item"), {"type": "object", "properties": {"note": {"type": "string"}}}]
            },
        }
        list_schema = {"type": "object", "properties": {"_results": {"type": "array", "items": ref("Item")}}}
        return make_spec(
            {
                "/items": {
                    "get": op("list-items", response=list_schema),
                    "post": op("create-item", body=ref("CreateItem")),
                },
                "/items/{id}": {
                    "get": op("get-item", params=[param("id", "path", required=True)], response=ref("Item"))
                },
            },
            schemas,
        )

    report = compare(build({"name": {"type": "string"}}), build({}))
    assert report.operation_changes == [] and report.shared_changes == []
    assert [cc.name for cc in report.component_changes] == [
        "Owner"
    ]  # not Item, CreateItem, nor per operation
    owner = report.component_changes[0]
    assert owner.changes == [Change("breaking", "property-removed", "name", "property removed")]
    # reached transitively: through Item (responses) and through CreateItem's allOf (request)
    assert owner.used_in_responses == ["GET /items (list-items)", "GET /items/{id} (get-item)"]
    assert owner.used_in_requests == ["POST /items (create-item)"]


def test_allof_change_reported_at_base_only() -> None:
    def build(base_props: dict[str, Any], own_required: list[str]) -> dict[str, Any]:
        schemas = {
            "Base": {"type": "object", "properties": base_props},
            "Create": {
                "allOf": [
                    ref("Base"),
                    {"type": "object", "required": own_required, "properties": {"x": {"type": "string"}}},
                ]
            },
        }
        return make_spec({"/a": {"post": op("create-a", body=ref("Create"))}}, schemas)

    report = compare(
        build({"a": {"type": "string"}, "b": {"type": "string"}}, []), build({"a": {"type": "string"}}, ["a"])
    )
    by_name = {cc.name: cc.changes for cc in report.component_changes}
    assert by_name["Base"] == [Change("breaking", "property-removed", "b", "property removed")]
    # the composite's own change (an inherited property it now requires) is reported at the composite
    assert by_name["Create"] == [Change("breaking", "property-became-required", "a", "became required")]


def test_enum_type_change_in_component_used_both_ways_takes_worst_severity() -> None:
    def build(values: list[str]) -> dict[str, Any]:
        schemas = {"Status": {"type": "string", "enum": values}}
        return make_spec(
            {"/s": {"get": op("get-s", response=ref("Status")), "put": op("put-s", body=ref("Status"))}},
            schemas,
        )

    status = component(compare(build(["a", "b"]), build(["a"])), "Status")
    assert status.changes == [Change("breaking", "enum-value-removed", "(schema)", 'enum value "b" removed')]
    status = component(compare(build(["a"]), build(["a", "b"])), "Status")
    assert status.changes == [Change("notice", "enum-value-added", "(schema)", 'enum value "b" added')]


# ------------------------------------------------------------------------------------- tier coverage


def test_tier_route_that_vanished_is_reported() -> None:
    tiers = {
        "routes": [
            {"method": "POST", "path": "/exports", "tier": 1},  # vanished from the new spec
            {"method": "patch", "path": "/teammates/{tid}/", "tier": 2},  # other param name, trailing slash
            {"method": "GET", "path": "/never", "tier": 2},  # in neither spec
        ]
    }
    p = [param("teammate_id", "path", required=True)]
    old = make_spec(
        {
            "/exports": {"post": op("create-export")},
            "/teammates/{teammate_id}": {"patch": op("update-teammate", params=p)},
        }
    )
    new = make_spec({"/teammates/{teammate_id}": {"patch": op("update-teammate", params=p)}})
    report = compare(old, new, tiers)
    assert [(t.method, t.path, t.tier, t.in_old_spec) for t in report.tier_routes_missing] == [
        ("POST", "/exports", 1, True),
        ("GET", "/never", 2, False),
    ]
    assert report.summary["tier_routes_missing"] == 2
    assert "POST /exports (tier 1)" in render(report, "text")
    assert "`POST /exports` (tier 1)" in render(report, "markdown")
    assert compare(old, new, None).tier_routes_missing == []


# ---------------------------------------------------------------------------------------------- render


def _sample_report() -> Report:
    old = make_spec(
        {
            "/a": {"get": op("get-a", params=[param("q")], response=ref("A"))},
            "/gone": {"delete": op("delete-gone")},
        },
        {"A": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x", "y"]}}}},
    )
    new = make_spec(
        {"/a": {"get": op("get-a", response=ref("A"))}, "/b": {"post": op("create-b")}},
        {
            "A": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x", "y", "z"]}}},
            "B": {"type": "object"},
        },
    )
    return compare(old, new, {"routes": [{"method": "DELETE", "path": "/gone", "tier": 1}]})


def test_text_render_summary_first_then_sections() -> None:
    text = render(_sample_report(), "text")
    lines = text.splitlines()
    assert lines[2] == "Summary: 2 breaking, 2 notice, 2 info"
    for section in (
        "Operations removed",
        "Operations added",
        "Operation changes",
        "Component schemas added",
        "Component schema changes",
        "Rate-limit tier routes without an operation",
    ):
        assert section in lines
    assert text.index("Summary:") < text.index("Operations removed")
    assert "  [BREAKING] DELETE /gone (delete-gone)" in lines
    assert "    [BREAKING] parameter query.q: parameter removed" in lines
    assert '    [notice] kind: enum value "z" added' in lines


def test_markdown_render() -> None:
    md = render(_sample_report(), "markdown")
    assert md.startswith("## API changes: Synthetic 1 → Synthetic 1\n")
    assert "**2 breaking**, 2 notice, 2 info." in md
    assert "### Operations removed" in md
    assert "- **BREAKING** `DELETE /gone` (`delete-gone`)" in md
    assert "| operations added | 1 |" in md


def test_json_render_round_trips_sorted_and_deterministic() -> None:
    report = _sample_report()
    text = render(report, "json")
    data = json.loads(text)
    assert Report.from_dict(data) == report
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["summary"] == report.summary
    assert text == render(_sample_report(), "json")


def test_real_report_json_round_trips(report_between: Any) -> None:
    report = report_between("2024-08-20", "2026-02-12")
    assert Report.from_dict(json.loads(render(report, "json"))) == report
    assert render(report, "text") == render(report_between("2024-08-20", "2026-02-12"), "text")


def test_unknown_format_rejected() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(_sample_report(), "html")


# ------------------------------------------------------------------------------------------------- CLI


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = make_spec({"/a": {"get": op("get-a", params=[param("q")])}})
    new = make_spec({"/a": {"get": op("get-a")}})
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    (tmp_path / "tiers.json").write_text(json.dumps({"routes": [{"method": "GET", "path": "/b", "tier": 1}]}))
    args = [str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--tiers", str(tmp_path / "tiers.json")]

    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["breaking"] == 1
    assert data["summary"]["tier_routes_missing"] == 1
    assert data["old_version"] == "old.json (Synthetic 1)"

    assert main([*args, "--fail-on-breaking"]) == 1
    assert capsys.readouterr().out.startswith(
        "API change report: old.json (Synthetic 1) → new.json (Synthetic 1)"
    )
    assert main([str(tmp_path / "old.json"), str(tmp_path / "old.json"), "--fail-on-breaking"]) == 0
    assert "No changes." in capsys.readouterr().out
