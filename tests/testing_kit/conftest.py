"""The user suite runs on the plugin's fixtures, with Front's limits ten times faster (public API only)."""

from __future__ import annotations

import pytest
from front_client.testing import EmulatorLimits


@pytest.fixture
def front_emulator_limits() -> EmulatorLimits:
    return EmulatorLimits.front(time_scale=0.1)
