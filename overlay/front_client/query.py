"""Front's query object ``q`` on the wire: a dict of filters → ``q[name][]=value`` query parameters.

Front's spec types ``q`` as a string, but Front reads an object in the query string
(https://dev.frontapp.com/docs/query-object-q): ``q[statuses][]=assigned&q[statuses][]=archived``,
``q[after]=1649487600``. The generated functions of the operations that take one (spec/query-objects.yaml)
call :func:`encode_query_object` with their kind's property forms (``<package>.query.QUERY_FORMS``), so
the facade, the generated functions and ``client.paginate`` send the same thing. ``_pagination.next`` links
already carry ``q`` and are followed as they are.

Everything is checked before a request exists: an unknown property, a value of the wrong shape, an empty
list, a naive ``datetime`` or a plain string ``q`` raises :class:`InvalidQueryError`. A filter Front would
ignore is refused rather than sent: a list that silently filters nothing would make "archive what matches"
archive everything. Values are not checked against Front's documented ones at run time (the ``Literal``
types let mypy do it), so a value Front adds later still goes through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from front_client.errors import FrontClientError

__all__ = ["InvalidQueryError", "encode_query_object"]

# How a property is sent (the forms of spec/query-objects.yaml).
LIST, TIMESTAMP, STRING = "list", "timestamp", "string"


class InvalidQueryError(FrontClientError, TypeError, ValueError):
    """A query object ``q`` Front would not read as meant (an unknown property, a value of the wrong kind, a
    naive datetime, a plain string). Raised before anything is sent; a ``TypeError`` (and a ``ValueError``)
    too, as Python raises for a wrong argument."""


def encode_query_object(
    query: object, forms: Mapping[str, str], operation: str
) -> dict[str, str | list[str]]:
    """``query`` (a dict of Front's property names) as query parameters: a list property becomes
    ``q[name][]`` with each value, a time ``q[name]`` with Unix seconds, a string ``q[name]``.

    ``forms`` maps each property the operation accepts to its form; ``operation`` names it in errors.
    """
    allowed = ", ".join(sorted(forms))
    if isinstance(query, str | bytes):
        raise InvalidQueryError(
            f"{operation}(): q is Front's query object, a dict such as "
            f"{{{_example(forms)}}}, not a string (Front reads q[name]=value and ignores a plain q=...). "
            f"Its properties: {allowed}."
        )
    if not isinstance(query, Mapping):
        raise InvalidQueryError(f"{operation}(): q must be a dict of {allowed}, not {type(query).__name__}")
    unknown = sorted(str(name) for name in query if name not in forms)
    if unknown:
        raise InvalidQueryError(
            f"{operation}(): q has no propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(repr(name) for name in unknown)}: Front would ignore "
            f"{'it' if len(unknown) == 1 else 'them'} and filter nothing. Its properties: {allowed}."
        )
    params: dict[str, str | list[str]] = {}
    for name, value in query.items():
        where = f"{operation}(): q[{name!r}]"
        form = forms[name]
        if form == LIST:
            params[f"q[{name}][]"] = _strings(value, where)
        elif form == TIMESTAMP:
            params[f"q[{name}]"] = _unix_seconds(value, where)
        else:
            params[f"q[{name}]"] = _string(value, where)
    return params


def _example(forms: Mapping[str, str]) -> str:
    name = next(iter(forms))  # the kind's first property, as spec/query-objects.yaml lists them
    value = {LIST: "['...']", TIMESTAMP: "datetime.now(UTC)"}.get(forms[name], "'...'")
    return f"{name!r}: {value}"


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidQueryError(f"{where} must be a string, not {type(value).__name__}")
    return value


def _strings(value: object, where: str) -> list[str]:
    """A list of strings (a lone string is one value); an empty list would filter nothing and is refused."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
        raise InvalidQueryError(f"{where} must be a list of strings, not {type(value).__name__}")
    values = list(value)
    if not values:
        raise InvalidQueryError(
            f"{where} is an empty list, which would filter nothing: leave the property out to list everything"
        )
    for item in values:
        if not isinstance(item, str):
            raise InvalidQueryError(f"{where} must be a list of strings; it holds {item!r}")
    return values


def _unix_seconds(value: object, where: str) -> str:
    """An aware datetime or a number of seconds, as Front reads it (seconds, up to 3 decimal places)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidQueryError(
                f"{where} is a naive datetime ({value.isoformat()}): which instant it means depends on the "
                "machine's time zone. Give it one, e.g. datetime(..., tzinfo=UTC) or .astimezone()."
            )
        seconds: float = value.timestamp()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value
    else:
        raise InvalidQueryError(
            f"{where} must be an aware datetime or Unix seconds, not {type(value).__name__}"
        )
    if not math.isfinite(seconds):
        raise InvalidQueryError(f"{where} must be a finite number of seconds, not {seconds}")
    if isinstance(seconds, int) or float(seconds).is_integer():
        return str(int(seconds))
    return f"{seconds:.3f}".rstrip("0").rstrip(".")
