"""The wheel carries everything: installed alone into a fresh venv, the client imports, calls the local
emulator (sync and async), and a user's `mypy --strict` sees its real types."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator, json_response

from tests.payloads import conversation
from tools.packages import CORE, ROOT

from .conftest import FreshVenv, run

PIN = json.loads((ROOT / CORE.pin).read_text(encoding="utf-8"))

USER_SCRIPT = """
import asyncio, json, sys

import front_client, front_core_api
from front_client import AsyncFrontClient, FrontClient
from front_core_api.api.conversations import get_conversation_by_id
from front_core_api.models import ConversationResponse

base_url = sys.argv[1]
with FrontClient(token="tok_wheel", base_url=base_url) as client:
    synced = get_conversation_by_id.sync("cnv_1", client=client)

async def main() -> ConversationResponse | None:
    async with AsyncFrontClient(token="tok_wheel", base_url=base_url) as client:
        answer = await get_conversation_by_id.asyncio("cnv_2", client=client)
        return answer if isinstance(answer, ConversationResponse) else None

awaited = asyncio.run(main())
print(json.dumps({
    "front_client": front_client.__file__,
    "front_core_api": front_core_api.__file__,
    "spec": [front_core_api.SPEC_COMMIT, front_core_api.SPEC_DATE, front_core_api.SPEC_SHA256],
    "sync": [type(synced).__name__, synced.id],
    "async": [type(awaited).__name__, awaited.id if awaited else None],
    "sys_path": sys.path,
}))
"""

TYPED_SCRIPT = """
from front_client import FrontClient
from front_core_api.api.conversations import get_conversation_by_id
from front_core_api.models import ConversationResponse


def read(client: FrontClient, raw: dict[str, object]) -> None:
    reveal_type(ConversationResponse.from_dict(raw))
    get_conversation_by_id.sync(123, client=client)
"""


def serve_conversation(request: EmulatorRequest) -> EmulatorResponse:
    return json_response(conversation(id=request.path_params["conversation_id"]))(request)


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_generated_module_and_both_py_typed_markers(built_wheel: Path) -> None:
    names = wheel_names(built_wheel)
    generated = {
        path.relative_to(CORE.generated_dir().parent).as_posix()
        for path in CORE.generated_dir().rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert f"{CORE.name}/api/conversations/get_conversation_by_id.py" in generated
    assert generated <= names, sorted(generated - names)[:5]
    assert {"front_core_api/py.typed", "front_client/py.typed", "front_client/tiers.json"} <= names
    assert not [name for name in names if name.startswith(("generated/", "overlay/", "tests/", "tools/"))]


def test_the_installed_client_works_without_the_checkout(fresh_venv: FreshVenv) -> None:
    installed = {p.name for p in fresh_venv.site_packages().iterdir()}
    # Runtime dependencies only: none of the generator, the validator, pytest or mypy.
    assert {
        "front_client",
        "front_core_api",
        "front_channel_api",
        "httpx",
        "attrs",
        "dateutil",
        "jwt",
    } <= installed
    assert not installed & {"openapi_python_client", "openapi_spec_validator", "yaml", "pytest", "mypy"}

    with FrontEmulator(stateful=False) as emulator:
        emulator.route("GET", "/conversations/{conversation_id}", serve_conversation)
        answer = run(
            [fresh_venv.python, "-I", "-c", USER_SCRIPT, emulator.base_url],
            cwd=fresh_venv.root,
            env=fresh_venv.env(),
        )
        seen = [(request.path, request.headers["authorization"]) for request in emulator.requests]
    facts = json.loads(answer.stdout)
    site = str(fresh_venv.site_packages())
    assert facts["front_client"].startswith(site) and facts["front_core_api"].startswith(site)
    assert not [entry for entry in facts["sys_path"] if entry.startswith(str(ROOT))]
    assert facts["spec"] == [PIN["commit"], PIN["date"], PIN["sha256"]]
    assert facts["sync"] == ["ConversationResponse", "cnv_1"]
    assert facts["async"] == ["ConversationResponse", "cnv_2"]
    bearer = "Bearer tok_wheel"
    assert seen == [("/conversations/cnv_1", bearer), ("/conversations/cnv_2", bearer)]


@pytest.fixture
def user_project(tmp_path: Path) -> Iterator[Path]:
    """A user's folder: no config file, so mypy reads none of ours (no mypy_path into the checkout)."""
    (tmp_path / "user_script.py").write_text(TYPED_SCRIPT, encoding="utf-8")
    yield tmp_path


def test_a_users_strict_mypy_sees_the_installed_types(fresh_venv: FreshVenv, user_project: Path) -> None:
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(fresh_venv.python),
            "user_script.py",
        ],
        cwd=user_project,
        capture_output=True,
        text=True,
        env=fresh_venv.env(),
        check=False,
    )
    lines = [line for line in checked.stdout.splitlines() if line.startswith("user_script.py:")]
    assert "missing library stubs or py.typed marker" not in checked.stdout, checked.stdout
    notes = [line for line in lines if "Revealed type" in line]
    errors = [line for line in lines if ": error:" in line]
    assert len(notes) == 1 and "front_core_api.models.conversation_response.ConversationResponse" in notes[0]
    assert len(errors) == 1 and "[arg-type]" in errors[0] and '"int"' in errors[0], checked.stdout


def test_an_editable_install_puts_the_folders_on_sys_path_and_copies_nothing(tmp_path: Path) -> None:
    run([sys.executable, "-m", "hatchling", "build", "--target", "wheel:editable", "--directory", tmp_path],
        cwd=ROOT)  # fmt: skip
    (editable,) = tmp_path.glob("*.whl")
    names = wheel_names(editable)
    assert not [name for name in names if name.startswith(("front_client/", "front_core_api/"))], names
    with zipfile.ZipFile(editable) as archive:
        (pth,) = [name for name in names if name.endswith(".pth")]
        folders = archive.read(pth).decode().split()
    assert folders == [str(ROOT / "generated"), str(ROOT / "overlay")]
