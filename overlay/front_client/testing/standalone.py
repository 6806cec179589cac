"""The emulator as a server of its own, for the CLI and for tools in other languages:

    python -m front_client.testing --port 8080 --seed demo      # or: front-api emulator --port 8080 ...

It prints ``Front emulator on http://127.0.0.1:8080`` once it is serving (point ``FRONT_API_BASE_URL``
there), and runs until Ctrl-C (SIGINT) or SIGTERM: then it closes its connections, says so and exits 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import TextIO

from front_client.testing.emulator import FrontEmulator
from front_client.testing.limits import EmulatorLimits

__all__ = ["main", "seed_demo"]


def seed_demo(front: FrontEmulator) -> None:
    """A small company: 3 teammates, 2 inboxes, 3 tags, 20 contacts, 120 open conversations (a third
    assigned), 25 archived, 1 private."""
    teammates = front.add_teammates("alice", "bob", "carol")
    front.add_inboxes("Billing", "Sales")
    tags = front.add_tags("vip", "refund", "bug")
    front.add_contacts(20)
    for number in range(1, 121):
        assignee = teammates[number % 3] if number % 3 == 0 else None
        front.add_conversation(
            subject=f"Order #{number}", status="open", assignee_id=assignee, tag_ids=[tags[number % 3]]
        )
    front.add_conversations(25, status="archived", subject="Closed #{n}")
    front.add_private_conversation(subject="Salary review")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Serve the Front emulator until Ctrl-C.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one, printed)")
    parser.add_argument("--seed", choices=["none", "demo"], default="none", help="data to start with")
    parser.add_argument(
        "--token", action="append", dest="tokens", metavar="TOKEN", help="accept only this token (repeatable)"
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="Front's rate limits with time scaled (0.1: 10x faster)"
    )
    return parser


def main(
    argv: Sequence[str] | None = None, prog: str = "python -m front_client.testing", out: TextIO | None = None
) -> int:
    """Run the server until SIGINT / SIGTERM; 0 when stopped that way, 1 if it cannot start, 2 on usage."""
    stream = out or sys.stdout
    try:
        args = _parser(prog).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        limits = EmulatorLimits.front(args.time_scale)
        front = FrontEmulator(limits, tokens=args.tokens, host=args.host, port=args.port)
        if args.seed == "demo":
            seed_demo(front)
        front.start()
    except (OSError, ValueError) as exc:
        print(f"{prog}: cannot start: {exc}", file=sys.stderr)
        return 1
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"Front emulator on {front.base_url} (Ctrl-C stops it)", file=stream, flush=True)
        while not stopping.wait(0.2):
            pass
    finally:
        front.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Front emulator stopped", file=stream, flush=True)
    return 0
