"""`make help` names every target of the Makefile, and the options of `make update-spec`."""

from __future__ import annotations

import re
import subprocess

from .conftest import ROOT


def test_make_help_lists_every_target_and_the_update_spec_options() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (phony,) = re.findall(r"^\.PHONY:(.*)$", makefile, flags=re.M)
    targets = set(phony.split()) - {"FORCE"}
    assert {"dist", "distclean", "format", "lock", "update-spec"} <= targets
    shown = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    listed = set(re.findall(r"^make ([a-z-]+)", shown, flags=re.M))
    assert targets == listed, (sorted(targets - listed), sorted(listed - targets))
    for option in ("SPEC=", "COMMIT=", "DATE=", "FORMAT="):
        assert option in shown, option
