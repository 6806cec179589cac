"""Generate ``front_core_api`` from the patched spec with openapi-python-client and our templates.

The generator runs into a scratch folder; its output replaces the target only when it succeeded and left
no unexplained warning (templates/generator-warnings.yaml lists the allowed ones, each with its reason).
Per-operation facts the generator does not hand to templates (Front's required scopes, the rate-limit
tier written by tools/patch_spec.py) reach them through ``_front_operations.jinja``, a data file written
beside a copy of templates/ from the patched spec.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tools.facade import generate_facade

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
CONFIG = TEMPLATES / "config.yaml"
ALLOWED_WARNINGS = TEMPLATES / "generator-warnings.yaml"
PACKAGE = "front_core_api"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class GenerationError(RuntimeError):
    pass


def operations_table(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``"METHOD /path"`` → the facts our endpoint template prints and exports."""
    table: dict[str, dict[str, Any]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            facts: dict[str, Any] = {"required_scopes": list(operation.get("x-required-scopes", []))}
            if "x-front-rate-limit-tier" in operation:
                facts["tier"] = operation["x-front-rate-limit-tier"]
            table[f"{method.upper()} {path}"] = facts
    return table


def write_template_dir(spec: dict[str, Any], destination: Path) -> None:
    for template in TEMPLATES.rglob("*.jinja"):
        target = destination / template.relative_to(TEMPLATES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    # JSON with only strings, numbers and lists/dicts is also a Jinja literal.
    table = json.dumps(operations_table(spec), indent=1, sort_keys=True, ensure_ascii=True)
    (destination / "_front_operations.jinja").write_text(
        "{# Written by tools/generate.py from the patched spec. #}\n{% set OPERATIONS = " + table + " %}\n",
        encoding="utf-8",
    )


def _warning_blocks(output: str) -> list[str]:
    """The generator's warnings, one block each (a headline and the lines explaining it)."""
    if "Warning(s) encountered" not in output and "Error(s) encountered" not in output:
        return []
    body = output.split("encountered while generating", 1)[1]
    body = body.split("If you believe this was a mistake", 1)[0]
    blocks = [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]
    return [
        b
        for b in blocks
        if not b.lstrip(". ,").startswith(("Client was generated", "client was not created"))
    ]


def unexplained(warnings: list[str], allowed: list[dict[str, str]]) -> list[str]:
    return [w for w in warnings if not any(re.search(rule["pattern"], w) for rule in allowed)]


def check_warnings(log: str, allowed: list[dict[str, str]]) -> list[str]:
    """The generator's warnings in its output ``log``, all explained by ``allowed`` (the rules of
    templates/generator-warnings.yaml); raises :class:`GenerationError` naming any other one."""
    warnings = _warning_blocks(log)
    left = unexplained(warnings, allowed)
    if left:
        raise GenerationError(
            f"{len(left)} generator warning(s) not explained in {ALLOWED_WARNINGS.relative_to(ROOT)}:\n\n"
            + "\n\n".join(left)
        )
    return warnings


def generate(patched_spec: Path, output: Path) -> list[str]:
    spec = json.loads(patched_spec.read_text(encoding="utf-8"))
    allowed = yaml.safe_load(ALLOWED_WARNINGS.read_text(encoding="utf-8")) or []
    env = dict(
        os.environ, PYTHONUTF8="1", PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="generate-", dir=output.parent) as scratch:
        templates = Path(scratch) / "templates"
        write_template_dir(spec, templates)
        target = Path(scratch) / PACKAGE
        command = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(patched_spec), "--meta", "none", "--output-path", str(target),
            "--config", str(CONFIG), "--custom-template-path", str(templates),
        ]  # fmt: skip
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        log = run.stdout + run.stderr
        if run.returncode != 0 or not (target / "__init__.py").exists():
            raise GenerationError(f"openapi-python-client failed (exit {run.returncode}):\n{log}")
        warnings = check_warnings(log, allowed)
        # The resource facade (client.conversations.list()), from the generator's own parse of the same spec.
        try:
            generate_facade(patched_spec, target, templates, CONFIG)
        except (RuntimeError, ValueError, OSError, subprocess.CalledProcessError) as error:
            raise GenerationError(f"the facade could not be generated: {error}") from error
        shutil.rmtree(output, ignore_errors=True)
        target.rename(output)
    return warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patched_spec", type=Path)
    parser.add_argument("--output", type=Path, default=ROOT / "generated" / PACKAGE)
    args = parser.parse_args(argv)
    try:
        warnings = generate(args.patched_spec, args.output)
    except GenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    modules = sum(1 for _ in args.output.rglob("*.py"))
    print(f"generated {args.output} ({modules} modules, {len(warnings)} allowed generator warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
