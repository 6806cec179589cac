"""The emulator's OAuth server, through its handler function (no HTTP needed)."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

from front_client.testing.oauth_server import OAuthServer

BASIC = {"Authorization": "Basic " + base64.b64encode(b"id:secret").decode()}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def server(clock: Clock | None = None) -> OAuthServer:
    return OAuthServer(
        client_id="id", client_secret="secret", access_token_lifetime=10.0, clock=clock or Clock()
    )


def code_for(oauth: OAuthServer, company: str = "acme") -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": "id",
            "redirect_uri": "https://app/cb",
            "state": "s1",
            "company": company,
        }
    )
    answer = oauth.handle("GET", "/oauth/authorize", query, {}, b"")
    assert answer is not None and answer[0] == 302
    callback = parse_qs(urlsplit(answer[1]["Location"]).query)
    assert callback["state"] == ["s1"]
    return callback["code"][0]


def token_call(
    oauth: OAuthServer, form: dict[str, str], headers: dict[str, str] = BASIC
) -> tuple[int, dict[str, object]]:
    answer = oauth.handle("POST", "/oauth/token", "", headers, urlencode(form).encode())
    assert answer is not None
    return answer[0], json.loads(answer[2])


def exchange(oauth: OAuthServer, company: str = "acme") -> dict[str, object]:
    form = {
        "grant_type": "authorization_code",
        "code": code_for(oauth, company),
        "redirect_uri": "https://app/cb",
    }
    status, body = token_call(oauth, form)
    assert status == 200, body
    return body


def test_a_code_becomes_tokens_of_its_company_once() -> None:
    oauth = server()
    code = code_for(oauth, "acme")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://app/cb"}
    status, body = token_call(oauth, form)
    assert status == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 10.0 and body["expires_at"] == 1010.0
    assert oauth.company_for(str(body["access_token"])) == "acme"
    assert token_call(oauth, form) == (
        400,
        {"error": "invalid_grant", "error_description": "the code is unknown, used or expired"},
    )


def test_refresh_tokens_rotate_and_work_once() -> None:
    oauth = server()
    first = exchange(oauth)
    form = {"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])}
    status, second = token_call(oauth, form)
    assert status == 200 and second["refresh_token"] != first["refresh_token"]
    assert token_call(oauth, form)[1]["error"] == "invalid_grant"
    assert (oauth.counters.refreshes, oauth.counters.refused) == (1, 1)


def test_access_tokens_expire_after_their_lifetime() -> None:
    clock = Clock()
    oauth = server(clock)
    token = str(exchange(oauth)["access_token"])
    clock.now += 9.9
    assert oauth.status(token) == "valid"
    clock.now += 0.1
    assert (oauth.company_for(token), oauth.status(token)) == (None, "expired")
    assert oauth.status("an-api-token") == "unknown"


def test_revocation_refuses_access_and_optionally_refresh_tokens() -> None:
    oauth = server()
    body = exchange(oauth)
    oauth.revoke("acme")
    assert oauth.status(str(body["access_token"])) == "revoked"
    status, renewed = token_call(
        oauth, {"grant_type": "refresh_token", "refresh_token": str(body["refresh_token"])}
    )
    assert status == 200  # revoking access tokens leaves the refresh token usable
    oauth.revoke("acme", refresh_tokens=True)
    form = {"grant_type": "refresh_token", "refresh_token": str(renewed["refresh_token"])}
    assert token_call(oauth, form)[1]["error"] == "invalid_grant"


def test_client_credentials_are_accepted_in_http_basic_only() -> None:
    oauth = server()
    form = {"grant_type": "authorization_code", "code": code_for(oauth), "redirect_uri": "https://app/cb"}
    in_body = {**form, "client_id": "id", "client_secret": "secret"}
    assert token_call(oauth, in_body, headers={})[0] == 401
    wrong = {"Authorization": "Basic " + base64.b64encode(b"id:nope").decode()}
    assert token_call(oauth, form, headers=wrong)[1]["error"] == "invalid_client"


def test_other_paths_are_left_to_the_emulator() -> None:
    assert server().handle("GET", "/conversations", "", {}, b"") is None
