"""Hatch build hook: a build from source carries the generated client.

``generated/`` is build output, git-ignored, so a fresh clone (``pip install <checkout>``, ``pip install
git+<url>``) has none of it. Before hatchling collects files, this hook runs our pipeline (tools/
build_packages.py: fetch → verify sha256 → patch → generate) for every package of tools/packages.py whose
folder is missing, and marks the generated folders as build artifacts so that the wheel and the sdist
carry them although git ignores them. An sdist already carries them, so building a wheel from it does not
regenerate (and needs neither ../shared nor a download). An editable install gets no copy: it puts
``generated/`` itself on sys.path (``dev-mode-dirs``).
"""

from __future__ import annotations

import sys
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GeneratedPackagesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.root not in sys.path:
            sys.path.insert(0, self.root)  # tools/ is not installed: it comes with the source tree
        from tools import build_packages

        for package in build_packages.PACKAGES:
            try:
                if build_packages.ensure_generated(package):
                    self.app.display_info(f"generated {package.name} from the pinned spec")
            except build_packages.BuildError as exc:
                # One sentence for the person installing, not a traceback from inside the generator.
                raise SystemExit(f"front-core-client: {exc}") from None
            if version != "editable":
                build_data["artifacts"].append(f"/generated/{package.name}/")
