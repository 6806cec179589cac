"""A hostile error body costs work linear in the excerpt, not quadratic in the body.

Repeated unclosed ``<title>`` or ``<script>`` tags made the excerpt regexes scan the rest of the body from
every tag: 280 kB took 135 s, holding the GIL. These bodies are 2 MB; before the fix each test would run for
hours (the pytest timeout ends it); now the excerpt reads at most its first 16 kB, with forward-only scans.
"""

from __future__ import annotations

import pytest
from front_client import ServerError
from front_client.bodies import EXCERPT_SCAN as _EXCERPT_SCAN
from front_client.bodies import readable_excerpt as _readable_excerpt

from tests.overlay.conftest import Reply

from .conftest import Driver

HOSTILE = {
    "unclosed titles": b"<title>" * 300_000,
    "unclosed scripts": b"<script>x" * 250_000,
    "unclosed styles and scripts": b"<style><script>" * 150_000,
    "tags never closed": b"<a" * 1_000_000,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_hostile_html_error_body_still_gives_a_typed_error(api: Driver, body: bytes) -> None:
    api.front.on("GET", "/raw", Reply(500, body=body, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        await api.request(api.client(max_retries=0), "GET", "/raw")
    assert caught.value.status == 500
    assert len(str(caught.value)) < 1_000


@pytest.mark.timeout(60)
def test_the_excerpt_reads_a_bounded_prefix() -> None:
    """What lies past the scanned prefix cannot change the excerpt (nor cost anything)."""
    start = "<html><body><p>Bad gateway</p>"
    prefix = start + " " * (_EXCERPT_SCAN - len(start))
    for tail in ("<title>Later title</title>", "<script>" * 200_000, "<title>" * 200_000):
        assert _readable_excerpt(prefix + tail) == "Bad gateway"


def test_excerpts_are_unchanged_for_ordinary_pages() -> None:
    assert _readable_excerpt("<html><head><title> Bad\n gateway </title></head></html>") == "Bad gateway"
    page = "<p>one</p><script>var x = '<p>hidden</p>';</script><STYLE>p{}</STYLE><p>two &amp; three</p>"
    assert _readable_excerpt(page) == "one two & three"
    assert _readable_excerpt("<p>kept</p><script>never closed <p>gone</p>") == "kept"
    assert _readable_excerpt("x" * 1_000).endswith("…")
