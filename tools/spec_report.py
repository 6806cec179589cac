"""The API change report between two OpenAPI 3.0 specs (old -> new), on the command line.

Usage::

    python -m tools.spec_report OLD.json NEW.json [--format text|markdown|json]
                                [--tiers overlay/front_client/tiers.json] [--fail-on-breaking]

The report itself lives in ``tools/spec_changes/``: ``model`` (what a report holds), ``document`` (reading
one spec), ``schema_diff`` (the schema walk), ``diff`` (``compare(old, new, tier_table) -> Report``) and
``render`` (``render(report, fmt) -> str``). ``make update-spec`` prints it through tools/update_spec.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.spec_changes.diff import compare
from tools.spec_changes.render import render


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: not an OpenAPI document (expected a mapping)")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.spec_report",
        description="Report the API changes between two OpenAPI 3.0 specs.",
    )
    parser.add_argument("old", type=Path, help="old spec (JSON or YAML)")
    parser.add_argument("new", type=Path, help="new (patched) spec (JSON or YAML)")
    parser.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    parser.add_argument(
        "--tiers",
        type=Path,
        default=None,
        help="rate-limit tier table (overlay/front_client/tiers.json) to check coverage",
    )
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit with status 1 when a breaking change is reported",
    )
    args = parser.parse_args(argv)
    tiers = _load(args.tiers) if args.tiers else None
    report = compare(
        _load(args.old), _load(args.new), tiers, old_label=args.old.name, new_label=args.new.name
    )
    sys.stdout.write(render(report, args.format))
    return 1 if args.fail_on_breaking and report.has_breaking else 0


if __name__ == "__main__":
    raise SystemExit(main())
