"""What a response body says, read defensively: Front's ``_error`` object, or a short readable excerpt.

Bodies that reach an error can be anything (a proxy's HTML page, a gzip bomb cut off, invalid UTF-8): every
function here is bounded in work and never raises on what the server sent.
"""

from __future__ import annotations

import html
import json
import re
from http import HTTPStatus
from typing import Any

import httpx

__all__ = [
    "BODY_EXCERPT",
    "BODY_KEPT",
    "EXCERPT_SCAN",
    "body_text",
    "content_of",
    "details_of",
    "front_error_fields",
    "readable_excerpt",
    "reason_phrase",
    "str_or_none",
    "to_float",
    "to_int",
]

BODY_EXCERPT = 300  # characters of a non-JSON body shown in the message
BODY_KEPT = 4000  # characters of the body kept on the error
# Characters of a non-JSON body looked at for its excerpt: the work is bounded whatever the body's size.
EXCERPT_SCAN = 16_384


def front_error_fields(response: httpx.Response) -> dict[str, Any]:
    """Front's ``_error`` object, or a message made from whatever the body is."""
    text = body_text(response)
    try:
        payload = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):  # not JSON; or nested deeper than the parser's recursion limit
        payload = None
    if isinstance(payload, dict):
        error = payload.get("_error")
        if isinstance(error, dict):
            return error
        if isinstance(payload.get("message"), str):
            return payload
    excerpt = readable_excerpt(text)
    return {"message": excerpt} if excerpt else {}


def body_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError, LookupError):
        return ""


def content_of(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def readable_excerpt(text: str) -> str:
    """A short line from a non-JSON body: an HTML page's title, else its text without tags.

    Only the first ``EXCERPT_SCAN`` characters are looked at, and only with ``str.find`` and one
    regex without backtracking: the work is linear in that excerpt, whatever the body holds (repeated
    unclosed ``<title>`` or ``<script>`` tags made the regexes this replaced quadratic in the whole body).
    """
    text = text[:EXCERPT_SCAN]
    lowered = text.lower()
    title = _between(lowered, "<title", "</title")
    text = _TAG.sub(" ", _without_scripts(text, lowered)) if title is None else text[title[0] : title[1]]
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= BODY_EXCERPT else text[: BODY_EXCERPT - 1] + "…"


_TAG = re.compile(r"<[^<>]*>")  # a tag: no "<" inside, so no match can restart inside another


def _between(lowered: str, opening: str, closing: str) -> tuple[int, int] | None:
    """Where the text of the first ``<opening ...>...</closing`` element is, or ``None``."""
    start = lowered.find(opening)
    if start < 0:
        return None
    content_start = lowered.find(">", start)
    if content_start < 0:
        return None
    end = lowered.find(closing, content_start)
    return None if end < 0 else (content_start + 1, end)


def _without_scripts(text: str, lowered: str) -> str:
    """``text`` without its ``<script>`` / ``<style>`` elements (an unclosed one runs to the end)."""
    kept: list[str] = []
    position = 0
    # The next opening of each kind, searched again only once passed: every search moves forward.
    following = {name: lowered.find(f"<{name}") for name in ("script", "style")}
    while True:
        for name, at in following.items():
            if 0 <= at < position:
                following[name] = lowered.find(f"<{name}", position)
        present = [(at, name) for name, at in following.items() if at >= 0]
        if not present:
            kept.append(text[position:])
            return " ".join(kept)
        start, name = min(present)
        kept.append(text[position:start])
        end = lowered.find(f"</{name}", start)
        if end < 0:
            return " ".join(kept)
        close_end = lowered.find(">", end)
        position = len(text) if close_end < 0 else close_end + 1


def details_of(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]
    return [str(value)]


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def to_int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def to_float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
