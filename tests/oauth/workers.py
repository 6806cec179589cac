"""A worker process of the refresh race: its own FrontOAuth on a shared store, threads calling the API at
once when the stored token is due. Importable by ``multiprocessing``'s spawn start method."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from front_client.oauth import FileTokenStore, FrontOAuth, RedisTokenStore, TokenStore

from tests.oauth.front_app import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI


def open_store(kind: str, where: str) -> TokenStore:
    if kind == "file":
        return FileTokenStore(where)
    if kind == "redis":
        return RedisTokenStore(where, prefix="race")
    raise ValueError(kind)


def call_api_at_once(base_url: str, store_kind: str, where: str, threads: int, start_at: float) -> list[str]:
    """Each thread's answer: the company named by ``GET /me`` (or the error's type)."""
    oauth = FrontOAuth(
        CLIENT_ID,
        CLIENT_SECRET,
        REDIRECT_URI,
        oauth_base_url=base_url,
        token_store=open_store(store_kind, where),
    )
    with oauth, oauth.client("acme", base_url=base_url, limiter=False) as front:

        def one(_: int) -> str:
            try:
                return str(front.request("GET", "/me").json()["company"])
            except Exception as error:  # reported to the parent, which asserts on it
                return type(error).__name__

        time.sleep(max(0.0, start_at - time.time()))
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, range(threads)))
