"""Moved to :mod:`front_client.testing` (shipped). A thin re-export kept for branches that still import it.

``FrontEmulator`` here keeps the old default ``stateful=False`` (no Front data: routes you did not
program answer the echo fallback); the shipped one serves Front's resources by default.
"""

from __future__ import annotations

from typing import Any

from front_client.testing import (
    PRIVATE_RESOURCE_BODY,
    EmulatorLimits,
    EmulatorRequest,
    EmulatorResponse,
    Handler,
    TierRule,
    json_response,
    paginated,
    redirect,
    sequence,
)
from front_client.testing import FrontEmulator as _FrontEmulator

__all__ = [
    "PRIVATE_RESOURCE_BODY",
    "EmulatorLimits",
    "EmulatorRequest",
    "EmulatorResponse",
    "FrontEmulator",
    "Handler",
    "TierRule",
    "json_response",
    "paginated",
    "redirect",
    "sequence",
]


class FrontEmulator(_FrontEmulator):
    def __init__(self, limits: EmulatorLimits | None = None, **options: Any) -> None:
        options.setdefault("stateful", False)
        super().__init__(limits, **options)
