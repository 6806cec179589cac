"""Where installations' tokens live between requests and processes: a small protocol and two stores.

A store keeps one :class:`OAuthToken` per installation and a lock per installation. The refresh takes the
lock, re-reads the token (another thread or process may have refreshed it meanwhile), refreshes only if it
is still due, and saves before letting go: with rotating refresh tokens a second refresh of the same token
would lose the installation. Implement :class:`TokenStore` for your own database (a row lock,
``SELECT ... FOR UPDATE``, an advisory lock...).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from front_client.oauth.errors import TokenStoreError
from front_client.oauth.token import OAuthToken

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """One token per installation, and a lock per installation that every worker sharing the store
    respects (threads, and processes when the store is shared). Methods may block; they are called from a
    worker thread by the asyncio clients."""

    def load(self, installation: str) -> OAuthToken | None:
        """The installation's token, or ``None`` if it has none."""
        ...

    def save(self, installation: str, token: OAuthToken) -> None:
        """Replace the installation's token. Called with :meth:`lock` held."""
        ...

    def lock(self, installation: str) -> AbstractContextManager[None]:
        """Hold the installation's lock for the ``with`` block (not re-entrant)."""
        ...


class MemoryTokenStore:
    """Tokens in this process' memory (lost at exit): for one process, and tests."""

    def __init__(self) -> None:
        self._tokens: dict[str, OAuthToken] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryTokenStore(<{len(self._tokens)} installations>)"

    def load(self, installation: str) -> OAuthToken | None:
        return self._tokens.get(installation)

    def save(self, installation: str, token: OAuthToken) -> None:
        self._tokens[installation] = token

    @contextlib.contextmanager
    def lock(self, installation: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(installation, threading.Lock())
        with lock:
            yield


class FileTokenStore:
    """Every installation's token in one JSON file, mode 0600, replaced atomically on each save.

    The lock is ``fcntl.flock`` on ``<path>.lock``, which holds across threads and processes of one
    machine (POSIX only); it covers the whole file, as a save rewrites it. For several machines use
    :class:`RedisTokenStore` or your own :class:`TokenStore`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def _read_all(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise TokenStoreError(f"Cannot read the token file {self.path}: {error.strerror}") from error
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as error:
            raise TokenStoreError(f"The token file {self.path} is not valid JSON") from error
        if not isinstance(data, dict):
            raise TokenStoreError(f"The token file {self.path} does not hold a JSON object")
        return data

    def load(self, installation: str) -> OAuthToken | None:
        entry = self._read_all().get(installation)
        if entry is None:
            return None
        try:
            return OAuthToken.from_dict(entry)
        except (KeyError, TypeError, ValueError) as error:
            raise TokenStoreError(f"The token of {installation!r} in {self.path} is malformed") from error

    def save(self, installation: str, token: OAuthToken) -> None:
        data = self._read_all()
        data[installation] = token.to_dict()
        directory = self.path.parent
        try:
            # mkstemp creates the file 0600: the tokens are never readable by others, even for an instant.
            descriptor, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                    json.dump(data, file)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            raise TokenStoreError(f"Cannot write the token file {self.path}: {error.strerror}") from error

    @contextlib.contextmanager
    def lock(self, installation: str) -> Iterator[None]:
        import fcntl  # here: POSIX only, and the other stores work without it

        # A new open file description per holder: flock then excludes threads of this process too.
        try:
            descriptor = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise TokenStoreError(f"Cannot open the lock file {self._lock_path}: {error.strerror}") from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the flock
