"""mypy --strict on small user scripts: the facade catches what a user gets wrong and passes right code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")
ROOT = Path(__file__).resolve().parents[2]

PRELUDE = "from front_client import AsyncFrontClient, FrontClient\nclient = FrontClient('token')\n"
SCRIPTS = {
    "correct": """
        from front_core_api.api.conversations import list_conversations
        for conversation in client.conversations.list(limit=100, sort_order="asc", max_items=10):
            reveal_type(conversation)
            print(conversation.subject)
        one = client.conversations.get("cnv_1")
        print(one.id.upper())
        client.conversations.update("cnv_1", status="archived")
        client.conversations.update_assignee("cnv_1", assignee_id=None)  # set to null to unassign
        client.messages.create_reply("cnv_1", body="Here it is", attachments=["invoice.pdf"])
        raw = client.conversations.with_raw_response.get("cnv_1")
        print(raw.status_code, raw.headers.get("x-ratelimit-remaining"), raw.parsed.subject)
        print(raw.parsed.field_links.self)
        for page in client.conversations.list().pages():
            print(page.next, len(page.items))
        slow = client.with_options(timeout=300.0, max_retries=0)
        slow.conversations.list_messages("cnv_1")
        for item in client.paginate(list_conversations, limit=100):
            reveal_type(item)

        async def main() -> None:
            async with AsyncFrontClient() as front:
                async for c in front.conversations.list():
                    print(c.subject)
                got = await front.conversations.get("cnv_1")
                print(got.subject)
    """,
    "misspelt_attribute": """
        for conversation in client.conversations.list():
            print(conversation.subjekt)
    """,
    "misspelt_keyword": """
        client.conversations.list(limti=100)
    """,
    "invalid_enum": """
        client.conversations.list(sort_order="sideways")
    """,
    "attachment_of_the_wrong_kind": """
        client.messages.create_reply("cnv_1", body="x", attachments=[42])
    """,
    "missing_required_body_field": """
        client.messages.create_reply("cnv_1", to=["someone@example.com"])
    """,
    "client_options": """
        from front_client import ClientOptions
        shared = ClientOptions(max_retries=5, deadline=None)
        front = FrontClient("token", options=shared, timeout=30.0, headers={"X-Job": "sync"})
        print(front.limiter.stats().sent, front.options.max_retries)
        front.limiter.reset()
        front.with_options(max_body_size=None).close()
    """,
    "misspelt_client_option": """
        FrontClient("token", max_retrys=5)
    """,
    "option_of_the_wrong_type": """
        client.with_options(max_retries="5")
    """,
}


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("user_scripts")
    for name, body in SCRIPTS.items():
        (folder / f"{name}.py").write_text(PRELUDE + textwrap.dedent(body), encoding="utf-8")
    config = folder / "mypy.ini"
    # As a user's mypy sees an installed package: its own errors are not the user's.
    config.write_text(
        "[mypy]\nstrict = True\n"
        f"mypy_path = {ROOT / 'overlay'}:{ROOT / 'generated'}\n"
        "[mypy-front_core_api.*]\nignore_errors = True\n[mypy-front_client.*]\nignore_errors = True\n",
        encoding="utf-8",
    )
    stdout, stderr, _status = mypy_api.run(
        ["--config-file", str(config), "--cache-dir", str(folder / ".mypy_cache"), "--no-error-summary"]
        + [str(folder / f"{name}.py") for name in SCRIPTS]
    )
    report: dict[str, str] = {name: "" for name in SCRIPTS}
    for line in (stdout + stderr).splitlines():
        for name in SCRIPTS:
            if line.startswith(str(folder / f"{name}.py")):
                report[name] += line.split(":", 2)[-1] + "\n"
    return report


def test_correct_code_passes_and_items_are_the_model(mypy_report: dict[str, str]) -> None:
    errors = [line for line in mypy_report["correct"].splitlines() if "error:" in line]
    assert errors == []
    notes = [line for line in mypy_report["correct"].splitlines() if "Revealed type" in line]
    assert len(notes) == 2
    assert all("front_core_api.models.conversation_response.ConversationResponse" in n for n in notes)


def test_client_options_type_check(mypy_report: dict[str, str]) -> None:
    assert mypy_report["client_options"] == ""


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("misspelt_attribute", '"ConversationResponse" has no attribute "subjekt"'),
        ("misspelt_keyword", 'Unexpected keyword argument "limti"'),
        ("invalid_enum", 'Argument "sort_order" to "list" of "Conversations" has incompatible type'),
        ("missing_required_body_field", 'No overload variant of "create_reply"'),
        ("attachment_of_the_wrong_kind", 'List item 0 has incompatible type "int"'),
        ("misspelt_client_option", 'Unexpected keyword argument "max_retrys"'),
        ("option_of_the_wrong_type", 'Argument "max_retries" to "with_options"'),
    ],
)
def test_mistakes_are_reported(mypy_report: dict[str, str], script: str, expected: str) -> None:
    assert expected in mypy_report[script], mypy_report[script]
