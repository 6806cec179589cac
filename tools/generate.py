"""Generate ``front_core_api`` (or ``--api channel``: ``front_channel_api``, tools/packages.py) from the
patched spec with openapi-python-client and our templates.

The generator runs into a scratch folder; its output replaces the target only when it succeeded and left
no unexplained warning (templates/generator-warnings.yaml lists the allowed ones, each with its reason).
Per-operation facts the generator does not hand to templates (Front's required scopes, the rate-limit
tier written by tools/patch_spec.py) reach them through ``_front_operations.jinja``, a data file written
beside a copy of templates/ from the patched spec. Which upstream spec the package was generated from
(``SPEC_COMMIT``, ``SPEC_DATE``, ``SPEC_SHA256`` in its ``__init__``) comes from the pin the same way,
through ``_front_spec.jinja``: never typed by hand. The package gets a ``py.typed`` marker (PEP 561).
"""

from __future__ import annotations

import argparse
import hashlib
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

from tools.apis import APIS, DEFAULT_API, api_named
from tools.facade import generate_facade, ruff_binary
from tools.packages import CORE, PACKAGES, ROOT
from tools.query_objects import QueryObjects, resolve, write_query_module
from tools.query_objects import load as load_query_objects
from tools.response_shapes import write_response_shapes
from tools.spec_descriptions import parameter_descriptions

TEMPLATES = ROOT / "templates"
CONFIG = CORE.path(CORE.config)
ALLOWED_WARNINGS = TEMPLATES / "generator-warnings.yaml"
PACKAGE = CORE.name
PY_TYPED = "# Marker file for PEP 561: this package ships its own type hints.\n"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class GenerationError(RuntimeError):
    pass


def operations_table(
    spec: dict[str, Any], query_objects: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """``"METHOD /path"`` → the facts our endpoint template prints and exports; ``query_objects``
    (``"METHOD /path"`` → kind) names the operations whose ``q`` is a query object."""
    table: dict[str, dict[str, Any]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            facts: dict[str, Any] = {"required_scopes": list(operation.get("x-required-scopes", []))}
            if "x-front-rate-limit-tier" in operation:
                facts["tier"] = operation["x-front-rate-limit-tier"]
            key = f"{method.upper()} {path}"
            if query_objects and key in query_objects:
                facts["query_object"] = query_objects[key]
            described = parameter_descriptions(spec, path, method)
            if described:
                facts["parameters"] = described
            table[key] = facts
    return table


def spec_provenance(pin: dict[str, str], source_sha256: str | None = None) -> dict[str, str]:
    """What the package says about its spec: the pin's commit, date and sha256. A source file that is not
    the pinned one (``make generate SPEC=...``) is not given the pin's name: its commit is ``unpinned``."""
    if source_sha256 is None or source_sha256 == pin["sha256"]:
        return {"commit": pin["commit"], "date": pin["date"], "sha256": pin["sha256"]}
    return {"commit": "unpinned", "date": "unknown", "sha256": source_sha256}


def _extension_name(constant: str) -> str:
    """The value of ``constant`` in overlay/front_client/extensions.py (``NAME = "value"``)."""
    source = (ROOT / "overlay" / "front_client" / "extensions.py").read_text(encoding="utf-8")
    found = re.search(rf'^{constant} = "([a-z_]+)"', source, re.MULTILINE)
    if found is None:
        raise GenerationError(f"overlay/front_client/extensions.py names no {constant}")
    return found.group(1)


def write_template_dir(
    spec: dict[str, Any],
    destination: Path,
    provenance: dict[str, str] | None = None,
    query_objects: dict[str, str] | None = None,
) -> None:
    for template in TEMPLATES.rglob("*.jinja"):
        target = destination / template.relative_to(TEMPLATES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    # JSON with only strings, numbers and lists/dicts is also a Jinja literal.
    table = json.dumps(operations_table(spec, query_objects), indent=1, sort_keys=True, ensure_ascii=True)
    # The request extension's name comes from front_client.extensions, the one place that names them (read
    # as text: the generator does not import the overlay), so generated code needs no import of front_client.
    extension = _extension_name("OPERATION")
    (destination / "_front_operations.jinja").write_text(
        "{# Written by tools/generate.py from the patched spec. #}\n{% set OPERATIONS = "
        + table
        + " %}\n{% set OPERATION_EXTENSION = "
        + json.dumps(extension)
        + " %}\n",
        encoding="utf-8",
    )
    facts = provenance or {"commit": "unknown", "date": "unknown", "sha256": "unknown"}
    (destination / "_front_spec.jinja").write_text(
        "{# Written by tools/generate.py from the pin. #}\n{% set SPEC = "
        + json.dumps(facts, sort_keys=True, ensure_ascii=True)
        + " %}\n",
        encoding="utf-8",
    )


def _warning_blocks(output: str) -> list[str]:
    """The generator's warnings, one block each (a headline and the lines explaining it)."""
    if "Warning(s) encountered" not in output and "Error(s) encountered" not in output:
        return []
    body = output.split("encountered while generating", 1)[1]
    # The rest of that line ("Client was generated, but ...") is no warning; the first one starts below.
    body = body.split("\n", 1)[1] if "\n" in body else ""
    body = body.split("If you believe this was a mistake", 1)[0]
    blocks = [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]
    warnings: list[str] = []
    for block in blocks:
        if block.lstrip(". ,").startswith(("Client was generated", "client was not created")):
            continue
        # "WARNING parsing GET /x within tag." names the operation of the message that follows it.
        if warnings and warnings[-1].startswith("WARNING parsing ") and "\n" not in warnings[-1]:
            warnings[-1] += "\n" + block
        else:
            warnings.append(block)
    return warnings


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


def write_config(source: Path, package: str, destination: Path) -> Path:
    """``source`` (templates/config.yaml) with the package's own name (the one config serves every API)."""
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    config["package_name_override"] = package
    config["project_name_override"] = package.replace("_", "-")
    destination.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return destination


def query_objects_file(package: str) -> Path | None:
    """The package's query-object data (spec/query-objects.yaml beside its patches), if it is one of ours."""
    for known in PACKAGES:
        if known.name == package:
            return known.patches_file.parent / "query-objects.yaml"
    return None


def generate(
    patched_spec: Path,
    output: Path,
    provenance: dict[str, str] | None = None,
    *,
    config: Path = CONFIG,
    package: str = PACKAGE,
    query_objects: Path | None = None,
) -> list[str]:
    """Generate ``package`` at ``output``; ``provenance`` (:func:`spec_provenance`) names its spec, by
    default the Core pin; ``query_objects`` the data file of its query objects (default: the package's)."""
    spec = json.loads(patched_spec.read_text(encoding="utf-8"))
    data_file = query_objects or query_objects_file(package)
    queries = resolve(load_query_objects(data_file) if data_file else QueryObjects({}, {}), spec)
    for note in queries.notes:
        print(f"note: {note}", file=sys.stderr)
    if provenance is None:
        provenance = spec_provenance(json.loads(CORE.path(CORE.pin).read_text(encoding="utf-8")))
    allowed = yaml.safe_load(ALLOWED_WARNINGS.read_text(encoding="utf-8")) or []
    # The generator's post hooks run `ruff` from PATH: the same pinned ruff as the facade's, first.
    tools_path = os.pathsep.join([str(Path(ruff_binary()).parent), str(Path(sys.executable).parent)])
    env = dict(os.environ, PYTHONUTF8="1", PATH=f"{tools_path}{os.pathsep}{os.environ['PATH']}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="generate-", dir=output.parent) as scratch:
        templates = Path(scratch) / "templates"
        write_template_dir(spec, templates, provenance, queries.operations)
        target = Path(scratch) / package
        config = write_config(config, package, Path(scratch) / "config.yaml")
        command = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(patched_spec), "--meta", "none", "--output-path", str(target),
            "--config", str(config), "--custom-template-path", str(templates),
        ]  # fmt: skip
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        log = run.stdout + run.stderr
        if run.returncode != 0 or not (target / "__init__.py").exists():
            raise GenerationError(f"openapi-python-client failed (exit {run.returncode}):\n{log}")
        warnings = check_warnings(log, allowed)
        write_response_shapes(spec, target)  # what front_client.testing's emulator answers with
        (target / "py.typed").write_text(PY_TYPED, encoding="utf-8")
        if queries.kinds:  # the query objects' TypedDicts (front_core_api.query)
            write_query_module(queries, target, templates, package)
        # The resource facade (client.conversations.list()), from the generator's own parse of the same spec.
        try:
            generate_facade(patched_spec, target, templates, config, query_objects=queries.operations)
        except (RuntimeError, ValueError, OSError, subprocess.CalledProcessError) as error:
            raise GenerationError(f"the facade could not be generated: {error}") from error
        shutil.rmtree(output, ignore_errors=True)
        target.rename(output)
    return warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patched_spec", type=Path)
    parser.add_argument(
        "--api", choices=sorted(APIS), default=DEFAULT_API, help="which API (tools/packages.py)"
    )
    parser.add_argument("--output", type=Path, default=None, help="default generated/<package>")
    parser.add_argument(
        "--pin", type=Path, default=None, help="names the spec in the package (default: the API's pin)"
    )
    parser.add_argument("--source", type=Path, default=None, help="the unpatched spec (vs the pin)")
    parser.add_argument("--config", type=Path, default=CONFIG)
    args = parser.parse_args(argv)
    api = api_named(args.api)
    pin = json.loads((args.pin or api.pin_file).read_text(encoding="utf-8"))
    source_sha = hashlib.sha256(args.source.read_bytes()).hexdigest() if args.source else None
    provenance = spec_provenance(pin, source_sha)
    output = args.output or api.generated
    try:
        warnings = generate(args.patched_spec, output, provenance, config=args.config, package=api.package)
    except GenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    modules = sum(1 for _ in output.rglob("*.py"))
    print(f"generated {output} ({modules} modules, {len(warnings)} allowed generator warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
