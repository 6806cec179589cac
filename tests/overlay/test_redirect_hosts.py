"""A re-issue to another of Front's hosts goes to that host, named in its own ``Host`` header."""

from __future__ import annotations

import httpx
import pytest
from front_client import ForeignHostError, UnexpectedRedirectError
from front_client.auth import FrontAuth, HostPolicy
from front_client.credentials import StaticToken
from front_core_api.api.messages import create_message_reply
from front_core_api.models.outbound_reply_message import OutboundReplyMessage

from .conftest import TOKEN, Driver, Reply

OLD, NEW = "/conversations/cnv_old/messages", "/conversations/cnv_new/messages"
ACCEPTED = Reply(202, json={"status": "accepted", "message_uid": "m1"})


@pytest.mark.parametrize("status", [301, 307, 308])
async def test_a_reissue_to_another_front_host_names_that_host(api: Driver, status: int) -> None:
    api.front.on("POST", OLD, Reply(status, headers={"Location": f"https://acme.api.frontapp.com{NEW}"}))
    api.front.on("POST", NEW, ACCEPTED)
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    result = await api.call(client, create_message_reply, "cnv_old", body=OutboundReplyMessage(body="Thanks"))
    assert result.message_uid == "m1"
    assert api.hosts == ["api2.frontapp.com", "acme.api.frontapp.com"]  # where each was sent
    first, second = api.front.requests
    assert [first.headers["host"], second.headers["host"]] == ["api2.frontapp.com", "acme.api.frontapp.com"]
    assert (second.method, second.path, second.body) == ("POST", NEW, first.body)
    assert second.headers["authorization"] == f"Bearer {TOKEN}"


async def test_a_reissue_to_a_non_default_port_of_the_base_origin_keeps_the_port(api: Driver) -> None:
    """A relative Location on a base_url with a port: ``Host`` carries the port, as httpx itself sends it."""
    api.front.on("POST", OLD, Reply(301, headers={"Location": NEW}))
    api.front.on("POST", NEW, ACCEPTED)
    await api.call(api.client(), create_message_reply, "cnv_old", body=OutboundReplyMessage(body="x"))
    first, second = api.front.requests
    netloc = api.front.url.split("://", 1)[1]
    assert first.headers["host"] == second.headers["host"] == netloc


async def test_a_reissue_over_plain_http_to_a_front_host_is_refused(api: Driver) -> None:
    api.front.on("POST", OLD, Reply(301, headers={"Location": f"http://acme.api.frontapp.com{NEW}"}))
    client = api.client(reroute=True, base_url="https://api2.frontapp.com")
    with pytest.raises(ForeignHostError, match=r"acme\.api\.frontapp\.com"):
        await api.call(client, create_message_reply, "cnv_old", body=OutboundReplyMessage(body="x"))
    assert api.hosts == ["api2.frontapp.com"]


@pytest.mark.parametrize(
    ("base_url", "allowed"),
    [
        ("https://api2.frontapp.com", "https://api2.frontapp.com and https://*.frontapp.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080 and https://*.frontapp.com"),
        (
            "https://user:pass@gateway.example:8443/front",
            "https://gateway.example:8443 and https://*.frontapp.com",
        ),
    ],
)
def test_a_refusal_names_the_hosts_the_token_may_go_to(base_url: str, allowed: str) -> None:
    policy = HostPolicy(base_url)
    assert policy.description == allowed
    with pytest.raises(ForeignHostError) as caught:
        policy.check(httpx.URL("https://evil.example.com/x"))
    assert str(caught.value) == (
        f"refusing to send a request to https://evil.example.com/x: its host is not Front's. "
        f"The API token is only sent to {allowed}."
    )


def test_the_auth_flow_has_a_fixed_repr() -> None:
    auth = FrontAuth(StaticToken(TOKEN), HostPolicy("https://api2.frontapp.com"))
    assert repr(auth) == "FrontAuth(<redacted>)"


async def test_a_redirect_without_location_is_an_error_not_a_crash(api: Driver) -> None:
    api.front.on("POST", OLD, Reply(301))
    with pytest.raises(UnexpectedRedirectError) as caught:
        await api.call(api.client(), create_message_reply, "cnv_old", body=OutboundReplyMessage(body="x"))
    assert caught.value.status == 301
    assert [r.path for r in api.front.requests] == [OLD]
