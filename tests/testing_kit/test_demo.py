"""``make demo``'s job (tools/demo.py), smaller and faster: it finishes with 0 x 429 and says so."""

from __future__ import annotations

import io

from tools.demo import run


def test_the_demo_job_meets_its_summary() -> None:
    out = io.StringIO()
    assert run(time_scale=0.05, open_count=120, archive_count=12, out=out) == 0
    text = out.getvalue()
    lines = {line.split()[0]: line for line in text.splitlines() if line.startswith("  ") and line.split()}
    assert lines["pages"].split()[1] == "6"  # 120 open + 25 archived, 25 per page
    assert lines["archived"].split()[1:4] == ["12", "of", "12"]
    assert lines["429s"].split()[1] == "0"
    assert "is not allowed to read the conversation" in lines["private"]
    assert "1. listing open conversations ..." in text  # progress as plain lines when not a terminal
