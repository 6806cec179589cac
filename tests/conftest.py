"""Every test directory: in CI (``CI`` set, as ``.ci/run`` does) a missing prerequisite fails, never skips.

On a laptop a test that needs ../shared (Front's published specs), redis-server or Prism skips with a
reason when that is absent. CI provides all three, so there the same skip would only hide a broken setup
behind a green run: the skip is turned into a failure (an error when it happens while setting up) that
keeps the skip's reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator

import pytest

# The skip reasons of the prerequisites CI must provide (the skip sites' own words).
CI_PREREQUISITES = re.compile(r"\.\./shared|shared/front-api-specs|redis-server|Prism is not installed")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def required_in_ci(reason: str) -> bool:
    """Whether a skip with this ``reason`` is a missing prerequisite CI must have."""
    return CI_PREREQUISITES.search(reason) is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return report
    if call.excinfo is None or not isinstance(call.excinfo.value, pytest.skip.Exception):
        return report
    reason = str(call.excinfo.value.msg)
    if required_in_ci(reason):
        report.outcome = "failed"
        report.longrepr = f"CI={os.environ['CI']}: a prerequisite is missing, so this may not skip: {reason}"
    return report
