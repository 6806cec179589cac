"""JSON bodies that carry files → Front's multipart/form-data fields.

Sixteen of Front's operations take binary ``attachments`` (or a contact's ``avatar``) inside a JSON body;
the generated models type them as :class:`front_core_api.types.File` and their ``to_dict()`` turns each
into httpx's file tuple ``(file_name, payload, mime_type)``, which no JSON encoder accepts. With a
:class:`~front_client.FrontClient`, the generated function sends such a body as multipart/form-data
instead (and a body without files as JSON, unchanged), following Front's field naming
(https://dev.frontapp.com/docs/attachments-1):

- a scalar: ``name`` (booleans as ``true`` / ``false``; ``None`` omitted);
- an array: ``name[]`` once per element (``to[]``, ``attachments[]`` as file parts);
- an object: ``name[key]`` (``sender[handle]``, ``options[archive]``), recursively: ``options[tag_ids][]``;
- an array of objects: ``name[<index>][key]`` (Front documents no form for it; this is the common one).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FormFields", "contains_files", "form_fields", "is_file"]

# httpx's ``(filename, payload, content_type)``, or with the part's own headers as a fourth element.
FileTuple = tuple[str, Any, str | None] | tuple[str, Any, str | None, Mapping[str, str]]
_BINARY = (bytes, bytearray, memoryview, io.IOBase)
# httpx's ``data=`` (a name repeats through a list of values) and ``files=``.
FormFields = tuple[dict[str, list[str]], list[tuple[str, FileTuple]]]


def is_file(value: object) -> bool:
    """A file in a body: ``File``; ``bytes``, ``bytearray``, ``memoryview`` or a binary stream; or a tuple
    ``(name, payload)``, ``(name, payload, content_type)`` or ``(name, payload, content_type, headers)``
    with such a payload."""
    if isinstance(value, _BINARY) or hasattr(value, "read"):
        return True
    if isinstance(value, tuple) and 2 <= len(value) <= 4:
        return isinstance(value[1], _BINARY) or hasattr(value[1], "read")
    return callable(getattr(value, "to_tuple", None)) and hasattr(value, "payload")


def contains_files(value: object) -> bool:
    """Whether a JSON-bound value holds a file anywhere."""
    if is_file(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_files(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_files(v) for v in value)
    return False


def form_fields(body: Mapping[str, Any]) -> FormFields:
    """Split a JSON body into multipart text fields and file parts, named as Front expects."""
    data: dict[str, list[str]] = {}
    files: list[tuple[str, FileTuple]] = []
    for key, value in body.items():
        _add(str(key), value, data, files)
    return data, files


def _add(name: str, value: Any, data: dict[str, list[str]], files: list[tuple[str, FileTuple]]) -> None:
    if value is None:
        return
    if is_file(value):
        files.append((name, _file_tuple(value, len(files))))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _add(f"{name}[{key}]", item, data, files)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                _add(f"{name}[{index}]", item, data, files)
            else:
                _add(f"{name}[]", item, data, files)
    elif isinstance(value, bool):
        data.setdefault(name, []).append("true" if value else "false")
    else:
        data.setdefault(name, []).append(str(value))


def _file_tuple(value: Any, index: int) -> FileTuple:
    """httpx's ``(filename, payload, content_type[, headers])``; a part without a filename would be a text
    field, so one is always given: the name given or the stream's own, its last path component only (the
    sender's directories are not Front's business), else ``attachment-<n>``."""
    if hasattr(value, "to_tuple") and not isinstance(value, tuple):
        value = value.to_tuple()
    if not isinstance(value, tuple):
        value = (None, value)
    file_name, payload, content_type, *headers = (*value, None) if len(value) == 2 else value
    file_name = _base_name(file_name) or _stream_name(payload) or f"attachment-{index + 1}"
    if isinstance(payload, bytearray | memoryview):  # httpx sends bytes, str or streams only
        payload = bytes(payload)
    elif _read_once(payload):
        # A 429 retry or a 301 re-issue sends the body again; httpx rewinds a file, but a pipe or a socket
        # would be empty the second time and Front would get an empty attachment without an error.
        payload = payload.read()
    return (file_name, payload, content_type, *headers)


def _read_once(payload: object) -> bool:
    """A stream that cannot be rewound (no ``seekable()``, or it says False)."""
    if isinstance(payload, (bytes, str)) or not hasattr(payload, "read"):
        return False
    seekable = getattr(payload, "seekable", None)
    try:
        return not (callable(seekable) and seekable())
    except (OSError, ValueError):  # a closed or broken stream: let httpx report it
        return False


def _base_name(name: object) -> str | None:
    """A name's last path component (``/`` or ``\\``), or ``None`` if that is empty."""
    if not name:
        return None
    return str(name).replace("\\", "/").rsplit("/", 1)[-1] or None


def _stream_name(payload: object) -> str | None:
    """An open file's own name; not ``<stdin>``-like pseudo names, nor a file descriptor's number."""
    name = getattr(payload, "name", None)
    if isinstance(name, str) and not name.startswith("<"):
        return _base_name(name)
    return None
