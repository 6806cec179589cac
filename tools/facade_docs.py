"""``make docs``: the facade's API reference (each method: signature, route, scopes, tier, Args).

Written from the generated resources into build/docs/ (generated, never committed).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reference(package: str = "front_core_api") -> str:
    resources = importlib.import_module(f"{package}.resources")
    lines = [f"# {package}: API reference of the facade", "", f"{len(resources.FACADE_METHODS)} methods.", ""]
    for namespace in resources.NAMESPACES:
        module = importlib.import_module(f"{package}.resources.{namespace}")
        cls = getattr(module, "".join(w.capitalize() for w in namespace.split("_")))
        lines += [f"## client.{namespace}", ""]
        for name, function in vars(cls).items():
            if name.startswith("_") or not callable(function):
                continue
            overloads = [inspect.signature(o) for o in typing.get_overloads(function)]
            signatures = overloads or [inspect.signature(function)]
            lines.append(f"### `client.{namespace}.{name}`")
            lines.append("")
            shown = [_plain(f"{name}{sig}") for sig in signatures]
            lines += ["```python", *shown, "```", ""]
            lines += [inspect.cleandoc(function.__doc__ or ""), ""]
    return "\n".join(lines) + "\n"


def _plain(signature: str) -> str:
    signature = signature.replace("(self, ", "(").replace("(self)", "()").replace("'", "")
    return re.sub(r"<[\w.]*Unset object at 0x[0-9a-f]+>", "UNSET", signature)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "docs")
    parser.add_argument("--package", default="front_core_api")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    target = args.output / f"{args.package}.md"
    target.write_text(reference(args.package), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
