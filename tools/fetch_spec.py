"""Find Front's spec for the pinned commit, verify it, and copy it into the build folder.

Source order: ``--spec FILE`` (or ``SPEC=FILE`` in make); else the first local file whose sha256 is the
pinned one: ``../shared/front-api-specs/core-api.json`` (or ``$FRONT_API_SPECS_DIR/core-api.json``;
``channel-api.json`` with ``--api channel``: tools/packages.py), the previous output (``make update-spec``
leaves the new pinned file there), any other ``*.json`` of that folder or its ``history/``; else, when the
folder has no such file at all, a download of the pinned raw file. The pinned file must match the pinned
sha256; a ``--spec`` file of another version is accepted and reported as an override.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tools.apis import APIS, DEFAULT_API, api_named
from tools.packages import CORE, ROOT, SPECS_DIR_ENV, specs_dir

PIN_FILE = CORE.path(CORE.pin)
SHARED_SPEC = specs_dir() / CORE.spec_file


class SpecSourceError(RuntimeError):
    """The spec could not be found or does not match the pin."""


@dataclass(frozen=True)
class FetchedSpec:
    source: str
    sha256: str
    is_pinned: bool


def load_pin(pin_file: Path = PIN_FILE) -> dict[str, str]:
    pin: dict[str, str] = json.loads(pin_file.read_text(encoding="utf-8"))
    return pin


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
        return data


def find_pinned(pin: dict[str, str], shared_spec: Path, previous_output: Path) -> tuple[bytes, str] | None:
    """The first local file whose sha256 is the pinned one (its bytes and its name), if any."""
    candidates = [shared_spec, previous_output]
    folder = shared_spec.parent
    for extra in (folder, folder / "history"):
        if extra.is_dir():
            candidates += sorted(extra.glob("*.json"))
    seen: set[Path] = set()
    for candidate in candidates:
        if candidate in seen or not candidate.is_file():
            continue
        seen.add(candidate)
        data = candidate.read_bytes()
        if sha256_of(data) == pin["sha256"]:
            return data, str(candidate)
    return None


def fetch(
    output: Path,
    spec_override: Path | None = None,
    pin_file: Path = PIN_FILE,
    shared_spec: Path | None = None,
) -> FetchedSpec:
    pin = load_pin(pin_file)
    shared_spec = shared_spec if shared_spec is not None else specs_dir() / CORE.spec_file
    if spec_override is not None:
        if not spec_override.is_file():
            raise SpecSourceError(f"SPEC={spec_override} does not exist")
        data, source = spec_override.read_bytes(), str(spec_override)
    elif (found := find_pinned(pin, shared_spec, output)) is not None:
        data, source = found
    elif shared_spec.is_file():
        digest = sha256_of(shared_spec.read_bytes())
        raise SpecSourceError(
            f"{shared_spec} has sha256 {digest}, but {pin_file.name} pins {pin['sha256']} "
            f"(commit {pin['commit']}) and no other file of {shared_spec.parent} matches it. Refusing to "
            "build from an unverified spec: pass SPEC=<the pinned file>, or move the pin (make update-spec)."
        )
    else:
        url = pin["url"].format(commit=pin["commit"])
        try:
            data = _download(url)
        except OSError as exc:
            raise SpecSourceError(
                f"Front's spec pinned in {pin_file.name} (commit {pin['commit'][:12]}) was found nowhere: "
                f"{shared_spec} is absent and downloading {url} failed ({exc}); put the file there, set "
                f"{SPECS_DIR_ENV} to a folder holding it, pass SPEC=<file>, or install from a wheel or an "
                "sdist, which carry the generated code."
            ) from exc
        source = url
    digest = sha256_of(data)
    is_pinned = digest == pin["sha256"]
    if not is_pinned and spec_override is None:
        raise SpecSourceError(
            f"{source} has sha256 {digest}, but {_shown(pin_file)} pins {pin['sha256']} "
            f"(commit {pin['commit']}). Refusing to build from an unverified spec."
        )
    try:
        json.loads(data)
    except ValueError as exc:  # fail here, with the file's name, if it is not JSON
        raise SpecSourceError(f"{source} is not JSON ({exc}); it cannot be Front's spec") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists() or output.read_bytes() != data:  # keep mtime when unchanged: make stays quick
        output.write_bytes(data)
    return FetchedSpec(source=source, sha256=digest, is_pinned=is_pinned)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--api", choices=sorted(APIS), default=DEFAULT_API, help="which spec (tools/packages.py)"
    )
    parser.add_argument(
        "--spec", type=Path, default=None, help="use this spec file instead of the pinned one"
    )
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument(
        "--pin", type=Path, default=None, help="the pin to verify against (default: the API's)"
    )
    args = parser.parse_args(argv)
    spec = args.spec if args.spec and str(args.spec) else None
    try:
        api = api_named(args.api)
        fetched = fetch(args.output, spec, pin_file=args.pin or api.pin_file, shared_spec=api.shared_spec)
    except SpecSourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if fetched.is_pinned:
        print(f"spec: {fetched.source} (sha256 {fetched.sha256[:12]}… matches the pin)")
    else:
        print(f"spec: OVERRIDE {fetched.source} (sha256 {fetched.sha256[:12]}…, not the pinned version)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
