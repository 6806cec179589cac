"""Streaming a download (an attachment, a message template's file...) to a path or a binary file.

The generated download operations return the whole file as ``bytes``; :meth:`FrontClient.download`
streams it instead, chunk by chunk, through the same client (auth, limiter, retries, errors). A path is
written to a temporary sibling and renamed into place when complete, so a failed download never leaves a
truncated file under the requested name.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

from front_client import operations

__all__ = ["Destination", "Sink", "Source", "download_request"]

Source = str | operations.OperationRef
Destination = str | os.PathLike[str] | IO[bytes]


def download_request(source: Source, arguments: dict[str, Any]) -> dict[str, Any]:
    """``httpx`` request arguments for a URL (absolute, or a path under ``base_url``) or an operation."""
    if isinstance(source, str):
        if arguments:
            raise TypeError("a download by URL takes no operation arguments")
        return {"method": "GET", "url": source}
    return operations.request_kwargs(operations.resolve(source), arguments)


class Sink:
    """Where the chunks go: a binary file as given, or a path written via a temporary sibling."""

    def __init__(self, destination: Destination) -> None:
        self.written = 0
        self._path: Path | None = None
        self._temporary: Path | None = None
        if isinstance(destination, str | os.PathLike):
            self._path = Path(destination)
            handle, name = tempfile.mkstemp(
                prefix=f".{self._path.name}.", suffix=".part", dir=self._path.parent
            )
            self._temporary = Path(name)
            self._file: IO[bytes] = os.fdopen(handle, "wb")
        else:
            self._file = destination

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.written += len(chunk)

    def finish(self, ok: bool) -> None:
        if self._temporary is None or self._path is None:
            return
        self._file.close()
        if ok:
            # mkstemp made the file private (0600); give it the mode any new file of this user gets.
            os.chmod(self._temporary, 0o666 & ~_current_umask())
            os.replace(self._temporary, self._path)
        else:
            self._temporary.unlink(missing_ok=True)


def _current_umask() -> int:
    """The process umask: from /proc where there is one (reading it there changes nothing), else by setting
    it and setting it straight back."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
