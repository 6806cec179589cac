"""Generated-client benchmark: cold import, CPU per 100-item page, and what the overlay adds.

    .venv/bin/python -m bench.generated_bench            # from the repository root (make bench)
    .venv/bin/python -m bench.generated_bench --check    # exit 1 if a target is missed

Three figures, each a median with its range (min-max):

- **cold import to first call**: a fresh interpreter runs ``from front_client import FrontClient`` and
  ``from front_core_api.api.conversations import list_conversations`` (everything a script imports before
  its first call), against ``import httpx`` alone; informative rows: the generated package alone, and
  imports + ``FrontClient(...)`` + one call answered by the local server. Bytecode caches are warm (one
  unmeasured run first): this is a CLI's or a worker's start, not a first install.
- **CPU per call** (``time.process_time``) of ``list_conversations.sync_detailed`` on a 100-conversation
  page (each assigned, with a recipient and two tags; ``bench.payloads``) served by ``bench.page_server``
  in its own process, against ``httpx.Client.get(...).json()`` on the same response. Each round runs
  ``--calls`` calls of each; the ratio is taken per round. Logging is not configured (Python's default).
- **overlay overhead**: the same generated call through ``FrontClient`` (auth, limiter, retries, error
  mapping) against a plain generated ``AuthenticatedClient``, both with logging at INFO (to /dev/null), the
  limiter on with a budget that never throttles (the server announces 1,000,000 requests per window).
- **the facade**: import to the first ``client.conversations.list()`` as a multiple of ``import httpx``
  (target ≤ 1.75x), and the CPU of one page through the facade over ``list_conversations.sync_detailed``,
  both through ``FrontClient`` (target ≤ 1.05x), bracketed per round so that drift cancels out.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from front_client import FrontClient, InProcessLimiter, RateLimitPolicy
from front_core_api.api.conversations import list_conversations
from front_core_api.client import AuthenticatedClient

ROOT = Path(__file__).resolve().parents[1]

IMPORT_TARGET_MS = 150.0
PARSE_TARGET, PARSE_STRETCH = 2.0, 1.5
OVERLAY_TARGET = 1.1
PAGE_SIZE = 100

IMPORT_HTTPX = "import httpx"
IMPORT_GENERATED = (
    "from front_core_api.client import AuthenticatedClient\n"
    "from front_core_api.api.conversations import list_conversations"
)
IMPORT_FRONT = (
    "from front_client import FrontClient\nfrom front_core_api.api.conversations import list_conversations"
)
FIRST_CALL = (
    IMPORT_FRONT + "\n"
    "client = FrontClient('bench-token', base_url=BASE_URL)\n"
    "page = list_conversations.sync(client=client)\n"
    "assert page is not None and len(page.field_results) == PAGE_SIZE"
)
# The facade: what touching client.conversations and calling .list() imports (no client built: as above).
IMPORT_FACADE = (
    "from front_client import FrontClient\nimport front_core_api.resources.conversations\n"
    "from front_core_api.api.conversations import list_conversations"
)
FIRST_FACADE_CALL = (
    "from front_client import FrontClient\n"
    "client = FrontClient('bench-token', base_url=BASE_URL)\n"
    "page = next(iter(client.conversations.list().pages()))\n"
    "assert len(page.items) == PAGE_SIZE"
)
FACADE_TARGET_IMPORT_RATIO = 1.75
FACADE_TARGET = 1.05
# The child times its own statements: interpreter start-up (the same with or without us) is left out.
CHILD = """\
import time
BASE_URL, PAGE_SIZE = {base_url!r}, {page_size}
_start = time.perf_counter()
{code}
print(time.perf_counter() - _start)
"""


@dataclass(frozen=True)
class Stat:
    """A median with its range, over runs or rounds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self, scale: float, unit: str, digits: int) -> str:
        low, high = min(self.values) * scale, max(self.values) * scale
        return f"{self.median * scale:.{digits}f}{unit} ({low:.{digits}f}-{high:.{digits}f})"


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    target: str = ""
    ok: bool | None = None


@contextmanager
def page_server() -> Iterator[str]:
    """``bench.page_server`` in its own process (its CPU is not ours); yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.page_server"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fresh_interpreter_seconds(code: str, base_url: str, runs: int) -> Stat:
    script = CHILD.format(code=code, base_url=base_url, page_size=PAGE_SIZE)
    env = {**os.environ, "PYTHONUTF8": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def once() -> float:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"child failed:\n{script}\n{done.stderr}")
        return float(done.stdout.strip().splitlines()[-1])

    once()  # writes any missing bytecode cache; not counted
    return Stat(tuple(once() for _ in range(runs)))


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    gc.collect()
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls


@contextmanager
def logging_at_info() -> Iterator[None]:
    root = logging.getLogger()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        handler = logging.StreamHandler(sink)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        level = root.level
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            yield
        finally:
            root.setLevel(level)
            root.removeHandler(handler)


@dataclass
class CallFigures:
    bare: list[float]
    generated: list[float]
    generated_info: list[float]
    front_info: list[float]
    limiter_waits: int
    front_plain: list[float] = field(default_factory=list)
    facade: list[float] = field(default_factory=list)


def measure_calls(base_url: str, rounds: int, calls: int) -> CallFigures:
    limiter = InProcessLimiter(RateLimitPolicy(global_limit=1_000_000, window_seconds=60.0))
    with (
        httpx.Client(base_url=base_url) as bare_client,
        AuthenticatedClient(base_url=base_url, token="bench-token") as generated_client,
        FrontClient("bench-token", base_url=base_url, limiter=limiter) as front_client,
    ):

        def bare() -> object:
            return bare_client.get("/conversations").json()

        def generated() -> object:
            return list_conversations.sync_detailed(client=generated_client)

        def front() -> object:
            return list_conversations.sync_detailed(client=front_client)

        def facade() -> object:  # one page through client.conversations.list(), as the call above
            return next(iter(front_client.conversations.list().pages()))

        for call in (
            bare,
            generated,
            front,
            facade,
        ):  # connections open, caches warm, the limiter has its headers
            for _ in range(max(10, calls // 10)):
                call()
        page = list_conversations.sync(client=front_client)
        assert page is not None and isinstance(page.field_results, list)
        assert len(page.field_results) == PAGE_SIZE, "the page server should answer a full page"

        figures = CallFigures([], [], [], [], 0)
        for _ in range(rounds):
            figures.bare.append(cpu_per_call(bare, calls))
            figures.generated.append(cpu_per_call(generated, calls))
            with logging_at_info():
                figures.front_info.append(cpu_per_call(front, calls))
                figures.generated_info.append(cpu_per_call(generated, calls))
            # Bracketed (plain, facade, plain): a drift of the machine during the round cancels out.
            before = cpu_per_call(front, calls)
            figures.facade.append(cpu_per_call(facade, calls))
            figures.front_plain.append((before + cpu_per_call(front, calls)) / 2)
        figures.limiter_waits = limiter.stats().waited
    return figures


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Stat:
    return Stat(tuple(n / d for n, d in zip(numerators, denominators, strict=True)))


def build_rows(imports: dict[str, Stat], calls: CallFigures) -> list[Row]:
    def ms(stat: Stat) -> str:
        return stat.text(1000.0, " ms", 1)

    def cpu(values: list[float]) -> str:
        return Stat(tuple(values)).text(1000.0, " ms", 3)

    front_import = imports["front"].median * 1000.0
    parse = ratios(calls.generated, calls.bare)
    overlay = ratios(calls.front_info, calls.generated_info)
    facade = ratios(calls.facade, calls.front_plain)
    facade_import = imports["facade"].median / imports["httpx"].median
    return [
        Row("cold import: import httpx (reference)", ms(imports["httpx"])),
        Row(
            "cold import to first call: FrontClient + list_conversations",
            ms(imports["front"]),
            f"≤ {IMPORT_TARGET_MS:.0f} ms",
            front_import <= IMPORT_TARGET_MS,
        ),
        # The target is absolute, but a slower machine slows every import alike: this ratio travels.
        Row(
            "  as a multiple of import httpx (medians)",
            f"{imports['front'].median / imports['httpx'].median:.2f}x",
        ),
        Row("  generated only: AuthenticatedClient + list_conversations", ms(imports["generated"])),
        Row("  + FrontClient(...) + first call done (local server)", ms(imports["first_call"])),
        Row(f"CPU/call: httpx get().json(), {PAGE_SIZE}-item page", cpu(calls.bare)),
        Row("CPU/call: list_conversations.sync_detailed", cpu(calls.generated)),
        Row(
            "ratio generated / bare httpx + json",
            parse.text(1.0, "x", 2),
            f"≤ {PARSE_TARGET}x (stretch {PARSE_STRETCH}x)",
            parse.median <= PARSE_TARGET,
        ),
        Row("CPU/call at INFO: via AuthenticatedClient", cpu(calls.generated_info)),
        Row("CPU/call at INFO: via FrontClient", cpu(calls.front_info)),
        Row(
            "ratio FrontClient / AuthenticatedClient",
            overlay.text(1.0, "x", 2),
            f"≤ {OVERLAY_TARGET}x",
            overlay.median <= OVERLAY_TARGET,
        ),
        Row("cold import to first facade call: FrontClient + client.conversations", ms(imports["facade"])),
        Row(
            "  as a multiple of import httpx (medians)",
            f"{facade_import:.2f}x",
            f"≤ {FACADE_TARGET_IMPORT_RATIO}x",
            facade_import <= FACADE_TARGET_IMPORT_RATIO,
        ),
        Row("  + FrontClient(...) + first facade call done (local server)", ms(imports["first_facade_call"])),
        Row("CPU/call: client.conversations.list(), first page", cpu(calls.facade)),
        Row(
            "ratio facade / list_conversations.sync_detailed (both FrontClient)",
            facade.text(1.0, "x", 2),
            f"≤ {FACADE_TARGET}x",
            facade.median <= FACADE_TARGET,
        ),
    ]


def render(rows: list[Row], header: str) -> str:
    label_width = max(len(r.label) for r in rows)
    value_width = max(len(r.value) for r in rows)
    target_width = max(len(r.target) for r in rows)
    lines = [header, ""]
    lines.append(f"{'':{label_width}}  {'median (min-max)':{value_width}}  {'target':{target_width}}")
    for r in rows:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        lines.append(
            f"{r.label:{label_width}}  {r.value:{value_width}}  {r.target:{target_width}}  {verdict}"
        )
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--imports", type=int, default=7, help="fresh interpreters per import figure")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of calls")
    parser.add_argument("--calls", type=int, default=150, help="calls of each kind per round")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with page_server() as base_url:
        imports = {
            "httpx": fresh_interpreter_seconds(IMPORT_HTTPX, base_url, args.imports),
            "front": fresh_interpreter_seconds(IMPORT_FRONT, base_url, args.imports),
            "generated": fresh_interpreter_seconds(IMPORT_GENERATED, base_url, args.imports),
            "first_call": fresh_interpreter_seconds(FIRST_CALL, base_url, args.imports),
            "facade": fresh_interpreter_seconds(IMPORT_FACADE, base_url, args.imports),
            "first_facade_call": fresh_interpreter_seconds(FIRST_FACADE_CALL, base_url, args.imports),
        }
        calls = measure_calls(base_url, args.rounds, args.calls)
    rows = build_rows(imports, calls)
    header = (
        f"Generated client: Python {platform.python_version()}, httpx {httpx.__version__}; "
        f"imports: {args.imports} fresh interpreters; CPU: {args.rounds} rounds of {args.calls} calls; "
        f"limiter waits: {calls.limiter_waits}; {time.perf_counter() - started:.0f} s"
    )
    print(render(rows, header))
    missed = [r.label for r in rows if r.ok is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
