"""What a user does: a brand-new venv, then ``pip install <fresh clone>``, then a call.

A fresh clone has no ``generated/`` (git ignores it), so pip's isolated build (filled from
[build-system].requires alone) runs the hook, which runs the whole pipeline, facade and ruff included,
inside that build environment. The clone is of this checkout's last commit. The pinned spec comes from
``../shared/front-api-specs`` (``FRONT_API_SPECS_DIR``) instead of a download: no network here but the
package index; the wheelhouse of conftest.py spares most downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import venv
from pathlib import Path

import pytest
from front_client.testing import EmulatorRequest, EmulatorResponse, FrontEmulator, json_response

from tests.payloads import conversation
from tools import packages
from tools.packages import CORE, ROOT, SPECS_DIR_ENV

from .conftest import run

PIN = json.loads((ROOT / CORE.pin).read_text(encoding="utf-8"))

USER_SCRIPT = """
import json, sys

import front_client, front_core_api
from front_client import FrontClient

with FrontClient(token="tok_clone", base_url=sys.argv[1]) as front:
    answer = front.conversations.get("cnv_1")
print(json.dumps({
    "front_client": front_client.__file__,
    "front_core_api": front_core_api.__file__,
    "spec": [front_core_api.SPEC_COMMIT, front_core_api.SPEC_SHA256],
    "answer": [type(answer).__name__, answer.id],
}))
"""


def serve_conversation(request: EmulatorRequest) -> EmulatorResponse:
    return json_response(conversation(id=request.path_params["conversation_id"]))(request)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_pip_install_of_a_fresh_clone_into_a_brand_new_venv_works(tmp_path: Path, wheelhouse: Path) -> None:
    specs = packages.specs_dir()
    if not (specs / CORE.spec_file).exists():
        pytest.skip(f"Front's published spec is absent from ../shared/front-api-specs ({specs})")
    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", "--no-hardlinks", ROOT, clone])
    assert not (clone / "generated" / CORE.name).exists()
    root = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    python = root / "bin" / "python"
    # The user's environment, less this venv's own (no VIRTUAL_ENV, no PYTHONPATH, no dev tools on PATH).
    user_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    user_env["PATH"] = os.pathsep.join(
        p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(str(ROOT))
    )
    user_env[SPECS_DIR_ENV] = str(specs)
    run(
        [python, "-m", "pip", "install", "--quiet", "--find-links", wheelhouse, clone],
        env=user_env,
        cwd=tmp_path,
    )
    (site,) = root.glob("lib/python*/site-packages")
    # The isolated build ran the pipeline: the same pinned spec gives byte-identical generated code.
    assert tree_digest(site / CORE.name) == tree_digest(CORE.generated_dir())
    with FrontEmulator(stateful=False) as emulator:
        emulator.route("GET", "/conversations/{conversation_id}", serve_conversation)
        answer = run([python, "-I", "-c", USER_SCRIPT, emulator.base_url], cwd=tmp_path, env=user_env)
        seen = [(r.path, r.headers["authorization"]) for r in emulator.requests]
    facts = json.loads(answer.stdout)
    assert facts["front_client"].startswith(str(site)) and facts["front_core_api"].startswith(str(site))
    assert facts["spec"] == [PIN["commit"], PIN["sha256"]]
    assert facts["answer"] == ["ConversationResponse", "cnv_1"]
    assert seen == [("/conversations/cnv_1", "Bearer tok_clone")]
    assert subprocess.run([python, "-c", "import ruff"], capture_output=True, check=False).returncode != 0
