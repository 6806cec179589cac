"""Run every published version of Front's core spec through patch → generate (with the facade) → import.

``make sweep SPECS=<git dir>`` (a clone or a bare mirror of frontapp/front-api-specs): every commit that
changed ``core-api/core-api.json``, oldest first, is read with ``git show`` (never copied into the repo),
patched with our patches, generated with our templates and the facade into a scratch folder under
``build/sweep/``, and imported in a fresh interpreter: every module of the generated package, then
``FrontClient`` built on it and each facade namespace reached. One line per version, then a summary;
the exit status is 1 when a version other than an empty file failed. ``--jobs 2`` runs two at once;
``--only <sha>`` reruns some versions; ``--keep`` leaves their scratch folders.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from tools import generate, patch_spec
from tools.facade_names import operations
from tools.packages import CORE, ROOT

SPEC_PATH = "core-api/core-api.json"
SCRATCH = ROOT / "build" / "sweep"
# Run in the fresh interpreter: import everything, build the client on this version, reach each namespace.
IMPORT_CHECK = """
import importlib, pkgutil, sys
import front_core_api
from front_core_api.resources import NAMESPACES
modules = [i.name for i in pkgutil.walk_packages(front_core_api.__path__, "front_core_api.")]
for name in modules:
    importlib.import_module(name)
from front_client import FrontClient
client = FrontClient(token="sweep-token", base_url="http://127.0.0.1:9")
for namespace in NAMESPACES:
    getattr(client, namespace)
print(len(modules), len(NAMESPACES))
"""


@dataclass(frozen=True)
class Version:
    commit: str
    date: str


@dataclass
class Outcome:
    commit: str
    date: str
    status: str  # ok | empty | failed
    step: str = ""  # the step that failed: read, patch, generate, import
    detail: str = ""
    operations: int = 0
    without_id: int = 0
    modules: int = 0
    namespaces: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        head = f"{self.date} {self.commit[:7]}"
        if self.status == "ok":
            return (
                f"{head}  ok      {self.operations} operations ({self.without_id} without operationId), "
                f"{self.modules} modules, {self.namespaces} namespaces, {self.seconds:.0f} s"
            )
        if self.status == "empty":
            return f"{head}  empty   {self.detail}"
        return f"{head}  FAILED  {self.step}: {self.detail}"


def versions(git_dir: Path, spec_path: str = SPEC_PATH) -> list[Version]:
    """Every commit that changed ``spec_path``, oldest first."""
    log = subprocess.run(
        ["git", "--git-dir", str(git_dir), "log", "--reverse", "--format=%H %ad", "--date=short", "--",
         spec_path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [Version(*line.split()) for line in log.splitlines() if line.strip()]


def _first_line(error: BaseException | str, limit: int = 300) -> str:
    text = str(error).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    # A subprocess's traceback ends on its reason; anything else starts with it.
    line = (lines[-1] if "Traceback" in text else lines[0]) if lines else type(error).__name__
    return line[:limit]


def run_version(version: Version, git_dir: Path, scratch: Path, keep: bool = False) -> Outcome:
    started = time.monotonic()
    outcome = Outcome(version.commit, version.date, "failed")
    folder = scratch / f"{version.date}-{version.commit[:7]}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        source = folder / "source.json"
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{version.commit}:{SPEC_PATH}"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        source.write_bytes(data)
        outcome.step = "read"
        try:
            spec = patch_spec.load_spec(source)
        except patch_spec.SpecFileError as error:
            outcome.status = "empty" if not data.strip() else "failed"
            outcome.detail = "empty file" if not data.strip() else _first_line(error)
            return outcome
        found = list(operations(spec))
        outcome.operations = len(found)
        outcome.without_id = sum(1 for *_, operation in found if not operation.get("operationId"))
        outcome.step = "patch"
        overlay = yaml.safe_load(patch_spec.PATCHES_FILE.read_text(encoding="utf-8"))
        tiers = json.loads(patch_spec.TIERS_FILE.read_text(encoding="utf-8"))
        patched, _, _ = patch_spec.patch(spec, overlay, tiers)
        patched_file = folder / "patched.json"
        patched_file.write_text(json.dumps(patched, indent=2, ensure_ascii=False), encoding="utf-8")
        outcome.step = "generate"
        provenance = {"commit": version.commit, "date": version.date, "sha256": "sweep"}
        generate.generate(patched_file, folder / CORE.name, provenance)
        outcome.step = "import"
        search_path = [str(folder), str(ROOT / "overlay"), str(ROOT)]
        run = subprocess.run(
            [sys.executable, "-c", IMPORT_CHECK],
            capture_output=True, text=True, check=False,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(search_path)}, cwd=folder,
        )  # fmt: skip
        if run.returncode != 0:
            outcome.detail = _first_line(run.stderr or run.stdout)
            return outcome
        modules, namespaces = run.stdout.split()
        outcome.modules, outcome.namespaces = int(modules), int(namespaces)
        outcome.status, outcome.step = "ok", ""
        return outcome
    except Exception as error:  # one version's failure is a line of the report, not the sweep's end
        outcome.detail = _first_line(error)
        return outcome
    finally:
        outcome.seconds = time.monotonic() - started
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def summary(outcomes: list[Outcome]) -> str:
    ok = sum(1 for o in outcomes if o.status == "ok")
    empty = sum(1 for o in outcomes if o.status == "empty")
    failed = [o for o in outcomes if o.status == "failed"]
    without_id = sum(1 for o in outcomes if o.status == "ok" and o.without_id)
    dates = sorted(o.date for o in outcomes)
    span = f"{dates[0]} to {dates[-1]}" if dates else "none"
    text = (
        f"sweep: {len(outcomes)} versions ({span}): {ok} ok ({without_id} of them with operations without "
        f"operationId), {empty} empty, {len(failed)} failed"
    )
    steps: dict[str, int] = {}
    for outcome in failed:
        steps[outcome.step] = steps.get(outcome.step, 0) + 1
    if steps:
        text += " (" + ", ".join(f"{count} at {step}" for step, count in sorted(steps.items())) + ")"
    return text


def _run(chosen: list[Version], git_dir: Path, scratch: Path, jobs: int, keep: bool) -> Iterator[Outcome]:
    if jobs <= 1:
        for version in chosen:
            yield run_version(version, git_dir, scratch, keep)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(run_version, chosen, [git_dir] * len(chosen), [scratch] * len(chosen),
                            [keep] * len(chosen))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", type=Path, help="git dir (or clone) of frontapp/front-api-specs")
    parser.add_argument("--jobs", type=int, default=1, help="versions at once (default 1)")
    parser.add_argument("--only", nargs="*", default=None, help="commit prefixes to run (default: all)")
    parser.add_argument("--scratch", type=Path, default=SCRATCH)
    parser.add_argument("--results", type=Path, default=None, help="also write one JSON line per version")
    parser.add_argument("--keep", action="store_true", help="keep each version's scratch folder")
    args = parser.parse_args(argv)
    git_dir = args.specs / ".git" if (args.specs / ".git").is_dir() else args.specs
    chosen = versions(git_dir)
    if args.only:
        chosen = [v for v in chosen if any(v.commit.startswith(prefix) for prefix in args.only)]
    print(f"sweep: {len(chosen)} versions of {SPEC_PATH} in {args.specs}", flush=True)
    args.scratch.mkdir(parents=True, exist_ok=True)
    results = args.results.open("w", encoding="utf-8") if args.results else None
    outcomes: list[Outcome] = []
    try:
        for outcome in _run(chosen, git_dir, args.scratch, args.jobs, args.keep):
            outcomes.append(outcome)
            print(outcome.line(), flush=True)
            if results:
                results.write(json.dumps(asdict(outcome)) + "\n")
                results.flush()
    finally:
        if results:
            results.close()
    print(summary(outcomes))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
