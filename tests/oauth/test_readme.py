"""The README's OAuth callback example, run as written behind a real ``wsgiref`` server on loopback,
against the shipped emulator (``FrontEmulator.enable_oauth``): install, consent, callback, then a call
acting for the company."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest
from front_client.testing import FrontEmulator

from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Partner apps: OAuth", 1)[1].split("\n## ", 1)[0]
    found: list[str] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    blocks = [block for block in found if block.startswith("# OAuth WSGI\n")]
    assert len(blocks) == 1
    return blocks[0]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def example(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[str, FrontEmulator, dict[str, Any]]]:
    """(the example app's URL, the emulator, the example's namespace)."""
    with FrontEmulator() as front:
        front.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, default_company="company-acme")
        server = make_server(
            "127.0.0.1", 0, lambda e, s: namespace["application"](e, s), handler_class=QuietHandler
        )
        app_url = f"http://127.0.0.1:{server.server_port}"
        for name, value in {
            "FRONT_CLIENT_ID": CLIENT_ID,
            "FRONT_CLIENT_SECRET": CLIENT_SECRET,
            "FRONT_REDIRECT_URI": f"{app_url}/front/callback",
            "FRONT_TOKENS_FILE": str(tmp_path / "tokens.json"),
            "FRONT_OAUTH_BASE_URL": front.base_url,
            "FRONT_API_BASE_URL": front.base_url,  # the client's API calls go to the emulator too
        }.items():
            monkeypatch.setenv(name, value)
        namespace: dict[str, Any] = {"__name__": "readme_oauth"}
        exec(compile(readme_example(), "README.md (OAuth WSGI)", "exec"), namespace)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield app_url, front, namespace
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            namespace["oauth"].close()


def test_the_readme_callback_connects_a_company(
    example: tuple[str, FrontEmulator, dict[str, Any]], tmp_path: Path
) -> None:
    app_url, front, namespace = example
    with httpx.Client() as browser:
        install = browser.get(f"{app_url}/front/install", params={"account": "acme"})
        assert install.status_code == 302
        # httpx keeps a Secure cookie off plain http: the browser here sends it back by hand.
        cookie = install.headers["set-cookie"].split(";", 1)[0]
        consent = browser.get(install.headers["location"])  # Front's authorize page consents at once
        assert consent.status_code == 302
        connected = browser.get(consent.headers["location"], headers={"Cookie": cookie})

    assert (connected.status_code, connected.text) == (200, "Front is connected")
    token = namespace["oauth"].token("acme")
    assert front.oauth is not None
    assert front.oauth.company_for(token.access_token) == "company-acme"
    assert [(r.status, r.bearer, r.company) for r in front.requests_to("GET /me")] == [
        (200, token.access_token, "company-acme")
    ]
    assert CLIENT_SECRET not in (tmp_path / "tokens.json").read_text()


def test_the_readme_callback_refuses_a_forged_state(
    example: tuple[str, FrontEmulator, dict[str, Any]],
) -> None:
    app_url, front, namespace = example
    with httpx.Client() as browser:
        install = browser.get(f"{app_url}/front/install", params={"account": "acme"})
        consent = browser.get(install.headers["location"])
        forged = browser.get(consent.headers["location"], headers={"Cookie": "front_oauth_state=forged"})

    assert forged.status_code == 400
    assert "state" in forged.text
    assert front.oauth is not None and front.oauth.counters.exchanges == 0
    assert namespace["oauth"].token("acme") is None
