"""Single flight: threads, asyncio tasks and processes sharing a store refresh once, with rotating refresh
tokens (a second refresh of the same refresh token would be refused and the installation lost)."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from front_client.oauth import FrontOAuth, MemoryTokenStore, TokenStore
from front_client.testing.oauth_server import OAuthServer

from tests.oauth.conftest import Authorize, expire
from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Recorder
from tests.oauth.workers import call_api_at_once, open_store

STORE_KINDS = ["memory", "file", "redis"]


@pytest.fixture(params=STORE_KINDS)
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, TokenStore]]:
    """(kind, location, store): a store every worker of a test opens."""
    kind: str = request.param
    if kind == "memory":
        yield kind, "", MemoryTokenStore()
        return
    where = str(tmp_path / "tokens.json") if kind == "file" else request.getfixturevalue("redis_url")
    yield kind, where, open_store(kind, where)


def app(base_url: str, store: TokenStore) -> FrontOAuth:
    return FrontOAuth(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, oauth_base_url=base_url, token_store=store)


def assert_one_refresh(oauth_server: OAuthServer, recorder: Recorder, answers: list[str], calls: int) -> None:
    assert answers == ["acme"] * calls
    assert oauth_server.counters.refreshes == 1
    assert oauth_server.counters.refused == 0
    assert recorder.expired_tokens_sent == 0


def test_16_threads_of_one_client_refresh_once(
    shared_store: tuple[str, str, TokenStore],
    oauth_server: OAuthServer,
    authorize: Authorize,
    recorder: Recorder,
    base_url: str,
) -> None:
    _, _, store = shared_store
    authorize(app(base_url, store), "acme")
    expire(store, "acme")
    recorder.token_delay = 0.3  # every worker reaches the renewal while the first refresh is in flight
    barrier = threading.Barrier(16)

    with app(base_url, store) as oauth, oauth.client("acme", base_url=base_url, limiter=False) as front:

        def call(_: int) -> str:
            barrier.wait()
            return str(front.request("GET", "/me").json()["company"])

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(call, range(16)))

    assert_one_refresh(oauth_server, recorder, answers, 16)


def test_16_threads_each_with_its_own_app_on_one_store_refresh_once(
    shared_store: tuple[str, str, TokenStore],
    oauth_server: OAuthServer,
    authorize: Authorize,
    recorder: Recorder,
    base_url: str,
) -> None:
    # No in-process lock is shared here: only the store's lock and its re-read prevent a second refresh.
    kind, where, store = shared_store
    authorize(app(base_url, store), "acme")
    expire(store, "acme")
    recorder.token_delay = 0.3  # every worker reaches the renewal while the first refresh is in flight
    barrier = threading.Barrier(16)

    def worker(_: int) -> str:
        own_store = store if kind == "memory" else open_store(kind, where)
        with (
            app(base_url, own_store) as oauth,
            oauth.client("acme", base_url=base_url, limiter=False) as front,
        ):
            barrier.wait()
            return str(front.request("GET", "/me").json()["company"])

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(worker, range(16)))

    assert_one_refresh(oauth_server, recorder, answers, 16)


def test_16_asyncio_tasks_refresh_once(
    shared_store: tuple[str, str, TokenStore],
    oauth_server: OAuthServer,
    authorize: Authorize,
    recorder: Recorder,
    base_url: str,
) -> None:
    _, _, store = shared_store
    authorize(app(base_url, store), "acme")
    expire(store, "acme")
    recorder.token_delay = 0.3  # every worker reaches the renewal while the first refresh is in flight

    async def main() -> list[str]:
        with app(base_url, store) as oauth:
            async with oauth.async_client("acme", base_url=base_url, limiter=False) as front:

                async def call() -> str:
                    return str((await front.request("GET", "/me")).json()["company"])

                return list(await asyncio.gather(*(call() for _ in range(16))))

    assert_one_refresh(oauth_server, recorder, asyncio.run(main()), 16)


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_2_processes_on_one_store_refresh_once(
    kind: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    oauth_server: OAuthServer,
    authorize: Authorize,
    recorder: Recorder,
    base_url: str,
) -> None:
    where = str(tmp_path / "tokens.json") if kind == "file" else request.getfixturevalue("redis_url")
    store = open_store(kind, where)
    authorize(app(base_url, store), "acme")
    expire(store, "acme")
    recorder.token_delay = 0.3  # every worker reaches the renewal while the first refresh is in flight
    start_at = time.time() + 4.0  # both processes started and imported by then

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        runs = [pool.submit(call_api_at_once, base_url, kind, where, 8, start_at) for _ in range(2)]
        answers = [answer for run in runs for answer in run.result(timeout=60)]

    assert_one_refresh(oauth_server, recorder, answers, 16)
    assert time.time() >= start_at
    stored = store.load("acme")
    assert stored is not None and oauth_server.company_for(stored.access_token) == "acme"
