"""The APIs by the name the command-line tools take (``--api core|channel``, make's ``API=``): the rows of
tools/packages.py, the one table of what the pipeline builds. ``core`` is the default everywhere."""

from __future__ import annotations

from tools.packages import DEFAULT_SPECS_DIR as SHARED_SPECS
from tools.packages import PACKAGES
from tools.packages import GeneratedPackage as Api

__all__ = ["APIS", "DEFAULT_API", "SHARED_SPECS", "Api", "api_named"]

APIS: dict[str, Api] = {package.api: package for package in PACKAGES}
DEFAULT_API = "core"


def api_named(name: str) -> Api:
    try:
        return APIS[name]
    except KeyError:
        raise SystemExit(f"error: unknown API {name!r}: one of {', '.join(APIS)}") from None
