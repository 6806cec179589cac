"""`make update-spec`: moving the pin to another published version and back leaves the tree as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tools import fetch_spec, update_spec

from .conftest import SPECS_DIR

HISTORY = SPECS_DIR / "history" / "core-api.2026-02-12.f0e39a9.json"
CURRENT = SPECS_DIR / "core-api.json"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    if not HISTORY.exists() or not CURRENT.exists():
        pytest.skip("the published specs are only in ../shared")
    shutil.copyfile(fetch_spec.PIN_FILE, tmp_path / "pin.json")
    return tmp_path


def test_update_to_an_older_version_and_back(workspace: Path) -> None:
    pin_before = (workspace / "pin.json").read_bytes()
    paths = {"pin_file": workspace / "pin.json", "build": workspace / "build"}
    package = workspace / "front_core_api"

    first = update_spec.update(CURRENT, None, None, package, **paths)
    assert first.operations_new == 244

    older = update_spec.update(HISTORY, None, None, package, **paths)
    pin = json.loads((workspace / "pin.json").read_text(encoding="utf-8"))
    assert pin["commit"].startswith("f0e39a9") and pin["date"] == "2026-02-12"
    removed = {(op["method"], op["path"]) for op in older.to_dict()["operations_removed"]}
    assert ("GET", "/time_offs/{time_off_id}") in removed and len(removed) == 8
    assert not (package / "api" / "time_off" / "get_time_off.py").exists()

    back = update_spec.update(CURRENT, None, None, package, **paths)
    assert len(back.to_dict()["operations_added"]) == 8
    assert (workspace / "pin.json").read_bytes() == pin_before
    assert (package / "api" / "time_off" / "get_time_off.py").exists()


def test_an_unlisted_file_needs_its_commit(workspace: Path) -> None:
    odd = workspace / "odd.json"
    odd.write_text(CURRENT.read_text(encoding="utf-8").replace("Core API", "Core  API", 1), encoding="utf-8")
    with pytest.raises(update_spec.UpdateError, match="COMMIT="):
        update_spec.update(odd, None, None, workspace / "pkg", pin_file=workspace / "pin.json",
                           build=workspace / "build")  # fmt: skip
    report = update_spec.update(odd, "a" * 40, "2026-11-25", workspace / "pkg",
                                pin_file=workspace / "pin.json", build=workspace / "build")  # fmt: skip
    assert json.loads((workspace / "pin.json").read_text(encoding="utf-8"))["commit"] == "a" * 40
    assert report.operations_new == 244


def test_a_file_that_is_not_json_changes_nothing(workspace: Path) -> None:
    broken = workspace / "broken.json"
    broken.write_text("<html>rate limited</html>", encoding="utf-8")
    before = (workspace / "pin.json").read_bytes()
    with pytest.raises(update_spec.UpdateError, match="not JSON"):
        update_spec.update(broken, "b" * 40, None, workspace / "pkg", pin_file=workspace / "pin.json",
                           build=workspace / "build")  # fmt: skip
    assert (workspace / "pin.json").read_bytes() == before


def test_after_an_update_the_next_fetch_accepts_the_new_pin(workspace: Path) -> None:
    """The documented workflow: `make update-spec SPEC=...`, then `make test` (which fetches again)."""
    build = workspace / "build"
    update_spec.update(HISTORY, None, None, workspace / "pkg", pin_file=workspace / "pin.json", build=build)
    pin = json.loads((workspace / "pin.json").read_text(encoding="utf-8"))
    init = (workspace / "pkg" / "__init__.py").read_text(encoding="utf-8")
    assert f'SPEC_COMMIT = "{pin["commit"]}"' in init and 'SPEC_DATE = "2026-02-12"' in init
    assert f'SPEC_SHA256 = "{pin["sha256"]}"' in init

    # `make test` → fetch_spec: ../shared's core-api.json is another version now; the updated file is used.
    again = fetch_spec.fetch(build / "core-api.json", pin_file=workspace / "pin.json", shared_spec=CURRENT)
    assert again.is_pinned and again.source == str(build / "core-api.json")
    # A fresh clone with the moved pin has no build folder: the published file is found by its sha256.
    fresh = fetch_spec.fetch(workspace / "fresh" / "core-api.json", pin_file=workspace / "pin.json",
                             shared_spec=CURRENT)  # fmt: skip
    assert fresh.is_pinned and Path(fresh.source).name == HISTORY.name
    assert (workspace / "fresh" / "core-api.json").read_bytes() == HISTORY.read_bytes()


def test_a_pin_no_local_file_matches_is_refused_in_one_sentence(workspace: Path) -> None:
    pin = dict(json.loads((workspace / "pin.json").read_text(encoding="utf-8")), sha256="0" * 64)
    (workspace / "pin.json").write_text(json.dumps(pin), encoding="utf-8")
    with pytest.raises(fetch_spec.SpecSourceError) as refused:
        fetch_spec.fetch(workspace / "out.json", pin_file=workspace / "pin.json", shared_spec=CURRENT)
    assert "no other file of" in str(refused.value) and "make update-spec" in str(refused.value)
    assert not (workspace / "out.json").exists()
