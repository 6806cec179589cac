"""In CI (``CI`` set, as ``.ci/run`` does) a test may not skip for want of ../shared, redis-server, Prism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SKIPS = """
import pytest

def test_shared():
    pytest.skip("the published specs are only in ../shared")

@pytest.mark.skipif(True, reason="/repo/../shared/front-api-specs holds no spec")
def test_shared_marker():
    pass

@pytest.fixture(scope="session")
def redis_server():
    pytest.skip("redis-server is not installed (apt-get install redis-server); CI installs it")

def test_redis(redis_server):
    pass

def test_prism():
    pytest.skip("Prism is not installed (make install runs npm ci)")

def test_recording():
    pytest.skip("replay only")
"""


def outcomes(tmp_path: Path, ci: str | None) -> dict[str, str]:
    """Each test of ``SKIPS`` → its outcome, in a pytest run with tests/conftest.py's hooks."""
    (tmp_path / "test_skips.py").write_text(SKIPS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": ci} if ci is not None else {})
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-q", "-rA",
               "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path / "test_skips.py")]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found: dict[str, str] = {}
    for line in run.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED", "ERROR"):
            found[rest.split("::")[-1].split(" ")[0]] = word
        elif word == "SKIPPED":
            found[rest.split(":")[-1].strip()] = word  # "[1] path:line: reason": keyed by the reason
    return found


@pytest.mark.parametrize("ci", ["1", "true"])
def test_in_ci_a_missing_prerequisite_fails(tmp_path: Path, ci: str) -> None:
    assert outcomes(tmp_path, ci) == {
        "test_shared": "FAILED",
        "test_shared_marker": "ERROR",  # skipped while setting up: reported as an error
        "test_redis": "ERROR",
        "test_prism": "FAILED",
        "replay only": "SKIPPED",  # not a prerequisite: still a skip
    }


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_outside_ci_a_missing_prerequisite_skips(tmp_path: Path, ci: str | None) -> None:
    found = outcomes(tmp_path, ci)
    assert set(found.values()) == {"SKIPPED"} and len(found) == 5
