"""``OAuthToken`` (expires_at / expires_in, the refresh margin) and the token stores."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import redis
from front_client.oauth import (
    FileTokenStore,
    MemoryTokenStore,
    OAuthError,
    OAuthToken,
    RedisTokenStore,
    TokenStore,
    TokenStoreError,
)

NOW = 1_700_000_000.0


def test_expires_at_in_seconds_is_read_as_is() -> None:
    token = OAuthToken.from_response(
        {"access_token": "a", "refresh_token": "r", "expires_at": NOW + 3600}, now=NOW
    )
    assert token.expires_at == NOW + 3600
    assert token.issued_at == NOW


def test_expires_at_in_milliseconds_is_converted() -> None:
    body = {"access_token": "a", "refresh_token": "r", "expires_at": (NOW + 3600) * 1000}
    assert OAuthToken.from_response(body, now=NOW).expires_at == NOW + 3600


def test_expires_in_counts_from_now() -> None:
    body = {"access_token": "a", "refresh_token": "r", "expires_in": 3600}
    assert OAuthToken.from_response(body, now=NOW).expires_at == NOW + 3600


def test_expires_at_wins_over_expires_in() -> None:
    body = {"access_token": "a", "refresh_token": "r", "expires_at": NOW + 100, "expires_in": 3600}
    assert OAuthToken.from_response(body, now=NOW).expires_at == NOW + 100


def test_no_lifetime_means_no_refresh_before_a_401() -> None:
    token = OAuthToken.from_response({"access_token": "a", "refresh_token": "r"}, now=NOW)
    assert token.expires_at is None
    assert not token.refresh_due(NOW + 10**9, 60.0)


def test_a_refresh_answer_without_refresh_token_keeps_the_previous_one() -> None:
    token = OAuthToken.from_response(
        {"access_token": "a2", "expires_in": 60}, now=NOW, previous_refresh_token="r1"
    )
    assert token.refresh_token == "r1"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"access_token": ""},
        {"access_token": "a", "expires_in": "soon"},
        {"access_token": "a", "expires_at": "nan"},
    ],
)
def test_unusable_token_answers_are_oauth_errors(body: dict[str, object]) -> None:
    with pytest.raises(OAuthError):
        OAuthToken.from_response(body, now=NOW)


def test_the_refresh_margin_applies_to_long_lived_tokens() -> None:
    token = OAuthToken("a", "r", expires_at=NOW + 3600, issued_at=NOW)
    assert not token.refresh_due(NOW + 3600 - 61, 60.0)
    assert token.refresh_due(NOW + 3600 - 60, 60.0)


def test_the_margin_is_at_most_half_the_lifetime_of_a_short_lived_token() -> None:
    token = OAuthToken("a", "r", expires_at=NOW + 4, issued_at=NOW)
    assert not token.refresh_due(NOW + 1.9, 60.0)
    assert token.refresh_due(NOW + 2.0, 60.0)


def test_a_token_round_trips_through_its_stored_form() -> None:
    token = OAuthToken("a", "r", expires_at=NOW + 4, issued_at=NOW)
    assert OAuthToken.from_dict(token.to_dict()) == token


# -- stores --------------------------------------------------------------------------------------------------
@pytest.fixture(params=["memory", "file", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    if request.param == "memory":
        yield MemoryTokenStore()
    elif request.param == "file":
        yield FileTokenStore(tmp_path / "tokens.json")
    else:
        redis_store = RedisTokenStore(request.getfixturevalue("redis_url"), prefix="test")
        yield redis_store
        redis_store.close()


def test_stores_keep_one_token_per_installation(store: TokenStore) -> None:
    acme, beta = OAuthToken("a1", "r1", NOW, NOW - 1), OAuthToken("b1", "s1", None, None)
    assert store.load("acme") is None
    with store.lock("acme"):
        store.save("acme", acme)
    with store.lock("beta"):
        store.save("beta", beta)
    assert (store.load("acme"), store.load("beta")) == (acme, beta)
    assert isinstance(store, TokenStore)


def test_a_stores_lock_excludes_other_holders(store: TokenStore) -> None:
    inside: list[str] = []

    def hold(name: str) -> None:
        with store.lock("acme"):
            inside.append(f"{name} in")
            time.sleep(0.1)
            inside.append(f"{name} out")

    threads = [threading.Thread(target=hold, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [entry.split()[1] for entry in inside] == ["in", "out", "in", "out"]


def test_the_token_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    with store.lock("acme"):
        store.save("acme", OAuthToken("a1", "r1"))
    first_inode = path.stat().st_ino
    with store.lock("acme"):
        store.save("acme", OAuthToken("a2", "r2"))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != first_inode  # a new file renamed over the old one, never rewritten in place
    assert sorted(os.listdir(tmp_path)) == ["tokens.json", "tokens.json.lock"]  # no temporary file left


def test_a_corrupt_token_file_is_a_token_store_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    with pytest.raises(TokenStoreError, match="not valid JSON"):
        FileTokenStore(path).load("acme")


def test_an_unreachable_redis_is_a_token_store_error() -> None:
    store = RedisTokenStore(redis.Redis(port=1, socket_connect_timeout=0.2), prefix="x")
    with pytest.raises(TokenStoreError):
        store.load("acme")
    with pytest.raises(TokenStoreError), store.lock("acme"):
        pass


def test_a_redis_lock_held_too_long_times_out(redis_url: str) -> None:
    holder = RedisTokenStore(redis_url, prefix="t")
    waiter = RedisTokenStore(redis_url, prefix="t", blocking_timeout=0.2)
    with holder.lock("acme"), pytest.raises(TokenStoreError, match="Timed out"), waiter.lock("acme"):
        pass


class DictStore:
    """A user's own store: three methods are the whole protocol."""

    def __init__(self) -> None:
        self.rows: dict[str, OAuthToken] = {}
        self._lock = threading.Lock()

    def load(self, installation: str) -> OAuthToken | None:
        return self.rows.get(installation)

    def save(self, installation: str, token: OAuthToken) -> None:
        self.rows[installation] = token

    def lock(self, installation: str) -> AbstractContextManager[None]:
        @contextmanager
        def held() -> Iterator[None]:
            with self._lock:
                yield

        return held()


def test_a_users_own_store_satisfies_the_protocol() -> None:
    assert isinstance(DictStore(), TokenStore)
