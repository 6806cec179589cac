"""The emulator as a server of its own: ``python -m front_client.testing`` and ``front-api emulator``, in a
subprocess, as a tool in another language would run it; Ctrl-C (SIGINT) stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

FRONT_API = Path(sys.executable).parent / "front-api"
COMMANDS = {
    "python -m front_client.testing": [sys.executable, "-m", "front_client.testing"],
    "front-api emulator": [str(FRONT_API), "emulator"],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Front emulator on http://"), (
            first,
            process.stderr.read() if process.stderr else "",
        )
        yield process, first.split()[3]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_serves_on_the_given_port_seeded_and_stops_on_ctrl_c(name: str) -> None:
    port = free_port()
    with serving([*COMMANDS[name], "--port", str(port), "--seed", "demo", "--token", "tok_cli"]) as (
        process,
        url,
    ):
        assert url == f"http://127.0.0.1:{port}"
        listed = httpx.get(
            f"{url}/conversations",
            params={"q[statuses][]": "archived"},
            headers={"Authorization": "Bearer tok_cli"},
        )
        assert listed.status_code == 200 and len(listed.json()["_results"]) == 25
        assert httpx.get(f"{url}/me", headers={"Authorization": "Bearer tok_other"}).status_code == 401
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out.strip() == "Front emulator stopped" and "Traceback" not in err
    with socket.socket() as probe:  # the port is free again
        probe.bind(("127.0.0.1", port))


def test_a_port_in_use_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*COMMANDS["python -m front_client.testing"], "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1 and done.stderr.startswith("python -m front_client.testing: cannot start:")
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2() -> None:
    done = subprocess.run(
        [*COMMANDS["front-api emulator"], "--seed", "nope"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "front-api emulator" in done.stderr
