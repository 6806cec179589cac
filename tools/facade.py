"""Generate the resource facade (``client.conversations.list()``) of a generated package.

Runs after openapi-python-client (``tools.generate``) on the same patched spec: the generator's own parse
(``GeneratorData``) gives every type exactly as the generated modules spell it, our naming rule
(``tools.facade_names``) the names, and ``templates/facade/*.jinja`` the code, written into
``<package>/resources/``. Parametrised by package, so a second spec (the Channel API) gets its own facade.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.facade_names import FacadeName, facade_names, operation_key
from tools.spec_descriptions import parameter_descriptions

ROOT = Path(__file__).resolve().parents[1]
FACADE_TEMPLATES = "facade"


MAX_ITEMS_SAYS = "Stop after this many items (default: every item of every page)."


@dataclass
class Argument:
    name: str
    annotation: str
    default: str | None = None  # None: required
    wire: str = ""
    description: str = ""  # the spec's words, for the docstring's Args


@dataclass
class Method:
    name: str
    operation_id: str
    module: str  # e.g. "conversations.list_conversations"
    http_method: str
    path: str
    summary: str
    scopes: list[str]
    tier: str | None
    path_args: list[Argument]
    query_args: list[Argument]
    body_fields: list[Argument] = field(default_factory=list)
    body_model: str | None = None  # class name when the JSON body is a model
    body_model_module: str | None = None
    body_annotation: str | None = None  # a body that is not a model (or the model itself)
    body_required: bool = False
    file_fields: list[str] = field(default_factory=list)
    returns: str = "None"
    item: str | None = None  # list operations: the item type
    named_in_spec: bool = True  # False: the spec gives no operationId (operation_id is "<method>-<path>")

    @property
    def is_list(self) -> bool:
        return self.item is not None

    def params(self, body_as_model: bool) -> str:
        """The parameters after ``self``: path positional, the rest keyword-only."""
        positional = [f"{a.name}: {a.annotation}" for a in self.path_args]
        keywords = [f"{a.name}: {a.annotation}" for a in self.query_args if a.default is None]
        keywords += [
            f"{a.name}: {a.annotation} = {a.default}" for a in self.query_args if a.default is not None
        ]
        if self.body_model and body_as_model:
            keywords.append(f"body: {self.body_model}")
        elif self.body_model:
            keywords += [f"{a.name}: {a.annotation}" for a in self.body_fields if a.default is None]
            keywords += [
                f"{a.name}: {a.annotation} = {a.default}" for a in self.body_fields if a.default is not None
            ]
        elif self.body_annotation:
            keywords.append(f"body: {self.body_annotation}" + ("" if self.body_required else " = None"))
        if self.is_list:
            keywords.append("max_items: int | None = None")
        return ", ".join(positional + (["*", *keywords] if keywords else []))

    @property
    def doc(self) -> list[str]:
        route = f"``{self.http_method} {self.path}``"
        lines = [
            self.summary or self.operation_id,
            f"{route} (``{self.operation_id}``)." if self.named_in_spec else f"{route}.",
        ]
        if self.scopes:
            lines.append("Required scopes: " + ", ".join(f"``{s}``" for s in self.scopes) + ".")
        if self.tier:
            lines.append(f"Rate limit: Tier {self.tier}, apart from the company's global budget.")
        else:
            lines.append("Rate limit: the company's global budget.")
        if self.is_list:
            lines.append(
                "Iterates every item across pages (``.pages()`` for pages; ``max_items`` stops early)."
            )
        arguments = self.path_args + self.query_args + self.body_fields
        if self.is_list:
            arguments = [*arguments, Argument("max_items", "", description=MAX_ITEMS_SAYS)]
        if any(a.description for a in arguments):
            lines.append(_args_section(arguments))
        return lines


def _args_section(arguments: list[Argument]) -> str:
    """Google style ``Args:`` indented for a method's docstring (the template indents its first line)."""
    entries = []
    for argument in arguments:
        text = f"{argument.name}: {argument.description or '(no description in the spec)'}"
        entries += textwrap.wrap(
            text,
            100,
            initial_indent=" " * 12,
            subsequent_indent=" " * 16,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "Args:\n" + "\n".join(entries)


@dataclass
class Namespace:
    name: str  # attribute on the client
    module: str  # tag package under api/ and module under resources/
    class_name: str
    methods: list[Method] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)


def _type(prop: Any, *, optional_as: str | None = None) -> str:
    code = prop.get_type_string(no_optional=optional_as is not None)
    text = str(code.as_unembedded_code() if hasattr(code, "as_unembedded_code") else code)
    if optional_as is not None:
        return f"{text} | {optional_as}"
    return text


def _imports(prop: Any) -> set[str]:
    imports: set[str] = set(prop.get_imports(prefix=".."))
    lazy = getattr(prop, "get_lazy_imports", None)
    if lazy is not None:
        imports |= set(lazy(prefix=".."))
    return {i for i in imports if "types import" not in i}


def _docline(text: Any) -> str:
    value = text.get_untrusted_value() if hasattr(text, "get_untrusted_value") else (text or "")
    line = " ".join(str(value).split())
    return line.replace("\\", "\\\\").replace('"""', "'''")


def _said(parameter: Any, described: dict[str, str]) -> str:
    """A parameter's description: its schema's (what the generator reads), else the parameter object's."""
    name = parameter.name
    wire = str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)
    return _docline(parameter.description) or _docline(described.get(wire, ""))


def _file_annotation(annotation: str) -> str:
    return annotation.replace("list[File]", "Sequence[FileInput]").replace(
        "File | Unset", "FileInput | Unset"
    )


def _response_facts(endpoint: Any) -> tuple[str, str | None, set[str]]:
    from openapi_python_client.parser.properties.list_property import ListProperty
    from openapi_python_client.parser.properties.model_property import ModelProperty

    types: list[str] = []
    item: str | None = None
    imports: set[str] = set()
    for response in endpoint.responses.patterns:
        low, high = response.status_code.range
        if not (low >= 200 and high <= 299):
            continue
        prop = response.prop
        text = _type(prop)
        if text in ("Any", "None"):
            continue
        if text == "File":
            text = "bytes"
        else:
            imports |= _imports(prop)
        if isinstance(prop, ModelProperty):
            for member in (prop.required_properties or []) + (prop.optional_properties or []):
                if member.name == "_results" and isinstance(member, ListProperty):
                    item = _type(member.inner_property)
                    imports |= _imports(member.inner_property)
        if text not in types:
            types.append(text)
    return (" | ".join(types) if types else "None"), item, imports


def build(
    generator_data: Any, spec: dict[str, Any], package: str, query_objects: dict[str, str] | None = None
) -> list[Namespace]:
    """The namespaces; ``query_objects`` (``"METHOD /path"`` → kind, tools/query_objects.py) types ``q``."""
    from openapi_python_client.parser.properties.model_property import ModelProperty

    names = facade_names(spec)
    facts = {f"{m} {p}": op for _, m, p, op in _iter_ops(spec)}
    namespaces: dict[str, Namespace] = {}
    for tag, collection in generator_data.endpoint_collections_by_tag.items():
        for endpoint in collection.endpoints:
            path = endpoint.path.get_untrusted_value()
            operation = facts[f"{endpoint.method.upper()} {path}"]
            operation_id = operation_key(endpoint.method, path, operation)
            name: FacadeName = names[operation_id]
            namespace = namespaces.setdefault(
                name.namespace,
                Namespace(
                    name=name.namespace,
                    module=name.namespace,
                    class_name="".join(w.capitalize() for w in name.namespace.split("_")),
                ),
            )
            imports = namespace.imports
            described = parameter_descriptions(spec, path, endpoint.method)

            path_args = [
                Argument(p.python_name, _type(p), wire=str(p.name), description=_said(p, described))
                for p in endpoint.path_parameters
            ]
            query_args = []
            query_kind = (query_objects or {}).get(f"{endpoint.method.upper()} {path}")
            for p in endpoint.query_parameters:
                if query_kind and p.name == "q":  # Front's query object: its TypedDict
                    imports.add(f"from ..query import {query_kind}")
                    query_args.append(Argument("q", f"{query_kind} | None", "None", "q", _said(p, described)))
                    continue
                imports |= _imports(p)
                if p.required:
                    query_args.append(
                        Argument(p.python_name, _type(p), wire=str(p.name), description=_said(p, described))
                    )
                else:
                    query_args.append(
                        Argument(
                            p.python_name,
                            _type(p, optional_as="None"),
                            "None",
                            str(p.name),
                            _said(p, described),
                        )
                    )
            for p in endpoint.path_parameters:
                imports |= _imports(p)
            returns, item, response_imports = _response_facts(endpoint)
            imports |= response_imports
            tier = operation.get("x-front-rate-limit-tier")
            method = Method(
                name=name.method,
                operation_id=operation_id,
                module=f"{tag}.{_module_name(endpoint)}",
                http_method=endpoint.method.upper(),
                path=path,
                summary=_docline(endpoint.summary or endpoint.description or ""),
                scopes=list(operation.get("x-required-scopes", [])),
                tier=str(tier["tier"]) if isinstance(tier, dict) else None,
                path_args=path_args,
                query_args=query_args,
                returns=returns,
                item=item,
                named_in_spec=bool(operation.get("operationId")),
            )
            bodies = sorted(endpoint.bodies, key=lambda b: b.body_type != "json")
            if bodies:
                body = bodies[0]
                prop = body.prop
                method.body_required = bool(prop.required)
                taken = {a.name for a in path_args + query_args} | {"max_items", "self"}
                if isinstance(prop, ModelProperty) and prop.required_properties is not None:
                    method.body_model = prop.class_info.name
                    method.body_model_module = prop.class_info.module_name
                    imports.add(f"from ..models.{prop.class_info.module_name} import {prop.class_info.name}")
                    for member in (prop.required_properties or []) + (prop.optional_properties or []):
                        if member.python_name in taken:
                            raise ValueError(
                                f"{operation_id}: body field {member.python_name} is also a parameter"
                            )
                        annotation = _type(member)
                        if "File" in annotation.replace("Files", ""):
                            method.file_fields.append(member.python_name)
                            annotation = _file_annotation(annotation)
                        imports |= _imports(member)
                        default = None if member.required else "UNSET"
                        method.body_fields.append(
                            Argument(
                                member.python_name,
                                annotation,
                                default,
                                str(member.name),
                                _docline(member.description),
                            )
                        )
                    method.body_fields.sort(key=lambda a: a.default is not None)
                else:
                    method.body_annotation = _type(prop, optional_as=None if prop.required else "None")
                    method.body_annotation = _type(prop) if prop.required else _type(prop, optional_as="None")
                    imports |= _imports(prop)
            namespace.methods.append(method)
    for namespace in namespaces.values():
        namespace.imports = {i.replace("from ...", "from ..") for i in namespace.imports}
        clash = {m.name for m in namespace.methods}
        if len(clash) != len(namespace.methods):
            raise ValueError(f"{namespace.name}: two operations share a method name")
    _ = package
    return sorted(namespaces.values(), key=lambda n: n.name)


def _module_name(endpoint: Any) -> str:
    from openapi_python_client import strings

    return str(strings.PythonIdentifier(endpoint.name, ""))


def _iter_ops(spec: dict[str, Any]) -> Any:
    from tools.facade_names import operations

    return operations(spec)


def ruff_binary() -> str:
    """The ruff of the ``ruff`` package that runs this code: in pip's isolated build that is the build
    environment's (a build requirement), not the target environment's, which has none."""
    from ruff import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def generate_facade(
    patched_spec: Path,
    package_dir: Path,
    templates: Path,
    config_path: Path,
    *,
    query_objects: dict[str, str] | None = None,
) -> int:
    """Write ``package_dir/resources/``; returns the number of facade methods."""
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData

    spec = json.loads(patched_spec.read_text(encoding="utf-8"))
    config = Config.from_sources(
        ConfigFile.load_from_path(config_path), MetaType.NONE, patched_spec, "utf-8", True, package_dir
    )
    data = GeneratorData.from_dict(spec, config=config)
    if not isinstance(data, GeneratorData):
        raise RuntimeError(f"the generator could not parse {patched_spec}: {data}")
    package = package_dir.name
    namespaces = build(data, spec, package, query_objects)
    project = Project(openapi=data, config=config, custom_template_path=templates)
    env = project.env
    out = package_dir / "resources"
    out.mkdir(parents=True, exist_ok=True)
    resource_template = env.get_template(f"{FACADE_TEMPLATES}/resource.py.jinja")
    for namespace in namespaces:
        (out / f"{namespace.module}.py").write_text(
            resource_template.render(namespace=namespace, package=package), encoding="utf-8"
        )
    init_template = env.get_template(f"{FACADE_TEMPLATES}/resources_init.py.jinja")
    (out / "__init__.py").write_text(
        init_template.render(namespaces=namespaces, package=package), encoding="utf-8"
    )
    ruff = ruff_binary()
    for command in (
        [ruff, "check", ".", "--isolated", "--no-cache", "--fix-only", "--quiet", "--select", "F401,I,UP",
         "--target-version", "py311", "--line-length", "110"],
        [ruff, "format", ".", "--isolated", "--no-cache", "--quiet", "--line-length", "110"],
    ):  # fmt: skip
        subprocess.run(command, cwd=out, check=True)
    return sum(len(n.methods) for n in namespaces)
