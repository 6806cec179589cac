"""Fault injection: the errors a test asks for (``fail_next``) and the paths made private (Front's 403)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from front_client.testing.handlers import PRIVATE_RESOURCE_BODY, EmulatorResponse, front_error
from front_client.testing.routing import RoutePattern, split_path

__all__ = ["Faults"]


@dataclass
class _Failure:
    pattern: RoutePattern
    response: EmulatorResponse
    times: int


class Faults:
    """Not thread-safe on its own: the emulator holds its lock around it."""

    def __init__(self) -> None:
        self._failures: list[_Failure] = []  # in the order queued: the oldest matching one answers first
        self._private: list[RoutePattern] = []

    def fail_next(
        self, route: str, status: int, times: int, body: Any, headers: Mapping[str, str] | None
    ) -> None:
        pattern = RoutePattern.parse(route)
        if times < 1:
            raise ValueError(f"times must be >= 1, got {times}")
        if body is None:
            body = front_error(status, "Injected failure")
        self._failures.append(_Failure(pattern, EmulatorResponse(status, body, dict(headers or {})), times))

    def make_private(self, method: str, path: str) -> None:
        self._private.append(RoutePattern(method, path))

    def take(self, method: str, path: str) -> EmulatorResponse | None:
        """The response for this request if a fault applies to it (an injected failure is used up)."""
        segments = split_path(path)
        for failure in self._failures:
            if failure.pattern.matches(method, segments):
                failure.times -= 1
                if failure.times == 0:
                    self._failures.remove(failure)
                return EmulatorResponse(
                    failure.response.status, failure.response.body, dict(failure.response.headers)
                )
        if any(pattern.matches(method, segments) for pattern in self._private):
            return EmulatorResponse(403, PRIVATE_RESOURCE_BODY)
        return None
