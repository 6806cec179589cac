"""The sdist carries what a build needs; with its generated folder, a build does not regenerate; without
it and without a spec, the build fails with one sentence. (The hook regenerating in pip's isolated build
environment is test_git_install.py: a fresh clone has no generated folder.)"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tarfile
import zipfile
from pathlib import Path

from tools.packages import CORE, ROOT, SPECS_DIR_ENV

from .conftest import pip, run, unpack_sdist

PIN = json.loads((ROOT / CORE.pin).read_text(encoding="utf-8"))


def digest_tree(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def generated_files() -> dict[str, bytes]:
    folder = CORE.generated_dir()
    return {
        f"{CORE.name}/{path.relative_to(folder).as_posix()}": path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def wheel_package_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith(f"{CORE.name}/")}


def closed_port_url() -> str:
    """A loopback URL nobody listens on: the pinned download fails at once, as it would offline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/{{commit}}/core-api.json"


def isolated_env(specs_dir: Path) -> dict[str, str]:
    return dict(os.environ, **{SPECS_DIR_ENV: str(specs_dir)}, PIP_DISABLE_PIP_VERSION_CHECK="1")


def test_the_sdist_carries_the_pipeline_and_the_generated_package(built_sdist: Path) -> None:
    with tarfile.open(built_sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    needed = [
        "hatch_build.py", "LICENSE", "pyproject.toml", "spec/pin.json", "spec/patches.overlay.yaml",
        "templates/config.yaml", "templates/package_init.py.jinja", "tools/build_packages.py",
        "tools/packages.py", "overlay/front_client/py.typed",
        f"generated/{CORE.name}/__init__.py", f"generated/{CORE.name}/py.typed",
    ]  # fmt: skip
    for needed_file in needed:
        assert needed_file in names, needed_file
    assert {f"generated/{name}" for name in generated_files()} <= names
    assert not [n for n in names if n.startswith(("build/", ".venv/", "node_modules/", "dist/", ".git/"))]
    assert ".git" not in names  # a worktree's .git file


def test_an_sdist_with_its_generated_code_builds_without_regenerating(
    built_sdist: Path, tmp_path: Path
) -> None:
    tree = unpack_sdist(built_sdist, tmp_path)
    pin = dict(PIN, url=closed_port_url())  # no spec anywhere: regenerating would fail the build
    (tree / CORE.pin).write_text(json.dumps(pin), encoding="utf-8")
    out = tmp_path / "wheel"
    run(
        pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", out, tree),
        env=isolated_env(tmp_path / "no-specs"),
    )
    (wheel,) = out.glob("*.whl")
    assert not (tree / "build").exists()  # nothing was fetched or patched
    assert digest_tree(wheel_package_files(wheel)) == digest_tree(generated_files())


def test_where_the_spec_can_be_had_from_nowhere_the_build_fails_with_one_sentence(
    built_sdist: Path, tmp_path: Path
) -> None:
    tree = unpack_sdist(built_sdist, tmp_path)
    shutil.rmtree(tree / "generated" / CORE.name)
    url = closed_port_url()
    (tree / CORE.pin).write_text(json.dumps(dict(PIN, url=url)), encoding="utf-8")
    failed = run(
        pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", tmp_path / "wheel", tree),
        env=isolated_env(tmp_path / "no-specs"),
        check=False,
    )
    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "Traceback" not in output, output[-3000:]
    marker = "front-core-client: cannot generate"
    (sentence,) = [line.strip() for line in output.splitlines() if marker in line]
    assert "found nowhere" in sentence and str(tmp_path / "no-specs") in sentence
    assert SPECS_DIR_ENV in sentence and url.format(commit=PIN["commit"]) in sentence
