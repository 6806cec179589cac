"""Find Front's spec for the pinned commit, verify it, and copy it into the build folder.

Source order: ``--spec FILE`` (or ``SPEC=FILE`` in make), else ``../shared/front-api-specs/core-api.json``
(``channel-api.json`` with ``--api channel``: tools/apis.py), else a download of the pinned raw file. The
pinned file must match the pinned sha256; a ``--spec`` file of another version is accepted and reported as
an override.
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

ROOT = Path(__file__).resolve().parents[1]
PIN_FILE = ROOT / "spec" / "pin.json"
SHARED_SPEC = ROOT.parent / "shared" / "front-api-specs" / "core-api.json"


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


def fetch(
    output: Path,
    spec_override: Path | None = None,
    pin_file: Path = PIN_FILE,
    shared_spec: Path = SHARED_SPEC,
) -> FetchedSpec:
    pin = load_pin(pin_file)
    if spec_override is not None:
        if not spec_override.is_file():
            raise SpecSourceError(f"SPEC={spec_override} does not exist")
        data, source = spec_override.read_bytes(), str(spec_override)
    elif shared_spec.is_file():
        data, source = shared_spec.read_bytes(), str(shared_spec)
    else:
        url = pin["url"].format(commit=pin["commit"])
        try:
            data = _download(url)
        except OSError as exc:
            raise SpecSourceError(
                f"{shared_spec} is absent and downloading the pinned spec from {url} failed: {exc}. "
                f"Pass SPEC=<path to {shared_spec.name}> to build from a local copy."
            ) from exc
        source = url
    digest = sha256_of(data)
    is_pinned = digest == pin["sha256"]
    if not is_pinned and spec_override is None:
        raise SpecSourceError(
            f"{source} has sha256 {digest}, but {_shown(pin_file)} pins {pin['sha256']} "
            f"(commit {pin['commit']}). Refusing to build from an unverified spec."
        )
    json.loads(data)  # fail here, with the file's name, if it is not JSON
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists() or output.read_bytes() != data:  # keep mtime when unchanged: make stays quick
        output.write_bytes(data)
    return FetchedSpec(source=source, sha256=digest, is_pinned=is_pinned)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", choices=sorted(APIS), default=DEFAULT_API, help="which spec (tools/apis.py)")
    parser.add_argument(
        "--spec", type=Path, default=None, help="use this spec file instead of the pinned one"
    )
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = args.spec if args.spec and str(args.spec) else None
    try:
        api = api_named(args.api)
        fetched = fetch(args.output, spec, pin_file=api.pin_file, shared_spec=api.shared_spec)
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
