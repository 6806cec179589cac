"""The API change report between two OpenAPI 3.0 specs (old -> new): :func:`compare`.

* Operations are keyed by ``(METHOD, path)``. An operation that vanished from one key and appeared
  under another with the same ``operationId`` (or the same method and the same path template once
  parameter names are ignored) is reported as *moved*, then diffed like any other operation.
* Per operation: parameters (keyed by ``in`` + ``name``, ``$ref`` resolved), request body, responses
  (per status code and media type), their schemas through :class:`SchemaDiff`. A component schema is
  diffed once and listed with the operations that reach it (transitively, through other components) in
  requests and in responses; used in both, it gets the more severe of the two; reached by none, ``info``.
* The same change found in several operations (an inline schema each operation repeats, such as
  ``_pagination``) is reported once, with the list of operations (``Report.shared_changes``).
* The ``default`` of a required (e.g. path) parameter is ignored: Front puts example IDs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tools.spec_changes.document import SpecDocument, path_params, path_template
from tools.spec_changes.model import (
    Change,
    ComponentChanges,
    ComponentRef,
    Context,
    MissingTierRoute,
    OperationChanges,
    OperationMove,
    Report,
    Severity,
    SharedChanges,
    SpecOperation,
    change_key,
)
from tools.spec_changes.schema_diff import RawChange, SchemaDiff, finish, finish_unused, without_default


class _OperationDiff:
    def __init__(self, old: SpecDocument, new: SpecDocument) -> None:
        self.old, self.new = old, new
        self.schemas = SchemaDiff(old, new)

    def diff(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        changes: list[Change] = []
        changes += self._parameters(old_key, new_key)
        changes += self._request_body(old_key, new_key)
        changes += self._responses(old_key, new_key)
        return sorted(set(changes), key=change_key)

    def _parameters(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        out: list[Change] = []
        old_params, new_params = self.old.parameters(old_key), self.new.parameters(new_key)
        # a moved operation: match path parameters by position
        renames: dict[tuple[str, str], tuple[str, str]] = {}
        old_names, new_names = path_params(old_key[1]), path_params(new_key[1])
        if old_key[1] != new_key[1] and len(old_names) == len(new_names):
            for old_name, new_name in zip(old_names, new_names, strict=True):
                if (
                    old_name != new_name
                    and ("path", old_name) in old_params
                    and ("path", new_name) in new_params
                ):
                    renames[("path", old_name)] = ("path", new_name)
                    out.append(
                        Change(
                            "notice",
                            "parameter-renamed",
                            f"parameter path.{new_name}",
                            f"path parameter `{old_name}` renamed to `{new_name}`",
                        )
                    )
        matched = {renames.get(k, k): k for k in old_params}
        for new_pk in sorted(set(new_params) | set(matched), key=lambda k: (k[0], k[1])):
            where = f"parameter {new_pk[0]}.{new_pk[1]}"
            old_pk = matched.get(new_pk)
            o = old_params.get(old_pk) if old_pk else None
            n = new_params.get(new_pk)
            if o is None and n is not None:
                if n.get("required"):
                    out.append(Change("breaking", "parameter-added", where, "new required parameter"))
                else:
                    out.append(Change("info", "parameter-added", where, "optional parameter added"))
                continue
            if n is None:
                out.append(Change("breaking", "parameter-removed", where, "parameter removed"))
                continue
            assert o is not None
            if bool(n.get("required")) != bool(o.get("required")):
                if n.get("required"):
                    out.append(Change("breaking", "parameter-became-required", where, "became required"))
                else:
                    out.append(Change("info", "parameter-became-optional", where, "became optional"))
            if n.get("deprecated") and not o.get("deprecated"):
                out.append(Change("notice", "parameter-deprecated", where, "deprecated"))
            raw: list[RawChange] = []
            old_schema, new_schema = o.get("schema", {}), n.get("schema", {})
            if new_pk[0] == "path" or (o.get("required") and n.get("required")):
                # a required parameter's `default` is never used: Front puts example IDs there
                old_schema, new_schema = without_default(old_schema), without_default(new_schema)
            self.schemas.diff(old_schema, new_schema, where, raw)
            out += finish(raw, ["request"])
        return out

    def _request_body(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        o, n = self.old.request_body(old_key), self.new.request_body(new_key)
        where = "request body"
        if o is None and n is None:
            return []
        if o is None:
            assert n is not None
            if n.get("required"):
                return [Change("breaking", "request-body-added", where, "required request body added")]
            return [Change("info", "request-body-added", where, "optional request body added")]
        if n is None:
            return [Change("breaking", "request-body-removed", where, "request body removed")]
        out: list[Change] = []
        if bool(n.get("required")) != bool(o.get("required")):
            if n.get("required"):
                out.append(Change("breaking", "request-body-became-required", where, "became required"))
            else:
                out.append(Change("info", "request-body-became-optional", where, "became optional"))
        out += self._content(o, n, where, "request")
        return out

    def _responses(self, old_key: tuple[str, str], new_key: tuple[str, str]) -> list[Change]:
        out: list[Change] = []
        old_resp, new_resp = self.old.responses(old_key), self.new.responses(new_key)
        for code in sorted(set(old_resp) | set(new_resp)):
            where = f"response {code}"
            if code not in old_resp:
                out.append(Change("info", "response-added", where, "response status added"))
            elif code not in new_resp:
                out.append(Change("notice", "response-removed", where, "response status removed"))
            else:
                out += self._content(old_resp[code], new_resp[code], where, "response")
        return out

    def _content(self, o: Mapping[str, Any], n: Mapping[str, Any], where: str, ctx: Context) -> list[Change]:
        out: list[Change] = []
        old_c, new_c = o.get("content") or {}, n.get("content") or {}
        for media in sorted(set(old_c) | set(new_c)):
            label = f"{where} {media}" if len(set(old_c) | set(new_c)) > 1 else where
            if media not in old_c:
                out.append(Change("info", "media-type-added", label, f"media type {media} added"))
            elif media not in new_c:
                sev: Severity = "breaking" if ctx == "request" else "notice"
                out.append(Change(sev, "media-type-removed", label, f"media type {media} removed"))
            else:
                raw: list[RawChange] = []
                self.schemas.diff(old_c[media].get("schema", {}), new_c[media].get("schema", {}), "", raw)
                out += [
                    Change(
                        c.severity,
                        c.kind,
                        f"{label} > {c.where}" if c.where != "(schema)" else label,
                        c.message,
                    )
                    for c in finish(raw, [ctx])
                ]
        return out


def _match_moves(
    old: SpecDocument, new: SpecDocument, removed: set[tuple[str, str]], added: set[tuple[str, str]]
) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
    by_id = {new.op(k).operation_id: k for k in sorted(added) if new.op(k).operation_id}
    for key in sorted(removed):
        op_id = old.op(key).operation_id
        if op_id and op_id in by_id and by_id[op_id] in added:
            pairs.append((key, by_id[op_id]))
            added.discard(by_id[op_id])
    removed.difference_update(p[0] for p in pairs)
    by_template = {(k[0], path_template(k[1])): k for k in sorted(added)}
    for key in sorted(removed):
        target = by_template.get((key[0], path_template(key[1])))
        if target is not None and target in added:
            pairs.append((key, target))
            added.discard(target)
    removed.difference_update(p[0] for p in pairs)
    return pairs


def _labels(labels: Iterable[str]) -> list[str]:
    return sorted(set(labels))


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    tier_table: Mapping[str, Any] | None = None,
    *,
    old_label: str | None = None,
    new_label: str | None = None,
) -> Report:
    """Compare two OpenAPI 3.0 documents (parsed JSON) and return the change report.

    ``tier_table``: the parsed ``tiers.json`` (its ``routes``), checked against the new spec.
    ``old_label``/``new_label``: shown before ``info.title``/``info.version`` (e.g. the file names;
    Front never bumps ``info.version``).
    """
    o, n = SpecDocument(old), SpecDocument(new)
    removed, added = set(o.operations) - set(n.operations), set(n.operations) - set(o.operations)
    moves = _match_moves(o, n, removed, added)

    def sort_key(key: tuple[str, str]) -> tuple[str, str]:
        return (key[1], key[0])

    operation_moves = []
    for ok, nk in sorted(moves, key=lambda p: sort_key(p[1])):
        if path_template(ok[1]) == path_template(nk[1]) and ok[0] == nk[0]:
            operation_moves.append(
                OperationMove(o.op(ok), n.op(nk), "notice", "path parameter renamed (same URL template)")
            )
        else:
            operation_moves.append(
                OperationMove(o.op(ok), n.op(nk), "breaking", "path changed, same operationId")
            )

    pairs = [(k, k) for k in set(o.operations) & set(n.operations)] + moves
    differ = _OperationDiff(o, n)
    all_changes: list[tuple[SpecOperation, list[Change]]] = []
    deprecated: list[SpecOperation] = []
    for ok, nk in sorted(pairs, key=lambda p: sort_key(p[1])):
        if n.operations[nk].get("deprecated") and not o.operations[ok].get("deprecated"):
            deprecated.append(n.op(nk))
        all_changes.append((n.op(nk), differ.diff(ok, nk)))
    # the same change in several operations is reported once, with the list of operations
    seen_in: dict[Change, list[str]] = {}
    for op, changes in all_changes:
        for change in changes:
            seen_in.setdefault(change, []).append(op.label)
    shared = {change for change, labels in seen_in.items() if len(labels) > 1}
    op_changes = [
        OperationChanges(op, [c for c in changes if c not in shared])
        for op, changes in all_changes
        if set(changes) - shared
    ]
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in sorted(shared, key=change_key):
        groups.setdefault(tuple(sorted(seen_in[change])), []).append(change)
    shared_changes = [
        SharedChanges(list(ops), changes)
        for ops, changes in sorted(groups.items(), key=lambda g: (-len(g[0]), g[0]))
    ]

    old_usage, new_usage = o.usage(), n.usage()
    empty: dict[Context, set[str]] = {"request": set(), "response": set()}

    def used_by(usage: Mapping[str, dict[Context, set[str]]], name: str) -> list[str]:
        u = usage.get(name, empty)
        return _labels(u["request"] | u["response"])

    comp_changes: list[ComponentChanges] = []
    schema_diff = SchemaDiff(o, n)
    for name in sorted(set(o.schemas) & set(n.schemas)):
        raw: list[RawChange] = []
        schema_diff.diff(o.schemas[name], n.schemas[name], "", raw, top=True, seen=frozenset({(name, name)}))
        if not raw:
            continue
        req = new_usage.get(name, empty)["request"] | old_usage.get(name, empty)["request"]
        resp = new_usage.get(name, empty)["response"] | old_usage.get(name, empty)["response"]
        contexts: list[Context] = []
        if req:
            contexts.append("request")
        if resp:
            contexts.append("response")
        # listed: the operations of the new spec (of the old one when the new has none)
        listed = new_usage.get(name) or old_usage.get(name) or empty
        comp_changes.append(
            ComponentChanges(
                name,
                finish(raw, contexts) if contexts else finish_unused(raw),
                _labels(listed["request"]),
                _labels(listed["response"]),
            )
        )

    tier_missing: list[MissingTierRoute] = []
    if tier_table is not None:
        new_routes = {(k[0], path_template(k[1])) for k in n.operations}
        old_routes = {(k[0], path_template(k[1])) for k in o.operations}
        for route in tier_table.get("routes", []):
            key = (str(route["method"]).upper(), path_template(str(route["path"])))
            if key not in new_routes:
                tier_missing.append(
                    MissingTierRoute(key[0], str(route["path"]), route.get("tier", "?"), key in old_routes)
                )
        tier_missing.sort(key=lambda t: (t.path, t.method))

    def version(doc: Mapping[str, Any], label: str | None) -> str:
        info = doc.get("info") or {}
        text = f"{info.get('title', '?')} {info.get('version', '?')}"
        return f"{label} ({text})" if label else text

    return Report(
        old_version=version(old, old_label),
        new_version=version(new, new_label),
        operations_old=len(o.operations),
        operations_new=len(n.operations),
        operations_added=[n.op(k) for k in sorted(added, key=sort_key)],
        operations_removed=[o.op(k) for k in sorted(removed, key=sort_key)],
        operations_moved=operation_moves,
        operations_deprecated=deprecated,
        operation_changes=op_changes,
        shared_changes=shared_changes,
        components_added=[
            ComponentRef(name, "info", used_by(new_usage, name))
            for name in sorted(set(n.schemas) - set(o.schemas))
        ],
        components_removed=[
            ComponentRef(name, "notice", used_by(old_usage, name))
            for name in sorted(set(o.schemas) - set(n.schemas))
        ],
        component_changes=comp_changes,
        tier_routes_missing=tier_missing,
        facade_methods=_facade_changes(old, new),
    )


def _facade_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[str]]:
    from tools.facade_names import changes, facade_names

    return changes(facade_names(old), facade_names(new))


# -------------------------------------------------------------------------------------------- render
