"""The Scrubber on its own: every spelling of a secret, longest first, in text, bytes and headers."""

from __future__ import annotations

import httpx
from front_client.redaction import Scrubber

SECRET = "tok/9f+8e 7d"  # has characters that quote() and quote_plus() spell differently
QUOTED, PLUS = "tok%2F9f%2B8e%207d", "tok%2F9f%2B8e+7d"


def test_each_spelling_of_the_secret_is_redacted_in_text() -> None:
    scrubber = Scrubber([SECRET])
    assert scrubber.text(f"a {SECRET} b {QUOTED} c {PLUS} d") == "a <redacted> b <redacted> c <redacted> d"
    assert scrubber.text("nothing secret here") == "nothing secret here"
    assert scrubber.optional(None) is None and scrubber.optional(SECRET) == "<redacted>"


def test_each_spelling_is_redacted_in_bytes() -> None:
    scrubber = Scrubber([SECRET])
    body = f"{SECRET}|{QUOTED}|{PLUS}|é".encode()
    assert scrubber.content(body) == "<redacted>|<redacted>|<redacted>|é".encode()
    assert scrubber.content(b"clean") == b"clean"


def test_a_secret_inside_a_longer_one_does_not_leave_the_longer_one_s_tail() -> None:
    for order in (["abcd", "abcd1234"], ["abcd1234", "abcd"]):
        assert Scrubber(order).text("x abcd1234 y abcd z") == "x <redacted> y <redacted> z"


def test_headers_are_redacted_and_returned_unchanged_without_secrets() -> None:
    headers = httpx.Headers([("Location", f"https://h/?t={QUOTED}"), ("X-Echo", SECRET), ("X-Echo", "ok")])
    scrubbed = Scrubber([SECRET]).headers(headers)
    assert scrubbed.multi_items() == [("location", "https://h/?t=<redacted>"), ("x-echo", "<redacted>"),
                                      ("x-echo", "ok")]  # fmt: skip
    assert Scrubber().headers(headers) is headers


def test_a_secret_of_four_characters_is_scrubbed_a_shorter_one_is_not() -> None:
    assert Scrubber.MIN_SCRUBBED_LENGTH == 4
    four, three = Scrubber(["abcd"]), Scrubber(["abc"])
    assert (bool(four), bool(three), bool(Scrubber())) == (True, False, False)
    assert four.text("xabcdx") == "x<redacted>x" and three.text("xabcx") == "xabcx"
    assert (four.contains("..abcd.."), four.contains("..abc.."), three.contains("abc")) == (
        True,
        False,
        False,
    )
    assert Scrubber([SECRET]).contains(f"?t={PLUS}")
