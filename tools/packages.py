"""The generated packages this distribution carries, and where each one's spec, pin and patches live.

One entry per generated import package: the Makefile's pipeline, the build hook (hatch_build.py) and
the tests read this table, so a second generated package (the Channel API) is one more entry here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Front's published specs (third-party data, never committed): ../shared/front-api-specs beside the
# checkout, or the folder named by this environment variable (e.g. for an unpacked sdist elsewhere).
SPECS_DIR_ENV = "FRONT_API_SPECS_DIR"
DEFAULT_SPECS_DIR = ROOT.parent / "shared" / "front-api-specs"


def specs_dir() -> Path:
    """Front's published specs: ``$FRONT_API_SPECS_DIR``, else ``../shared/front-api-specs``."""
    configured = os.environ.get(SPECS_DIR_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_SPECS_DIR


@dataclass(frozen=True)
class GeneratedPackage:
    """One generated import package and the inputs of its pipeline (paths relative to the root)."""

    api: str  # what the tools' ``--api`` (and make's ``API=``) call it
    name: str  # the import name, also the folder under generated/
    spec_file: str  # the file's name in the specs folder (../shared/front-api-specs)
    pin: str  # our pin of the upstream file: repository, path, commit, date, sha256, url
    patches: str  # our OpenAPI Overlay patches
    config: str  # openapi-python-client's --config
    tiers: str | None = None  # the burst-tier table written into the spec, if the API has tiers

    @property
    def stem(self) -> str:
        return self.spec_file.removesuffix(".json")

    def path(self, relative: str, root: Path = ROOT) -> Path:
        return root / relative

    def generated_dir(self, root: Path = ROOT) -> Path:
        return root / "generated" / self.name

    def source_spec(self, root: Path = ROOT) -> Path:
        return root / "build" / "spec" / self.spec_file

    def patched_spec(self, root: Path = ROOT) -> Path:
        return root / "build" / "spec" / f"{self.stem}.patched.json"

    # The same places in this checkout, as the command-line tools use them.
    @property
    def package(self) -> str:
        return self.name

    @property
    def pin_file(self) -> Path:
        return self.path(self.pin)

    @property
    def patches_file(self) -> Path:
        return self.path(self.patches)

    @property
    def shared_spec(self) -> Path:
        return specs_dir() / self.spec_file

    @property
    def generated(self) -> Path:
        return self.generated_dir()


CORE = GeneratedPackage(
    api="core",
    name="front_core_api",
    spec_file="core-api.json",
    pin="spec/pin.json",
    patches="spec/patches.overlay.yaml",
    config="templates/config.yaml",
    tiers="overlay/front_client/tiers.json",
)

# Front's Channel API: the same templates and config (generate.py renames the package), its own pin and
# patches; the tier table names its inbound/outbound routes.
CHANNEL = GeneratedPackage(
    api="channel",
    name="front_channel_api",
    spec_file="channel-api.json",
    pin="spec/channel/pin.json",
    patches="spec/channel/patches.overlay.yaml",
    config="templates/config.yaml",
    tiers="overlay/front_client/tiers.json",
)

PACKAGES: tuple[GeneratedPackage, ...] = (CORE, CHANNEL)
