"""The everyday task of issue 13, as a user writes it (tests/facade/six_call_task*.py), on the emulator.

List every conversation, get one, archive it, assign it, reply with a PDF, tag it: one import, at most 12
lines, sync and async alike; the emulator records what reached it.
"""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path

import pytest
from front_client.testing import EmulatorResponse, FrontEmulator, json_response, paginated

from tests.facade import six_call_task, six_call_task_async
from tests.payloads import conversation

TASKS = {"sync": six_call_task, "async": six_call_task_async}


def _serve(emulator: FrontEmulator) -> None:
    items = [conversation(emulator.base_url, id=f"cnv_{n}", subject=f"Subject {n}") for n in range(1, 4)]
    emulator.route("GET", "/conversations", paginated(lambda: emulator.base_url, items, 2))
    emulator.json_route("GET", "/conversations/{id}", conversation(emulator.base_url))
    emulator.json_route("PATCH", "/conversations/{id}", None, 204)
    emulator.json_route("PUT", "/conversations/{id}/assignee", None, 204)
    emulator.route(
        "POST",
        "/conversations/{id}/messages",
        json_response({"status": "accepted", "message_uid": "msg_uid_1"}, 202),
    )
    emulator.route("POST", "/conversations/{id}/tags", lambda _r: EmulatorResponse(204))


@pytest.mark.parametrize("flavour", TASKS)
def test_the_task_is_at_most_twelve_lines_with_one_import(flavour: str) -> None:
    source = Path(str(TASKS[flavour].__file__)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert len(imports) == 1 and len(imports[0].names) == 1
    assert len([line for line in source.splitlines() if line.strip()]) <= 12


@pytest.mark.parametrize("flavour", TASKS)
def test_the_task_runs_on_the_emulator(
    flavour: str, front_emulator: FrontEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("FRONT_API_TOKEN", "test-token")
    _serve(front_emulator)
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4 invoice")
    result = TASKS[flavour].run(front_emulator.base_url, str(pdf))
    if flavour == "async":
        asyncio.run(result)

    assert capsys.readouterr().out.splitlines() == ["cnv_1 Subject 1", "cnv_2 Subject 2", "cnv_3 Subject 3"]
    sent = [(r.method, r.path) for r in front_emulator.requests]
    assert sent == [
        ("GET", "/conversations"),
        ("GET", "/conversations"),  # the next page
        ("GET", "/conversations/cnv_1"),
        ("PATCH", "/conversations/cnv_1"),
        ("PUT", "/conversations/cnv_1/assignee"),
        ("POST", "/conversations/cnv_1/messages"),
        ("POST", "/conversations/cnv_1/tags"),
    ]
    requests = front_emulator.requests
    assert requests[0].query["limit"] == ["100"]
    assert json.loads(requests[3].body) == {"status": "archived"}  # nothing sent for what was not given
    assert json.loads(requests[4].body) == {"assignee_id": "tea_1"}
    reply = requests[5]
    assert reply.headers["content-type"].startswith("multipart/form-data")
    assert b'filename="invoice.pdf"' in reply.body and b"%PDF-1.4 invoice" in reply.body
    assert b"Here it is" in reply.body
    assert json.loads(requests[6].body) == {"tag_ids": ["tag_1"]}
    assert all(r.headers["authorization"] == "Bearer test-token" for r in requests)
