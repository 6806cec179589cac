"""Fixtures for the packaging tests: an offline wheelhouse, the built wheel, the sdist, a fresh venv.

Everything that costs time is built once per session, and the wheelhouse (the build requirements and the
runtime dependencies, pinned by requirements/dev.txt) is kept under build/ between runs, so the installs
below are offline (``--no-index``) and reuse it. Filling it the first time needs the package index; when
that cannot be had the tests skip, except under ``CI=1``, where they fail.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tomllib
import venv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import in_ci
from tools.packages import CORE, ROOT

WHEELHOUSE = ROOT / "build" / "wheelhouse"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUILD_REQUIRES: list[str] = PYPROJECT["build-system"]["requires"]
RUNTIME_REQUIRES: list[str] = PYPROJECT["project"]["dependencies"]


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {completed.returncode}:\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )
    return completed


def pip(*args: str | Path) -> list[str | Path]:
    """The dev venv's pip (it installs into other environments with ``--python``)."""
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def offline(*args: str | Path) -> list[str | Path]:
    return ["--no-index", "--find-links", WHEELHOUSE, *args]


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """build/wheelhouse: wheels of every build requirement and runtime dependency, filled once."""
    wanted = sorted(BUILD_REQUIRES + RUNTIME_REQUIRES)
    key = hashlib.sha256("\n".join(wanted).encode() + (ROOT / "requirements" / "dev.txt").read_bytes())
    stamp = WHEELHOUSE / f".filled-{key.hexdigest()[:16]}"
    if stamp.exists():
        return WHEELHOUSE
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    filled = run(
        pip(
            "download",
            "--quiet",
            "--dest",
            WHEELHOUSE,
            "--constraint",
            ROOT / "requirements" / "dev.txt",
            *wanted,
        ),
        check=False,
    )
    if filled.returncode != 0:
        reason = (
            f"the package index is unreachable, so {WHEELHOUSE} cannot be filled:\n{filled.stderr[-2000:]}"
        )
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    stamp.touch()
    return WHEELHOUSE


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `make dist` builds, from this checkout (whose generated/ `make test` has just made)."""
    if not (CORE.generated_dir() / "__init__.py").exists():
        pytest.fail(f"{CORE.generated_dir()} is missing: run `make generate` first")
    out = tmp_path_factory.mktemp("wheel")
    run(pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", out, ROOT))
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.fixture(scope="session")
def built_sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    run([sys.executable, "-m", "hatchling", "build", "--target", "sdist", "--directory", out], cwd=ROOT)
    (sdist,) = out.glob("*.tar.gz")
    return sdist


def unpack_sdist(sdist: Path, into: Path) -> Path:
    """The sdist's tree at ``into/src``, away from this checkout (so ``../shared`` is not beside it)."""
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    (top,) = into.iterdir()
    return top.rename(into / "src")


@dataclass(frozen=True)
class FreshVenv:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def site_packages(self) -> Path:
        (found,) = self.root.glob("lib/python*/site-packages")
        return found

    def env(self) -> dict[str, str]:
        """No PYTHONPATH and nothing of the dev venv: only what the wheel installed is importable."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        return {k: v for k, v in os.environ.items() if k in keep} | {"PYTHONUTF8": "1"}


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory, built_wheel: Path, wheelhouse: Path) -> FreshVenv:
    """A brand-new venv (no pip, no dev dependencies) with only the wheel and its runtime dependencies."""
    root = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=False, clear=True).create(root)
    environment = FreshVenv(root)
    run(pip("--python", environment.python, "install", "--quiet", *offline(built_wheel)))
    return environment
