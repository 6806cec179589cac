"""The spec's parameter and field descriptions reach the docstrings an IDE shows on hover: the generated
functions' ``Args``, the facade methods' ``Args``, and ``make docs`` (tools/facade_docs.py)."""

from __future__ import annotations

import inspect

from front_core_api.api.conversations import list_conversations
from front_core_api.resources.accounts import Accounts
from front_core_api.resources.conversations import Conversations

from tools.facade_docs import reference

# What Front's spec says of the two arguments (components/parameters/conversationQuery and pageToken).
Q_SAYS = "[Search query object](https://dev.frontapp.com/docs/query-object-q)"
PAGE_TOKEN_SAYS = "Token to use to request the [next page](https://dev.frontapp.com/docs/pagination)"


def args_section(docstring: str | None) -> dict[str, str]:
    """``Args:`` of a Google-style docstring: argument → its text on one line (type stripped)."""
    lines = inspect.cleandoc(docstring or "").split("Args:\n", 1)[1].split("\n")
    found: dict[str, list[str]] = {}
    for line in lines:
        if not line.strip() or not line.startswith("    "):
            break  # the blank line (or the next section) that ends Args
        if line.startswith("     "):
            found[list(found)[-1]].append(line)  # a wrapped line of the current argument
            continue
        head, _, said = line.strip().partition(": ")
        found[head.split(" (")[0]] = [said]
    return {name: " ".join(" ".join(parts).split()) for name, parts in found.items()}


def test_the_generated_function_says_what_each_argument_means() -> None:
    for function in (list_conversations.sync, list_conversations.sync_detailed, list_conversations.asyncio):
        said = args_section(function.__doc__)
        assert said["q"].startswith(Q_SAYS), said
        assert said["page_token"].startswith(PAGE_TOKEN_SAYS), said
        assert said["limit"].startswith("Max number of results per [page]"), said


def test_the_facade_method_says_what_each_argument_means() -> None:
    said = args_section(Conversations.list.__doc__)
    assert said["q"].startswith(Q_SAYS) and "`statuses`" in said["q"], said
    assert said["page_token"] == PAGE_TOKEN_SAYS
    assert said["sort_by"] == "Field used to sort the conversations. Only supports `date`."


def test_body_fields_of_the_facade_are_described_from_the_model() -> None:
    said = args_section(Accounts.create.__doc__)
    assert said["name"] == "Name of the Account"
    assert said["domains"] == "List of domains associated with the Account"


def test_make_docs_carries_the_descriptions() -> None:
    text = " ".join(reference().split())
    assert f"page_token: {PAGE_TOKEN_SAYS}" in text
    assert f"q: {Q_SAYS}" in text
