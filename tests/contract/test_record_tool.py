"""``tools/record.py --check``: a new recording is compared with the committed cassettes, file by file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools import record


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cassette_trees(tmp_path: Path) -> tuple[Path, Path]:
    """A new recording and a committed tree: one same, one changed, one missing and one extra cassette."""
    recorded, committed = tmp_path / "recorded", tmp_path / "tests" / "cassettes"
    for root in (recorded, committed):
        write(root, "operations/same.yaml", "status: 200\n")
        write(root, "notes.txt", f"not a cassette: never compared ({root.name})\n")
    # Same size and same mtime: only a byte-by-byte comparison sees the difference.
    new = write(recorded, "operations/changed.yaml", "status: 201\n")
    old = write(committed, "operations/changed.yaml", "status: 200\n")
    os.utime(new, (1_700_000_000, 1_700_000_000))
    os.utime(old, (1_700_000_000, 1_700_000_000))
    write(committed, "scenarios/missing.yaml", "status: 200\n")
    write(recorded, "scenarios/extra.yaml", "status: 200\n")
    return recorded, committed


def test_compare_reports_missing_extra_and_changed_cassettes(tmp_path: Path) -> None:
    recorded, committed = cassette_trees(tmp_path)

    problems = record.compare(recorded, committed)

    assert problems[:2] == [
        f"missing from the new recording: {Path('scenarios/missing.yaml')}",
        f"not in {committed}: {Path('scenarios/extra.yaml')}",
    ]
    assert len(problems) == 3 and problems[2].startswith(f"changed: {Path('operations/changed.yaml')}\n")
    assert "-status: 200" in problems[2] and "+status: 201" in problems[2]  # committed -> recorded


def test_a_partial_recording_is_not_missing_the_rest(tmp_path: Path) -> None:
    recorded, committed = cassette_trees(tmp_path)
    problems = record.compare(recorded, committed, partial=True)
    assert [p.split("\n")[0] for p in problems] == [
        f"not in {committed}: {Path('scenarios/extra.yaml')}",
        f"changed: {Path('operations/changed.yaml')}",
    ]


def test_identical_trees_have_no_difference(tmp_path: Path) -> None:
    recorded, committed = tmp_path / "recorded", tmp_path / "committed"
    for root in (recorded, committed):
        write(root, "operations/a.yaml", "status: 200\n")
        write(root, "scenarios/b.yaml", "status: 429\n")
    assert record.compare(recorded, committed) == []


def test_check_fails_on_any_difference_and_passes_on_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--check`` records into a scratch directory (here: a fake recording) and compares it."""
    recorded, committed = cassette_trees(tmp_path)
    monkeypatch.setattr(record, "ROOT", tmp_path)
    monkeypatch.setattr(record, "CASSETTES", committed)

    def fake_record(into: Path, pytest_args: list[str]) -> int:
        assert into != committed and pytest_args == []
        for path in recorded.rglob("*.yaml"):
            write(into, str(path.relative_to(recorded)), path.read_text(encoding="utf-8"))
        return 0

    monkeypatch.setattr(record, "record", fake_record)
    assert record.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "missing from the new recording" in out and "changed: " in out
    assert "check: 3 difference(s)" in out

    recorded = committed  # a recording that gives exactly the committed cassettes
    assert record.main(["--check"]) == 0
    assert "check: 0 difference(s)" in capsys.readouterr().out
