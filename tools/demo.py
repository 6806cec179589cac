"""``make demo``: a realistic integration job against the Front emulator: no token, no network.

Front's real limits (100 requests per 60 s for the company, tier 2 = 3 requests per second) with time
scaled by ``--time-scale`` (default 0.1: a 60 s window lasts 6 s). The job is ordinary user code: a
``FrontClient()`` that finds its host and token in ``FRONT_API_BASE_URL`` / ``FRONT_API_TOKEN``:

1. page through every open conversation (hundreds);
2. archive a few dozen of them (``PATCH /conversations/{id}``: Tier 2) and leave a comment on each;
3. reply to one with an attachment (multipart);
4. meet a private conversation (``PrivateResourceError``).

Then one summary: requests, pages, limiter waits and seconds waited, 429s, the budget as the limiter sees
it. Exits 1 if any request got a 429.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from front_client import FrontClient, InProcessLimiter, PrivateResourceError
from front_client.testing import EmulatorLimits, FrontEmulator
from front_core_api.api.comments import add_comment
from front_core_api.api.conversations import get_conversation_by_id, list_conversations, update_conversation
from front_core_api.api.messages import create_message_reply
from front_core_api.models import CreateComment, OutboundReplyMessage, UpdateConversation
from front_core_api.types import File

OPEN_STATUSES = ("assigned", "unassigned")


class Progress:
    """A bar rewritten in place on a terminal; plain lines (one per step and every 25 %) otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.label = ""
        self.total = 0
        self.done = 0
        self.reported = -1

    def step(self, label: str, total: int) -> None:
        self.finish()
        self.label, self.total, self.done, self.reported = label, total, 0, -1
        if not self.tty:
            self.stream.write(f"{label} ...\n")
            self.stream.flush()

    def advance(self, count: int = 1, note: str = "") -> None:
        self.done += count
        if self.tty:
            width = 30
            filled = width * min(self.done, self.total) // max(self.total, 1)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label:<36} [{bar}] {self.done}/{self.total} {note:<24}")
            self.stream.flush()
            return
        quarter = 4 * self.done // max(self.total, 1)
        if quarter != self.reported and (quarter > 0 or self.done == self.total):
            self.reported = quarter
            self.stream.write(f"  {self.done}/{self.total} {note}\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.label:
            self.stream.write("\n")
            self.stream.flush()
        self.label = ""


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(time_scale: float, open_count: int, archive_count: int, out: TextIO) -> int:
    limits = EmulatorLimits.front(time_scale)
    started = time.monotonic()
    with FrontEmulator(limits) as front:
        conversation_ids = front.add_conversations(open_count, status="open", subject="Order #{n}")
        front.add_conversations(25, status="archived")
        private_id = front.add_private_conversation(subject="Salary review")
        waits: list[float] = []
        limiter = InProcessLimiter(front.policy(), on_wait=lambda seconds, *_: waits.append(seconds))
        progress = Progress(out)
        out.write(
            f"Front emulator at {front.base_url}: {open_count} open conversations; Front's limits "
            f"({limits.global_limit} requests / {limits.window_seconds:g} s, tier 2 = "
            f"{limits.tiers['2'].requests} / {limits.tiers['2'].per_seconds:g} s: time x {time_scale:g})\n"
        )
        # What a user does to point existing code at a stand-in: no code change, two variables.
        with (
            environment(FRONT_API_BASE_URL=front.base_url, FRONT_API_TOKEN="demo-token-not-a-secret"),
            FrontClient(limiter=limiter) as client,
        ):
            # 1. every open conversation, page by page
            progress.step("1. listing open conversations", open_count)
            pages = 0
            open_seen: list[str] = []
            for page in client.paginate(list_conversations, limit=25).pages():
                pages += 1
                open_seen += [c.id for c in page.items if c.status in OPEN_STATUSES]
                progress.advance(len([c for c in page.items if c.status in OPEN_STATUSES]), f"page {pages}")
            # 2. archive a few dozen (Tier 2), with a comment on each
            to_archive = open_seen[:archive_count]
            progress.step("2. archiving + commenting (tier 2)", len(to_archive))
            for conversation_id in to_archive:
                update_conversation.sync_detailed(
                    conversation_id, client=client, body=UpdateConversation(status="archived")
                )
                add_comment.sync(
                    conversation_id, client=client, body=CreateComment(body="Archived by the nightly job")
                )
                progress.advance(1, f"{len(waits)} waits")
            # 3. a reply with an attachment
            progress.step("3. replying with an attachment", 1)
            invoice = File(payload=io.BytesIO(b"%PDF-1.4 demo invoice\n"), file_name="invoice.pdf")
            reply = create_message_reply.sync(
                open_seen[-1],
                client=client,
                body=OutboundReplyMessage(body="Your invoice is attached.", attachments=[invoice]),
            )
            progress.advance(1, "sent" if reply is not None else "?")
            # 4. a private conversation
            progress.step("4. reading a private conversation", 1)
            private_message = ""
            try:
                get_conversation_by_id.sync(private_id, client=client)
            except PrivateResourceError as error:
                private_message = str(error).split(" [", 1)[0]
            progress.advance(1, "refused" if private_message else "?")
            progress.finish()
            stats = limiter.stats()
        archived = sum(1 for cid in to_archive if front.conversation(cid)["status"] == "archived")
        elapsed = time.monotonic() - started
        budget = stats.budget
        assert budget is not None, "the limiter saw no response"
        lines = [
            "",
            "Summary",
            f"  requests              {front.total_received} (emulator; limiter sent {stats.sent})",
            f"  pages                 {pages} ({len(open_seen)} open conversations, {open_count} seeded)",
            f"  archived              {archived} of {len(to_archive)} (each with a comment)",
            "  reply                 1, with invoice.pdf (multipart)",
            f"  private conversation  {private_message or 'NOT refused'}",
            f"  limiter waits         {stats.waited}, {stats.waited_seconds:.2f} s waited in all",
            f"  429s                  {front.responses_429} (global {front.global_429}, "
            f"tiers {dict(front.tier_429) or {}})",
            f"  budget                {budget.remaining} of {budget.limit} left, "
            f"resets in {budget.resets_in:.1f} s (as the limiter sees it)",
            f"  took                  {elapsed:.1f} s (time x {time_scale:g}: "
            f"{elapsed / time_scale:.0f} s at Front's pace)",
        ]
        out.write("\n".join(lines) + "\n")
        ok = front.responses_429 == 0 and archived == len(to_archive) and bool(private_message)
        assert conversation_ids
        return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=0.1, help="Front's periods x this (default 0.1)")
    parser.add_argument("--open", type=int, default=400, help="open conversations seeded (default 400)")
    parser.add_argument("--archive", type=int, default=48, help="conversations archived (default 48)")
    args = parser.parse_args(argv)
    return run(args.time_scale, args.open, args.archive, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
