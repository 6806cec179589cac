"""``make record``: re-record the cassettes from nothing against local servers (never Front itself).

Operation cassettes come from Prism serving our patched spec (dynamic responses with a fixed seed, so the
data is generated, and re-recording gives the same cassettes): the Core API's on 127.0.0.1:4010, the
Channel API's (``tests/channel``) on 127.0.0.1:4012; scenario cassettes from the Front emulator,
which each scenario test starts itself on 127.0.0.1:4011 (every scenario sets it up its own way). Then the
new cassettes are replayed offline, as ``make test`` does (this also scans them for tokens).

- ``--check``: record into a temporary directory and compare with ``tests/cassettes`` (exit 1 on any
  difference): re-recording must give no diff.
- ``--into DIR``: record into ``DIR`` instead of ``tests/cassettes``.
- ``--live`` (``make record-live``): record the read-only operations that need no resource ID against the
  real API with ``FRONT_API_TOKEN`` into ``build/cassettes-live`` (``FRONT_API_BASE_URL`` to use another
  host), then scan them for the token. Never needed by the tests; the cassettes are for reading (how Front
  really answers), not for committing.
- Extra arguments go to pytest (e.g. ``-- -k list-tags``); cassettes are then not deleted first.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
CHANNEL_PATCHED_SPEC = ROOT / "build" / "spec" / "channel-api.patched.json"
CASSETTES = ROOT / "tests" / "cassettes"
LIVE_CASSETTES = ROOT / "build" / "cassettes-live"
PRISM_PORT = 4010  # in every recorded URL: tests/contract/conftest.py PRISM_URL
EMULATOR_PORT = 4011  # idem, EMULATOR_URL
CHANNEL_PRISM_PORT = 4012  # the Channel API's Prism: tests/channel/conftest.py CHANNEL_PRISM_URL
# What is recorded: the Core API's contract tests and the Channel API's operation tests.
RECORDED_TESTS = ("tests/contract", "tests/channel/test_operations.py")
PRISM_SEED = "front-core-client"
LIVE_URL = "https://api2.frontapp.com"


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prism exited with status {process.returncode}")
        if port_in_use(port):
            return
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"Prism did not listen on port {port} within {timeout:.0f} s")


def start_prism(spec: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Prism in dynamic mode with a fixed seed (generated data, the same on every run), listening."""
    command = [str(PRISM), "mock", str(spec), "--host", "127.0.0.1", "--port", str(port),
               "--dynamic", "--seed", PRISM_SEED, "--errors", "false"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    wait_for_port(port, process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]


def record(into: Path, pytest_args: list[str]) -> int:
    """Prism up, the contract tests in record mode into ``into``, Prism down; then an offline replay."""
    for port, what in ((PRISM_PORT, "Prism"), (EMULATOR_PORT, "the emulator"), (CHANNEL_PRISM_PORT, "Prism")):
        if port_in_use(port):
            print(f"error: port {port} (for {what}) is in use: the cassettes' URLs need it", file=sys.stderr)
            return 2
    if not PRISM.exists():
        print("error: Prism is not installed: run `make install` (npm ci)", file=sys.stderr)
        return 2
    if not pytest_args:
        shutil.rmtree(into, ignore_errors=True)  # from nothing: no stale cassette survives
    env = dict(os.environ, FRONT_CONTRACT_CASSETTES=str(into))
    env.pop("FRONT_CONTRACT_PRISM_URL", None)
    env.pop("FRONT_CHANNEL_PRISM_URL", None)
    env.pop("FRONT_CONTRACT_LIVE", None)
    log = ROOT / "build" / "prism.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    prism = start_prism(PATCHED_SPEC, PRISM_PORT, log)
    try:
        channel_prism = start_prism(
            CHANNEL_PATCHED_SPEC, CHANNEL_PRISM_PORT, log.with_name("prism-channel.log")
        )
    except BaseException:
        stop(prism)
        raise
    prism_ready = time.monotonic() - started
    try:
        status = subprocess.call(
            pytest_command(*RECORDED_TESTS, "--record-mode=once", *pytest_args), cwd=ROOT, env=env
        )
    finally:
        stop(prism)
        stop(channel_prism)
    recorded = time.monotonic() - started
    count = len(list(into.rglob("*.yaml")))
    print(f"record: {count} cassettes in {into} in {recorded:.1f} s (Prism ready after {prism_ready:.1f} s)")
    if status != 0:
        print(f"record: pytest failed (status {status}); Prism's log: {log}", file=sys.stderr)
        return status
    started = time.monotonic()
    status = subprocess.call(pytest_command(*RECORDED_TESTS, *pytest_args), cwd=ROOT, env=env)
    print(f"replay: offline, network blocked, in {time.monotonic() - started:.1f} s (status {status})")
    return status


def compare(recorded: Path, committed: Path, *, partial: bool = False) -> list[str]:
    """Differences between two cassette trees: missing (unless ``partial``), extra and changed files."""
    new = {p.relative_to(recorded) for p in recorded.rglob("*.yaml")}
    old = {p.relative_to(committed) for p in committed.rglob("*.yaml")}
    problems = [] if partial else [f"missing from the new recording: {p}" for p in sorted(old - new)]
    problems += [f"not in {committed}: {p}" for p in sorted(new - old)]
    for name in sorted(new & old):
        if not filecmp.cmp(recorded / name, committed / name, shallow=False):
            diff = difflib.unified_diff(
                (committed / name).read_text(encoding="utf-8").splitlines(),
                (recorded / name).read_text(encoding="utf-8").splitlines(),
                f"committed/{name}",
                f"recorded/{name}",
                lineterm="",
                n=1,
            )
            problems.append(f"changed: {name}\n" + "\n".join(list(diff)[:20]))
    return problems


def check(pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="cassettes-") as scratch:
        into = Path(scratch) / "cassettes"
        status = record(into, pytest_args)
        if status != 0:
            return status
        problems = compare(into, CASSETTES, partial=bool(pytest_args))
    for problem in problems:
        print(problem)
    print(f"check: {len(problems)} difference(s) between a new recording and {CASSETTES.relative_to(ROOT)}")
    return 1 if problems else 0


def record_live(into: Path, pytest_args: list[str]) -> int:
    if not os.environ.get("FRONT_API_TOKEN", "").strip():
        print("error: record-live needs FRONT_API_TOKEN (an API token of a test company)", file=sys.stderr)
        return 2
    shutil.rmtree(into, ignore_errors=True)
    env = dict(
        os.environ,
        FRONT_CONTRACT_LIVE="1",
        FRONT_CONTRACT_PRISM_URL=os.environ.get("FRONT_API_BASE_URL", LIVE_URL),
        FRONT_CONTRACT_CASSETTES=str(into),
    )
    tests = [
        "tests/contract/test_operations.py::test_operation",
        "tests/contract/test_operations.py::test_operation_async",
    ]
    status = subprocess.call(pytest_command(*tests, "--record-mode=once", *pytest_args), cwd=ROOT, env=env)
    scan = pytest_command("tests/contract/test_hygiene.py::test_no_cassette_holds_a_token")
    scanned = subprocess.call(scan, cwd=ROOT, env=env)
    print(f"record-live: cassettes in {into}; token scan status {scanned}; do not commit them")
    return status or scanned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--live", action="store_true", help="record against the real API (FRONT_API_TOKEN)")
    mode.add_argument("--check", action="store_true", help="record into a temporary copy and compare")
    parser.add_argument("--into", type=Path, help="cassette directory (default tests/cassettes)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    if args.live:
        return record_live((args.into or LIVE_CASSETTES).resolve(), args.pytest_args)
    if args.check:
        return check(args.pytest_args)
    return record((args.into or CASSETTES).resolve(), args.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
