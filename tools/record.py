"""``make record``: re-record the cassettes from nothing against local servers (never Front itself).

Operation cassettes come from Prism serving our patched spec (dynamic responses with a fixed seed, so the
data is generated, and re-recording gives the same cassettes); scenario cassettes from the Front emulator
that the scenario tests start themselves. ``--live`` records against the real API instead (needs
FRONT_API_TOKEN; see README): never needed by the tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
PATCHED_SPEC = ROOT / "build" / "spec" / "core-api.patched.json"
CASSETTES = ROOT / "tests" / "cassettes"
PRISM_PORT = 4010
PRISM_SEED = "front-core-client"


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prism exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"Prism did not listen on port {port} within {timeout:.0f} s")


def start_prism(spec: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(PRISM), "mock", str(spec), "--host", "127.0.0.1", "--port", str(port),
               "--dynamic", "--seed", PRISM_SEED, "--errors", "false"]  # fmt: skip
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_for_port(port, process)
    return process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="record against api2.frontapp.com")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (e.g. -k list_conversations)")
    args = parser.parse_args(argv)
    pytest_command = [sys.executable, "-m", "pytest", "tests/contract", "-p", "no:cacheprovider",
                      "--record-mode=once", "-q", *args.pytest_args]  # fmt: skip
    if args.live:
        if not os.environ.get("FRONT_API_TOKEN"):
            print("error: --live needs FRONT_API_TOKEN", file=sys.stderr)
            return 2
        env = dict(os.environ, FRONT_CONTRACT_PRISM_URL="https://api2.frontapp.com")
        return subprocess.call([*pytest_command, "-k", "test_operation"], cwd=ROOT, env=env)
    if not args.pytest_args:
        shutil.rmtree(CASSETTES, ignore_errors=True)  # from nothing: no stale cassette survives
    log = ROOT / "build" / "prism.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    prism = start_prism(PATCHED_SPEC, PRISM_PORT, log)
    try:
        return subprocess.call(pytest_command, cwd=ROOT)
    finally:
        prism.terminate()
        prism.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
