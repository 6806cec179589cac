"""Front's OAuth on the shipped emulator (``FrontEmulator.enable_oauth``): the flow end to end with a real
``FrontOAuth``, sync and async; a budget per company; a refresh after Front's 401 on an expired or revoked
token; and the individual resources an OAuth token never reaches."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from front_client import PrivateResourceError
from front_client.oauth import FrontOAuth, OAuthToken
from front_client.testing import EmulatorLimits, FrontEmulator

from tests.oauth.conftest import consent
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI

OAUTH_MESSAGE = "OAuth tokens can never reach a teammate's individual (private) resources"


class Clock:
    """The emulator's clock, moved by hand (starts at the real time: the client's clock agrees)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def front(clock: Clock) -> Iterator[FrontEmulator]:
    with FrontEmulator(clock=clock) as emulator:
        emulator.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI])
        yield emulator


@pytest.fixture
def oauth(front: FrontEmulator) -> Iterator[FrontOAuth]:
    with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=front.base_url) as app:
        yield app


def install(oauth: FrontOAuth, company: str) -> OAuthToken:
    """A company admin consents (the 302 followed by hand), then the callback exchanges the code."""
    code, state = consent(oauth, company)
    return oauth.exchange_code(code, state=state, expected_state=state, installation=company)


def statuses(front: FrontEmulator, route: str) -> list[tuple[int | None, str | None]]:
    return [(r.status, r.company) for r in front.requests_to(route)]


def test_the_flow_runs_against_the_emulator(front: FrontEmulator, oauth: FrontOAuth) -> None:
    front.add_conversations(3, subject="Order {n}")
    url, state = oauth.authorization_url()
    consented = httpx.get(url, follow_redirects=False)
    assert consented.status_code == 302
    callback = httpx.URL(consented.headers["location"])
    assert str(callback.copy_with(query=None)) == REDIRECT_URI
    assert callback.params["state"] == state

    token = oauth.exchange_code(
        callback.params["code"], state=callback.params["state"], expected_state=state, installation="acme"
    )
    with oauth.client("acme", base_url=front.base_url) as client:
        subjects = [c.subject for c in client.conversations.list()]

    assert subjects == ["Order 3", "Order 2", "Order 1"]
    assert front.oauth is not None and front.oauth.company_for(token.access_token) == "emulator-company"
    assert statuses(front, "GET /conversations") == [(200, "emulator-company")]
    assert front.window_counts() == []  # the company's budget, not the emulator's shared one


async def test_the_flow_runs_against_the_emulator_async(front: FrontEmulator, oauth: FrontOAuth) -> None:
    front.add_conversations(2)
    code, state = consent(oauth, "company-acme")
    await oauth.aexchange_code(code, state=state, expected_state=state, installation="acme")
    async with oauth.async_client("acme", base_url=front.base_url) as client:
        ids = [c.id async for c in client.conversations.list()]

    assert ids == front.conversation_ids()[::-1]
    assert statuses(front, "GET /conversations") == [(200, "company-acme")]


@pytest.fixture
def small_budgets() -> Iterator[FrontEmulator]:
    with FrontEmulator(EmulatorLimits(global_limit=3, window_seconds=60.0, tiers={})) as emulator:
        emulator.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        emulator.add_conversations(2)
        yield emulator


def test_one_company_s_exhaustion_never_429s_another(small_budgets: FrontEmulator) -> None:
    front = small_budgets
    with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=front.base_url) as oauth:
        acme, beta = install(oauth, "acme"), install(oauth, "beta")  # the OAuth endpoints spend no budget
        acme_bearer = {"Authorization": f"Bearer {acme.access_token}"}
        acme_answers = [
            httpx.get(f"{front.base_url}/conversations", headers=acme_bearer).status_code for _ in range(4)
        ]
        with oauth.client("beta", base_url=front.base_url) as client:
            beta_lists = [len(list(client.conversations.list())) for _ in range(3)]
        with front.client() as api_token_client:  # the emulator's shared budget is untouched as well
            shared = len(list(api_token_client.conversations.list()))

    assert acme_answers == [200, 200, 200, 429]
    assert (beta_lists, shared) == ([2, 2, 2], 2)
    assert front.company_429 == {"acme": 1}
    assert front.company_429["beta"] == 0
    assert front.oauth is not None and front.oauth.company_for(beta.access_token) == "beta"


def test_a_company_budget_can_be_set_on_its_own(small_budgets: FrontEmulator) -> None:
    front = small_budgets
    front.set_limit(1, company="acme")
    with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=front.base_url) as oauth:
        tokens = {name: install(oauth, name).access_token for name in ("acme", "beta")}
    limits = {
        name: httpx.get(
            f"{front.base_url}/conversations", headers={"Authorization": f"Bearer {token}"}
        ).headers["X-RateLimit-Limit"]
        for name, token in tokens.items()
    }

    assert limits == {"acme": "1", "beta": "3"}
    assert front.limits.global_limit == 3  # the emulator's shared budget is unchanged


def test_a_revoked_token_is_refused_then_refreshed_once(front: FrontEmulator, oauth: FrontOAuth) -> None:
    front.add_conversations(1)
    first = install(oauth, "acme")
    assert front.oauth is not None
    with oauth.client("acme", base_url=front.base_url) as client:
        assert len(list(client.conversations.list())) == 1
        front.oauth.revoke("acme")
        assert len(list(client.conversations.list())) == 1

    sent = front.requests_to("GET /conversations")
    assert [(r.status, r.bearer == first.access_token) for r in sent] == [
        (200, True),
        (401, True),
        (200, False),
    ]
    assert front.oauth.counters.refreshes == 1
    assert sent[1].body == sent[2].body


async def test_a_revoked_token_is_refreshed_once_async(front: FrontEmulator, oauth: FrontOAuth) -> None:
    front.add_conversations(1)
    install(oauth, "acme")
    assert front.oauth is not None
    front.oauth.revoke("acme")
    async with oauth.async_client("acme", base_url=front.base_url) as client:
        ids = [c.id async for c in client.conversations.list()]

    assert ids == front.conversation_ids()
    assert statuses(front, "GET /conversations") == [(401, None), (200, "acme")]
    assert front.oauth.counters.refreshes == 1


def test_an_expired_token_is_refused_then_refreshed_once(
    front: FrontEmulator, oauth: FrontOAuth, clock: Clock
) -> None:
    front.add_conversations(1)
    install(oauth, "acme")
    assert front.oauth is not None
    with oauth.client("acme", base_url=front.base_url) as client:
        clock.now += 3600  # the emulator's hour passes; the client's clock still believes in its token
        assert len(list(client.conversations.list())) == 1

    assert statuses(front, "GET /conversations") == [(401, None), (200, "acme")]
    assert front.oauth.counters.refreshes == 1


def test_the_access_token_lifetime_is_settable_and_scaled_with_the_emulator_s_time() -> None:
    with FrontEmulator(EmulatorLimits.front(time_scale=0.01)) as front:
        front.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, access_token_lifetime=600.0)
        with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=front.base_url) as oauth:
            token = install(oauth, "acme")

    assert token.expires_at is not None and token.issued_at is not None
    assert token.expires_at - token.issued_at == pytest.approx(6.0, abs=0.5)


def test_issued_tokens_pass_a_tokens_list_and_revoke_token_refuses_them() -> None:
    with FrontEmulator(tokens=["api-token"]) as front:
        front.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        with FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=front.base_url) as oauth:
            token = install(oauth, "acme")
        bearer = {"Authorization": f"Bearer {token.access_token}"}
        accepted = httpx.get(f"{front.base_url}/conversations", headers=bearer).status_code
        front.revoke_token(token.access_token)
        refused = httpx.get(f"{front.base_url}/conversations", headers=bearer).status_code
        unknown = httpx.get(f"{front.base_url}/conversations", headers={"Authorization": "Bearer x"})

    assert (accepted, refused, unknown.status_code) == (200, 401, 401)


@pytest.mark.parametrize("resource", ["teammate's tags", "private tag", "private inbox"])
def test_oauth_tokens_never_reach_individual_resources(
    front: FrontEmulator, oauth: FrontOAuth, resource: str
) -> None:
    assert front.data is not None
    (teammate,) = front.add_teammates("ana")
    private_tag = front.data.add_tag(name="Mine", is_private=True)["id"]
    private_inbox = front.data.add_inbox(name="Ana", is_private=True)["id"]
    path = {
        "teammate's tags": f"/teammates/{teammate}/tags",
        "private tag": f"/tags/{private_tag}",
        "private inbox": f"/inboxes/{private_inbox}",
    }[resource]
    install(oauth, "acme")
    with front.client() as api_token_client:
        assert api_token_client.request("GET", path).status_code == 200  # an API token may
    with (
        oauth.client("acme", base_url=front.base_url) as client,
        pytest.raises(PrivateResourceError) as refused,
    ):
        client.request("GET", path)

    assert refused.value.status == 403
    assert OAUTH_MESSAGE in str(refused.value)
    assert statuses(front, f"GET {path}") == [(200, None), (403, "acme")]


async def test_oauth_tokens_never_reach_individual_resources_async(
    front: FrontEmulator, oauth: FrontOAuth
) -> None:
    (teammate,) = front.add_teammates("ana")
    install(oauth, "acme")
    async with oauth.async_client("acme", base_url=front.base_url) as client:
        with pytest.raises(PrivateResourceError) as refused:
            [tag async for tag in client.tags.list_for_teammate(teammate)]

    assert OAUTH_MESSAGE in str(refused.value)
