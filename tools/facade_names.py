"""The naming rule of the facade: tag + operationId → ``client.<namespace>.<method>``.

Pure over the spec (no generator): ``tools.facade`` uses it to generate the resources, ``tools.spec_report``
to list the facade methods a spec update adds, renames or removes, and the tests to check every spec
version. The rule, in order, on the operationId's words (``get-a-knowledge-base-article``):

1. the namespace is the first tag in snake case (``Knowledge Base Articles`` → ``knowledge_base_articles``);
2. the first word is the verb; ``fetch`` reads ``get``, ``removes`` reads ``remove``; fillers (``a``, ``an``,
   ``the``, ``all``) and a trailing ``by id`` go;
3. the tag's noun goes, once: its whole phrase (``knowledge base article``), else its last word
   (``article``), singular or plural;
4. a word between the verb and that noun (no preposition between them) naming the resource's owner in
   the path (``/teammates/{id}/tags``) moves to the end as ``for_<owner>`` (``list-teammate-tags`` →
   ``tags.list_for_teammate``); ``company`` where the path has no ``company`` segment goes (it only says
   "company-wide");
5. a preposition left dangling at the end, or doubled, goes; what is left is joined with ``_``;
6. two operations of one namespace reaching the same name both keep their whole operationId instead;
7. the exceptions in ``spec/facade-names.yaml`` (each with its reason) win over all of this.

An operation without an ``operationId`` (Front's specs of 2022-05 to 2024-04 have many) is named by the
same rule from an id spelled from its method and path alone (:func:`path_operation_id`), so its name is
stable across versions: the verb is ``list`` for a GET whose path ends on a plural word (``GET /tags``),
``get`` for any other GET (``GET /tags/{tag_id}``, ``GET /me``), ``create`` for POST, ``update`` for
PUT and PATCH, ``delete`` for DELETE; then the path's words, a segment followed by a parameter in the
singular (``GET /teammates/{teammate_id}/tags`` → ``list-teammate-tags`` → ``tags.list_for_teammate``;
``POST /tags/{tag_id}/children`` → ``create-tag-children`` → ``tags.create_children``). Its key in the
maps below (and in ``spec/facade-names.yaml``) is ``<method>-<path>`` (``get-/tags/{tag_id}``); rule 6
then falls back to the generator's own module name (``get_tags_tag_id``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS_FILE = ROOT / "spec" / "facade-names.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VERB_SYNONYMS = {"fetch": "get", "removes": "remove"}
FILLERS = frozenset({"a", "an", "the", "all"})
PREPOSITIONS = frozenset({"to", "from", "in", "of", "for", "with", "on", "into"})
# Names a resource class already uses (its attributes and the raw-response view).
RESERVED = frozenset({"with_raw_response", "with_options"})


@dataclass(frozen=True)
class FacadeName:
    operation_id: str
    namespace: str
    method: str
    http_method: str
    path: str

    @property
    def dotted(self) -> str:
        return f"{self.namespace}.{self.method}"


def snake_case(value: str) -> str:
    """As the generator names a tag's package (``Teammate groups`` → ``teammate_groups``)."""
    from openapi_python_client import strings

    return str(strings.PythonIdentifier(value=value, prefix="tag"))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _same(word: str, noun: str) -> bool:
    return _singular(word) == _singular(noun)


def _find_phrase(words: list[str], phrase: list[str], start: int) -> int | None:
    for index in range(start, len(words) - len(phrase) + 1):
        if all(_same(words[index + k], phrase[k]) for k in range(len(phrase))):
            return index
    return None


def _path_owners(path: str) -> set[str]:
    """Singular names of what the path is under: ``/teammates/{teammate_id}/tags`` → teammate, tag."""
    owners: set[str] = set()
    for segment in path.strip("/").split("/"):
        segment = segment.strip("{}")
        if segment.endswith("_id"):
            segment = segment[:-3]
        for part in (segment, *segment.split("_")):
            if part:
                owners.add(_singular(part))
    return owners


def rule_name(tag: str, operation_id: str, path: str) -> str:
    """The method name by rule alone (steps 2-5 of the module's docstring)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", operation_id.lower()) if w]
    if not words:
        return "call"
    verb, rest = VERB_SYNONYMS.get(words[0], words[0]), [w for w in words[1:] if w not in FILLERS]
    if rest[-2:] == ["by", "id"]:
        rest = rest[:-2]
    tag_words = [w for w in re.split(r"[^A-Za-z0-9]+", tag.lower()) if w]
    position, length = None, 0
    for phrase in (tag_words, tag_words[-1:]) if len(tag_words) > 1 else (tag_words,):
        position = _find_phrase(rest, phrase, 0) if phrase else None
        if position is not None:
            length = len(phrase)
            break
    owners = _path_owners(path)
    if position is None:
        middle: list[str] = rest
        after: list[str] = []
    else:
        middle, after = rest[:position], rest[position + length :]
    owner = None
    if position is not None and middle and _singular(middle[0]) in owners and not PREPOSITIONS & set(middle):
        owner, middle = middle[0], middle[1:]
    words_left = [w for w in middle if not (w == "company" and "company" not in owners)] + after
    cleaned: list[str] = []
    for word in words_left:
        if word in PREPOSITIONS and cleaned and cleaned[-1] in PREPOSITIONS:
            cleaned[-1] = word
            continue
        cleaned.append(word)
    while cleaned and cleaned[-1] in PREPOSITIONS:
        cleaned.pop()
    if owner is not None:
        cleaned += ["for", owner]
    name = "_".join([verb, *cleaned])
    if keyword.iskeyword(name) or name in RESERVED or not name.isidentifier():
        name += "_"
    return name


PATH_VERBS = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}
IRREGULAR_PLURALS = frozenset({"children", "people"})


def operation_key(method: str, path: str, operation: Mapping[str, Any]) -> str:
    """The operation's name in the maps of this module: its operationId, else ``<method>-<path>``."""
    return str(operation.get("operationId") or f"{method.lower()}-{path}")


def path_operation_id(method: str, path: str) -> str:
    """The id the rule reads for an operation without one: a verb from the method, the path's words."""
    segments = [s for s in path.strip("/").split("/") if s]
    words: list[str] = []
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            continue
        parts = [w for w in re.split(r"[^A-Za-z0-9]+", segment.lower()) if w]
        followed_by_parameter = index + 1 < len(segments) and segments[index + 1].startswith("{")
        if followed_by_parameter and parts:
            parts[-1] = _singular(parts[-1])
        words += parts
    last = segments[-1] if segments else ""
    if method.lower() == "get":
        plural = last.endswith("s") or last.split("_")[-1] in IRREGULAR_PLURALS
        verb = "list" if last and not last.startswith("{") and plural else "get"
    else:
        verb = PATH_VERBS.get(method.lower(), method.lower())
    return "-".join([verb, *words])


def _fallback(operation_id: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", operation_id).strip("_").lower()
    return name + "_" if keyword.iskeyword(name) or not name.isidentifier() else name


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> dict[str, dict[str, str]]:
    """operationId → {"method": ..., "reason": ...} (optionally "namespace")."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    exceptions: dict[str, dict[str, str]] = data.get("exceptions", {}) or {}
    for operation_id, entry in exceptions.items():
        if not entry.get("reason") or not entry.get("method"):
            raise ValueError(f"{path.name}: {operation_id} needs both a method and a reason")
    return exceptions


def operations(spec: Mapping[str, Any]) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
    """(first tag, METHOD, path, operation) for every operation of the spec, in the spec's order."""
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                tags = operation.get("tags") or ["default"]
                yield tags[0], method.upper(), path, operation


def facade_names(
    spec: Mapping[str, Any], exceptions: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, FacadeName]:
    """operationId → its facade name, for every operation of ``spec``."""
    exceptions = load_exceptions() if exceptions is None else exceptions
    found: list[tuple[str, str, str, str, str]] = []  # operation_id, namespace, method, METHOD, path
    for tag, method, path, operation in operations(spec):
        operation_id = operation_key(method, path, operation)
        said = operation.get("operationId") or path_operation_id(method, path)
        found.append((operation_id, snake_case(tag), rule_name(tag, str(said), path), method, path))
    clashes: dict[tuple[str, str], int] = {}
    for _, namespace, name, _, _ in found:
        clashes[namespace, name] = clashes.get((namespace, name), 0) + 1
    names: dict[str, FacadeName] = {}
    for operation_id, namespace, name, method, path in found:
        if clashes[namespace, name] > 1:
            name = _fallback(operation_id)
        exception = exceptions.get(operation_id)
        if exception:
            namespace, name = exception.get("namespace", namespace), exception["method"]
        names[operation_id] = FacadeName(operation_id, namespace, name, method, path)
    return names


def duplicates(names: Mapping[str, FacadeName]) -> list[str]:
    """Facade names given to more than one operation (must be empty)."""
    seen: dict[str, list[str]] = {}
    for name in names.values():
        seen.setdefault(name.dotted, []).append(name.operation_id)
    return [f"{dotted}: {', '.join(ids)}" for dotted, ids in seen.items() if len(ids) > 1]


def changes(old: Mapping[str, FacadeName], new: Mapping[str, FacadeName]) -> dict[str, list[str]]:
    """Facade methods added, renamed (same operation, other name) and removed between two specs."""
    added = sorted(new[o].dotted for o in new if o not in old)
    removed = sorted(old[o].dotted for o in old if o not in new)
    renamed = sorted(
        f"{old[o].dotted} → {new[o].dotted}" for o in old if o in new and old[o].dotted != new[o].dotted
    )
    return {"added": added, "renamed": renamed, "removed": removed}
