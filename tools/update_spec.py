"""``make update-spec``: move the pin to another published version of Front's spec, regenerate, report.

    make update-spec SPEC=path/to/core-api.json [COMMIT=<upstream sha>] [DATE=YYYY-MM-DD] [FORMAT=text]
    make update-spec COMMIT=<upstream sha>      # downloads the file, where GitHub can be reached
    make update-spec API=channel SPEC=path/to/channel-api.json   # the Channel API (tools/apis.py)

Steps: verify the file (JSON, valid OpenAPI once patched), rewrite spec/pin.json (commit, sha256, date),
apply our patches (a vanished target is reported by name), regenerate the package, and print the API
change report between the previous and the new patched specs. The commit and date of a file are taken
from ../shared/front-api-specs/SOURCE.md when it lists the file's sha256, else from COMMIT= and DATE=.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tools import fetch_spec, generate, patch_spec
from tools.apis import APIS, DEFAULT_API, Api, api_named
from tools.spec_changes.diff import compare
from tools.spec_changes.model import Report
from tools.spec_changes.render import render

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "spec"
SOURCE_MD = fetch_spec.SHARED_SPEC.parent / "SOURCE.md"


class UpdateError(RuntimeError):
    pass


def known_versions(source_md: Path = SOURCE_MD) -> dict[str, tuple[str, str]]:
    """sha256 → (commit, date) for every file SOURCE.md lists."""
    if not source_md.is_file():
        return {}
    row = r"^\|[^|]+\|[^|]+\|\s*([0-9a-f]{40})\s*\|\s*([\d-]+)\s*\|\s*([0-9a-f]{64})\s*\|"
    rows = re.findall(row, source_md.read_text(encoding="utf-8"), flags=re.M)
    return {sha: (commit, date) for commit, date, sha in rows}


def new_pin(old_pin: dict[str, str], data: bytes, commit: str | None, date: str | None) -> dict[str, str]:
    digest = fetch_spec.sha256_of(data)
    listed = known_versions().get(digest)
    if commit is None and listed is None:
        raise UpdateError(
            f"the sha256 {digest} is not listed in {SOURCE_MD}: say which upstream commit it is (COMMIT=)"
        )
    if commit is not None and listed is not None and listed[0] != commit:
        raise UpdateError(f"COMMIT={commit} but {SOURCE_MD.name} lists this file as commit {listed[0]}")
    return {
        **old_pin,
        "commit": commit or listed[0],  # type: ignore[index]
        "date": date or (listed[1] if listed else dt.date.today().isoformat()),
        "sha256": digest,
    }


def download(commit: str, pin: dict[str, str], into: Path) -> Path:
    url = pin["url"].format(commit=commit)
    try:
        into.write_bytes(fetch_spec._download(url))
    except OSError as exc:
        raise UpdateError(f"downloading {url} failed: {exc}. Pass SPEC=<file> instead.") from exc
    return into


def update(
    spec_file: Path,
    commit: str | None,
    date: str | None,
    output: Path,
    *,
    pin_file: Path = fetch_spec.PIN_FILE,
    build: Path = BUILD,
) -> Report:
    """:func:`update_api` for the Core API."""
    return update_api(APIS[DEFAULT_API], spec_file, commit, date, output, pin_file=pin_file, build=build)


def update_api(
    api: Api,
    spec_file: Path,
    commit: str | None,
    date: str | None,
    output: Path,
    *,
    pin_file: Path | None = None,
    build: Path = BUILD,
) -> Report:
    pin_file = pin_file or api.pin_file
    data = spec_file.read_bytes()
    try:
        spec: dict[str, Any] = json.loads(data)
    except ValueError as exc:
        raise UpdateError(f"{spec_file} is not JSON: {exc}") from exc
    old_pin = fetch_spec.load_pin(pin_file)
    pin = new_pin(old_pin, data, commit, date)

    previous_patched = build / api.patched_spec().name
    old_spec = json.loads(previous_patched.read_text(encoding="utf-8")) if previous_patched.exists() else None
    overlay = yaml.safe_load(api.patches_file.read_text(encoding="utf-8"))
    tiers = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))
    patched, results, _ = patch_spec.patch(spec, overlay, tiers)  # raises before anything is rewritten
    for result in results:
        if result.vanished:
            print(f"warning: patch {result.action_id} matched nothing in the new spec (target vanished?)")

    build.mkdir(parents=True, exist_ok=True)
    (build / api.spec_file).write_bytes(data)
    previous_patched.write_text(json.dumps(patched, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    generate.generate(previous_patched, output, generate.spec_provenance(pin), package=api.package)
    pin_file.write_text(json.dumps(pin, indent=2) + "\n", encoding="utf-8")
    print(f"pin: commit {old_pin['commit'][:7]} ({old_pin['date']}) → {pin['commit'][:7]} ({pin['date']})")
    return compare(
        old_spec or {"openapi": "3.0.0", "info": {"title": "none", "version": "0"}, "paths": {}},
        patched,
        tiers,
        old_label=f"{old_pin['commit'][:7]} ({old_pin['date']})",
        new_label=f"{pin['commit'][:7]} ({pin['date']})",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=None)
    parser.add_argument("--commit", default=None)
    parser.add_argument("--date", default=None)
    parser.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    parser.add_argument("--api", choices=sorted(APIS), default=DEFAULT_API, help="which spec (tools/apis.py)")
    parser.add_argument("--output", type=Path, default=None, help="default generated/<package>")
    args = parser.parse_args(argv)
    api = api_named(args.api)
    if args.spec is None and args.commit is None:
        parser.error("give SPEC=<file>, COMMIT=<upstream commit>, or both")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            spec_file = args.spec or download(
                args.commit, fetch_spec.load_pin(api.pin_file), Path(scratch) / api.spec_file
            )
            report = update_api(api, spec_file, args.commit, args.date, args.output or api.generated)
    except (UpdateError, generate.GenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print()
    sys.stdout.write(render(report, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
