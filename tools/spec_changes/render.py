"""The API change report as text (terminal), markdown (changelog) or JSON (tools): :func:`render`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tools.spec_changes.model import Format, Report, SpecOperation

_TAG: dict[str, str] = {"breaking": "BREAKING", "notice": "notice", "info": "info"}
_MAX_USED_BY = 8


def _short(labels: Sequence[str], limit: int = _MAX_USED_BY) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f", … and {len(labels) - limit} more"


def _text(report: Report) -> str:
    lines: list[str] = [f"API change report: {report.old_version} → {report.new_version}", ""]
    s = report.summary
    lines += [
        f"Summary: {s['breaking']} breaking, {s['notice']} notice, {s['info']} info",
        f"  operations: {s['operations_old']} → {s['operations_new']} "
        f"(+{s['operations_added']} added, -{s['operations_removed']} removed, "
        f"{s['operations_moved']} moved, {s['operations_deprecated']} newly deprecated, "
        f"{s['operations_changed']} changed)",
        f"  component schemas: +{s['component_schemas_added']} added, "
        f"-{s['component_schemas_removed']} removed, {s['component_schemas_changed']} changed",
        f"  rate-limit tier routes without an operation: {s['tier_routes_missing']}",
    ]
    if report.is_empty:
        lines += ["", "No changes."]
        return "\n".join(lines) + "\n"

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", title, "-" * len(title), *body])

    def tag(sev: str) -> str:
        return f"[{_TAG[sev]}]"

    section("Operations removed", [f"  {tag('breaking')} {op.label}" for op in report.operations_removed])
    section(
        "Operations moved",
        [
            f"  {tag(m.severity)} {m.old.label} → {m.new.method} {m.new.path}: {m.reason}"
            for m in report.operations_moved
        ],
    )
    section("Operations added", [f"  {tag('info')} {op.label}" for op in report.operations_added])
    section(
        "Operations newly deprecated",
        [f"  {tag('notice')} {op.label}" for op in report.operations_deprecated],
    )
    body: list[str] = []
    for oc in report.operation_changes:
        body.append(f"  {oc.operation.label}")
        body += [f"    {tag(c.severity)} {c.where}: {c.message}" for c in oc.changes]
    section("Operation changes", body)
    body = []
    for sc in report.shared_changes:
        body.append(f"  in {len(sc.operations)} operations: {_short(sc.operations)}")
        body += [f"    {tag(c.severity)} {c.where}: {c.message}" for c in sc.changes]
    section("Changes shared by several operations", body)
    section(
        "Component schemas added",
        [
            f"  {tag(r.severity)} {r.name}" + (f" (used by {_short(r.used_by)})" if r.used_by else "")
            for r in report.components_added
        ],
    )
    section(
        "Component schemas removed",
        [
            f"  {tag(r.severity)} {r.name}" + (f" (was used by {_short(r.used_by)})" if r.used_by else "")
            for r in report.components_removed
        ],
    )
    body = []
    for cc in report.component_changes:
        body.append(f"  {cc.name}")
        body += [f"    {tag(c.severity)} {c.where or '(schema)'}: {c.message}" for c in cc.changes]
        if cc.used_in_requests:
            body.append(f"    used in requests by: {_short(cc.used_in_requests)}")
        if cc.used_in_responses:
            body.append(f"    used in responses by: {_short(cc.used_in_responses)}")
        if not cc.used_in_requests and not cc.used_in_responses:
            body.append("    not used by any operation")
    section("Component schema changes", body)
    section(
        "Facade methods (client.<namespace>.<method>)",
        [f"  {tag('info')} added {m}" for m in report.facade_methods.get("added", [])]
        + [f"  {tag('breaking')} renamed {m}" for m in report.facade_methods.get("renamed", [])]
        + [f"  {tag('breaking')} removed {m}" for m in report.facade_methods.get("removed", [])],
    )
    section(
        "Rate-limit tier routes without an operation",
        [
            f"  {tag('notice')} {t.method} {t.path} (tier {t.tier})"
            + ("" if t.in_old_spec else " — not in the old spec either")
            for t in report.tier_routes_missing
        ],
    )
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(report: Report) -> str:
    s = report.summary
    lines: list[str] = [
        f"## API changes: {report.old_version} → {report.new_version}",
        "",
        f"**{s['breaking']} breaking**, {s['notice']} notice, {s['info']} info.",
        "",
        "| | count |",
        "|---|---:|",
        f"| operations (old → new) | {s['operations_old']} → {s['operations_new']} |",
        f"| operations added | {s['operations_added']} |",
        f"| operations removed | {s['operations_removed']} |",
        f"| operations moved | {s['operations_moved']} |",
        f"| operations newly deprecated | {s['operations_deprecated']} |",
        f"| operations changed | {s['operations_changed']} |",
        f"| component schemas added | {s['component_schemas_added']} |",
        f"| component schemas removed | {s['component_schemas_removed']} |",
        f"| component schemas changed | {s['component_schemas_changed']} |",
        f"| tier routes without an operation | {s['tier_routes_missing']} |",
    ]
    if report.is_empty:
        lines += ["", "No changes."]
        return "\n".join(lines) + "\n"

    def sev(severity: str) -> str:
        return "**BREAKING**" if severity == "breaking" else severity

    def op(o: SpecOperation) -> str:
        return f"`{o.method} {o.path}`" + (f" (`{o.operation_id}`)" if o.operation_id else "")

    def section(title: str, body: list[str]) -> None:
        if body:
            lines.extend(["", f"### {title}", "", *body])

    section("Operations removed", [f"- **BREAKING** {op(o)}" for o in report.operations_removed])
    section(
        "Operations moved",
        [
            f"- {sev(m.severity)} {op(m.old)} → `{m.new.method} {m.new.path}`: {m.reason}"
            for m in report.operations_moved
        ],
    )
    section("Operations added", [f"- {op(o)}" for o in report.operations_added])
    section("Operations newly deprecated", [f"- {op(o)}" for o in report.operations_deprecated])
    body: list[str] = []
    for oc in report.operation_changes:
        body.append(f"- {op(oc.operation)}")
        body += [f"  - {sev(c.severity)} `{c.where}`: {_md_escape(c.message)}" for c in oc.changes]
    section("Operation changes", body)
    body = []
    for sc in report.shared_changes:
        body.append(f"- in {len(sc.operations)} operations: {_short(sc.operations)}")
        body += [f"  - {sev(c.severity)} `{c.where}`: {_md_escape(c.message)}" for c in sc.changes]
    section("Changes shared by several operations", body)
    section(
        "Component schemas added",
        [
            f"- `{r.name}`" + (f" — used by {_short(r.used_by)}" if r.used_by else "")
            for r in report.components_added
        ],
    )
    section(
        "Component schemas removed",
        [
            f"- {sev(r.severity)} `{r.name}`" + (f" — was used by {_short(r.used_by)}" if r.used_by else "")
            for r in report.components_removed
        ],
    )
    body = []
    for cc in report.component_changes:
        body.append(f"- `{cc.name}`")
        body += [
            f"  - {sev(c.severity)} `{c.where or '(schema)'}`: {_md_escape(c.message)}" for c in cc.changes
        ]
        if cc.used_in_requests:
            body.append(f"  - used in requests by: {_short(cc.used_in_requests)}")
        if cc.used_in_responses:
            body.append(f"  - used in responses by: {_short(cc.used_in_responses)}")
    section("Component schema changes", body)
    section(
        "Rate-limit tier routes without an operation",
        [f"- `{t.method} {t.path}` (tier {t.tier})" for t in report.tier_routes_missing],
    )
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: Format | str = "text") -> str:
    """Render a report as ``text`` (terminal), ``markdown`` (changelog) or ``json`` (tools)."""
    if fmt == "text":
        return _text(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r} (expected text, markdown or json)")
