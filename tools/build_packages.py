"""The whole pipeline for one generated package, in one call: fetch → verify sha256 → patch → generate.

The build hook (hatch_build.py) runs it when a package's generated folder is missing, e.g. in a fresh clone
installed with ``pip install <checkout>`` or ``pip install git+<url>``; the Makefile runs the same steps one
by one so that ``make`` can skip what is up to date. Every failure is a :class:`BuildError` whose text is
one sentence saying what to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from tools import fetch_spec, generate, packages, patch_spec
from tools.packages import PACKAGES, ROOT, GeneratedPackage

__all__ = ["PACKAGES", "BuildError", "ensure_generated", "run_pipeline"]


class BuildError(RuntimeError):
    """The package could not be generated; the message says why and what to do."""


def run_pipeline(package: GeneratedPackage, root: Path = ROOT) -> Path:
    """Generate ``package`` into ``generated/<name>`` under ``root``; returns that folder."""
    pin_file = package.path(package.pin, root)
    source = package.source_spec(root)
    try:
        fetched = fetch_spec.fetch(
            source, pin_file=pin_file, shared_spec=packages.specs_dir() / package.spec_file
        )
        spec = patch_spec.load_spec(source)
    except (fetch_spec.SpecSourceError, patch_spec.SpecFileError) as exc:
        raise BuildError(f"cannot generate {package.name}: {exc}") from exc
    overlay = yaml.safe_load(package.path(package.patches, root).read_text(encoding="utf-8"))
    tiers = None
    if package.tiers:
        tiers = json.loads(package.path(package.tiers, root).read_text(encoding="utf-8"))
    try:
        patched, _, _ = patch_spec.patch(spec, overlay, tiers)
    except Exception as exc:  # the validator's errors are long: name the step and the first line
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BuildError(
            f"cannot generate {package.name}: the patched spec is not valid OpenAPI: {first_line}"
        ) from exc
    patched_file = package.patched_spec(root)
    patched_file.parent.mkdir(parents=True, exist_ok=True)
    patched_file.write_text(json.dumps(patched, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    target = package.generated_dir(root)
    pin = fetch_spec.load_pin(pin_file)
    try:
        generate.generate(
            patched_file,
            target,
            generate.spec_provenance(pin, fetched.sha256),
            config=package.path(package.config, root),
            package=package.name,
        )
    except generate.GenerationError as exc:
        raise BuildError(f"cannot generate {package.name}: {exc}") from exc
    return target


def ensure_generated(package: GeneratedPackage, root: Path = ROOT) -> bool:
    """Generate ``package`` unless its folder is already there (a checkout after ``make``, an sdist);
    returns whether it generated."""
    if (package.generated_dir(root) / "__init__.py").is_file():
        return False
    run_pipeline(package, root)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="regenerate even where the folder exists")
    args = parser.parse_args(argv)
    try:
        for package in PACKAGES:
            if args.force:
                run_pipeline(package)
                print(f"generated {package.name}")
            else:
                done = ensure_generated(package)
                print(f"{'generated' if done else 'already there:'} {package.name}")
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
