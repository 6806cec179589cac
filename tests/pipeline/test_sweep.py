"""``make sweep`` (tools/sweep.py): each version of a spec history through patch → generate → import,
one line each and a summary; an empty file is counted apart, a broken one fails the sweep."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools import sweep

from .test_operations_without_ids import spec_without_ids


def commit(repo: Path, content: str, date: str) -> None:
    target = repo / sweep.SPEC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    env = {"GIT_AUTHOR_DATE": f"{date}T12:00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00"}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", repo, *identity, "commit", "-q", "-m", date],
        check=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.timeout(400)
def test_each_version_gets_a_line_and_the_summary_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "specs"
    subprocess.run(["git", "init", "-q", repo], check=True)
    commit(repo, "", "2022-05-09")
    commit(repo, json.dumps(spec_without_ids()), "2022-05-10")
    commit(repo, "{not json", "2022-05-11")

    status = sweep.main([str(repo), "--scratch", str(tmp_path / "scratch")])

    lines = capsys.readouterr().out.splitlines()
    assert status == 1  # a version that is neither ok nor empty fails the sweep
    assert lines[1].startswith("2022-05-09 ") and "empty   empty file" in lines[1]
    assert lines[2].startswith("2022-05-10 ") and " ok " in lines[2]
    assert "8 operations (8 without operationId)" in lines[2] and "2 namespaces" in lines[2]
    assert lines[3].startswith("2022-05-11 ") and "FAILED  read: " in lines[3] and "not JSON" in lines[3]
    assert lines[4] == (
        "sweep: 3 versions (2022-05-09 to 2022-05-11): 1 ok (1 of them with operations without "
        "operationId), 1 empty, 1 failed (1 at read)"
    )
    assert not list((tmp_path / "scratch").iterdir())  # scratch folders go unless --keep
