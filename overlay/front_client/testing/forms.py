"""Request bodies as the emulator reads them: JSON, or Front's multipart/form-data (and url-encoded) fields
turned back into the JSON they stand for (``to[]`` → a list, ``options[archive]`` → an object), with the
file parts apart."""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["MAX_LIST_INDEX", "BodyError", "FilePart", "parse_body", "unflatten"]

FilePart = tuple[str, str, bytes]  # (field name, file name, content)
_KEY = re.compile(r"\[([^\]]*)\]")
MAX_LIST_INDEX = 1000  # `a[100000000]=y` would otherwise build a list of a hundred million items
MAX_DEPTH = 32


class BodyError(ValueError):
    """A form body the emulator refuses (it answers 400 with this text)."""


def parse_body(content_type: str, raw: bytes) -> tuple[dict[str, Any], list[FilePart]]:
    """``(fields, files)``; a body that is not an object (or not parseable) gives ``{}``."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        return multipart(content_type, raw)
    if kind == "application/x-www-form-urlencoded":
        return unflatten(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)), []
    if not raw:
        return {}, []
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}, []
    return (parsed if isinstance(parsed, dict) else {}), []


def multipart(content_type: str, raw: bytes) -> tuple[dict[str, Any], list[FilePart]]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: list[tuple[str, str]] = []
    files: list[FilePart] = []
    if not message.is_multipart():
        return {}, []
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition") or "")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if filename is not None:
            files.append((name, str(filename), content))
        else:
            fields.append((name, content.decode("utf-8", "replace")))
    return unflatten(fields), files


def _convert(value: str) -> Any:
    return {"true": True, "false": False}.get(value, value)


def unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``[("to[]", "a"), ("options[archive]", "true")]`` → ``{"to": ["a"], "options": {"archive": True}}``."""
    body: dict[str, Any] = {}
    for name, raw_value in pairs:
        head = name.split("[", 1)[0]
        keys = [head, *_KEY.findall(name[len(head) :])]
        if len(keys) > MAX_DEPTH:
            raise BodyError(f"form field {name[:60]!r} is nested deeper than {MAX_DEPTH}")
        value = _convert(raw_value)
        node: Any = body
        for index, key in enumerate(keys):
            last = index == len(keys) - 1
            following = None if last else keys[index + 1]
            child_default: Any = [] if following == "" else {}
            if isinstance(node, list):
                if key == "":
                    if last:
                        node.append(value)
                        break
                    node.append(child_default)
                    node = node[-1]
                    continue
                if key.isdecimal() and (len(key) > 6 or int(key) > MAX_LIST_INDEX):
                    raise BodyError(f"form field {name[:60]!r}: list index over {MAX_LIST_INDEX}")
                key_index = int(key) if key.isdecimal() else len(node)
                while len(node) <= key_index:
                    node.append({})
                if last:
                    node[key_index] = value
                else:
                    node = node[key_index]
                continue
            if last:
                node[key] = value
            else:
                if key not in node or not isinstance(node[key], dict | list):
                    node[key] = child_default
                node = node[key]
    return body
