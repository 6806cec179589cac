"""The APIs the pipeline builds: one row per Front spec (its pin, our patches, the package it becomes).

Every tool of the pipeline (fetch_spec → patch_spec → generate, update_spec, record) takes ``--api NAME``
and reads its files from here, so a second spec needs a row, not a copy of the tools. ``core`` is the
default everywhere: its files keep the paths they always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_SPECS = ROOT.parent / "shared" / "front-api-specs"
BUILD_SPEC = ROOT / "build" / "spec"


@dataclass(frozen=True)
class Api:
    name: str
    package: str  # the generated import package
    spec_file: str  # its name in ../shared/front-api-specs/ and in build/spec/
    pin_file: Path
    patches_file: Path

    @property
    def shared_spec(self) -> Path:
        return SHARED_SPECS / self.spec_file

    @property
    def source_spec(self) -> Path:
        return BUILD_SPEC / self.spec_file

    @property
    def patched_spec(self) -> Path:
        return BUILD_SPEC / self.spec_file.replace(".json", ".patched.json")

    @property
    def generated(self) -> Path:
        return ROOT / "generated" / self.package


APIS: dict[str, Api] = {
    "core": Api("core", "front_core_api", "core-api.json", ROOT / "spec" / "pin.json",
                ROOT / "spec" / "patches.overlay.yaml"),
    "channel": Api("channel", "front_channel_api", "channel-api.json", ROOT / "spec" / "channel" / "pin.json",
                   ROOT / "spec" / "channel" / "patches.overlay.yaml"),
}  # fmt: skip
DEFAULT_API = "core"


def api_named(name: str) -> Api:
    try:
        return APIS[name]
    except KeyError:
        raise SystemExit(f"error: unknown API {name!r}: one of {', '.join(APIS)}") from None
