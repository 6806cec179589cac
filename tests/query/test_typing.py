"""mypy --strict on user scripts: a query object's property names and documented values are checked, on the
facade and on the generated functions, and right code passes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")
ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
from datetime import UTC, datetime, timedelta
from front_client import AsyncFrontClient, FrontClient
from front_core_api.api.conversations import list_conversations
from front_core_api.api.events import list_events
from front_core_api.query import ContactsQuery, ConversationsQuery, EventsQuery, EventType
client = FrontClient('token')
"""
SCRIPTS = {
    "correct": """
        for conversation in client.conversations.list(q={"statuses": ["unassigned", "assigned"]}):
            print(conversation.subject)
        client.conversations.list(q={"status_categories": ["open", "waiting"]})
        client.inboxes.list_conversations("inb_1", q={"statuses": ("archived",)})
        since = datetime.now(UTC) - timedelta(days=1)
        client.events.list(q={"after": since, "before": 1649574000.5, "types": ["archive"], "inboxes": ["i"]})
        client.contacts.list(q={"updated_after": since})
        client.links.list(q={"types": ["web", "app_2f76b9ac738de158"]})
        client.time_off.list_for_teammate("tea_1", q={"active_from": 1700000000})
        kinds: list[EventType] = ["inbound", "outbound"]
        query: EventsQuery = {"types": kinds}
        client.events.list(q=query)
        contacts: ContactsQuery = {"updated_before": since}
        client.contacts.list_for_team("tim_1", q=contacts)
        list_conversations.sync(client=client, q={"statuses": ["trashed"]})
        list_events.sync_detailed(client=client, q={"after": since})
        open_ones: ConversationsQuery = {"statuses": ["assigned", "unassigned"]}
        for item in client.paginate(list_conversations, q=open_ones):
            print(item.id)

        async def main() -> None:
            async with AsyncFrontClient() as front:
                async for c in front.conversations.list(q={"statuses": ["archived"]}):
                    print(c.subject)
                await list_events.asyncio(client=front, q={"types": ["trash"]})
    """,
    "misspelt_property": """
        client.conversations.list(q={"status": ["archived"]})
    """,
    "misspelt_value": """
        client.conversations.list(q={"statuses": ["archive"]})
    """,
    "misspelt_event_type": """
        list_events.sync(client=client, q={"types": ["archived"]})
    """,
    "time_as_a_string": """
        client.contacts.list(q={"updated_after": "2024-01-01"})
    """,
    "plain_string": """
        client.conversations.list(q="archived")
    """,
    "wrong_kind_for_the_operation": """
        client.events.list(q={"statuses": ["archived"]})
    """,
    # A query built beforehand under its kind gets mypy's precise words.
    "annotated_misspelt_property": """
        query: ConversationsQuery = {"status": ["archived"]}
    """,
    "annotated_misspelt_value": """
        query: ConversationsQuery = {"statuses": ["archive"]}
    """,
}


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("query_scripts")
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


def test_right_queries_pass(mypy_report: dict[str, str]) -> None:
    assert [line for line in mypy_report["correct"].splitlines() if "error:" in line] == []


def wrong_q(function: str, given: str, expected: str) -> str:
    return f'Argument "q" to {function} has incompatible type "{given}"; expected "{expected}"'


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            "misspelt_property",
            wrong_q('"list" of "Conversations"', "dict[str, list[str]]", "ConversationsQuery | None"),
        ),
        (
            "misspelt_value",
            wrong_q('"list" of "Conversations"', "dict[str, list[str]]", "ConversationsQuery | None"),
        ),
        ("misspelt_event_type", wrong_q('"sync"', "dict[str, list[str]]", "EventsQuery | Unset")),
        ("time_as_a_string", wrong_q('"list" of "Contacts"', "dict[str, str]", "ContactsQuery | None")),
        ("plain_string", wrong_q('"list" of "Conversations"', "str", "ConversationsQuery | None")),
        (
            "wrong_kind_for_the_operation",
            wrong_q('"list" of "Events"', "dict[str, list[str]]", "EventsQuery | None"),
        ),
        ("annotated_misspelt_property", 'Extra key "status" for TypedDict "ConversationsQuery"'),
        ("annotated_misspelt_value", "List item 0 has incompatible type \"Literal['archive']\""),
    ],
)
def test_mistakes_are_reported(mypy_report: dict[str, str], script: str, expected: str) -> None:
    # Each script is one line of "correct" with one mistake: the error is that mistake's.
    assert expected in mypy_report[script], mypy_report[script]
    assert mypy_report[script].count("error:") == 1, mypy_report[script]
