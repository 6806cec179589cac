"""Test your integration without a Front account: a Front emulator on loopback, and a pytest plugin.

.. code-block:: python

    from front_client.testing import FrontEmulator

    with FrontEmulator() as front:   # Front's limits; FrontEmulator(EmulatorLimits.front(0.1)): 10x faster
        ids = front.add_conversations(250, status="open")
        front.fail_next("PATCH /conversations/{id}", status=503)
        with front.client() as client:                  # a FrontClient on front.base_url
            ...
        assert front.responses_429 == 0

The pytest plugin (``front_client.testing.plugin``, registered through the ``pytest11`` entry point) gives
the fixtures ``front_emulator``, ``front_client``, ``async_front_client`` and ``front_vcr_config``.
"""

from front_client.testing.front import FrontData
from front_client.testing.server import (
    EMULATOR_TOKEN,
    PRIVATE_RESOURCE_BODY,
    EmulatorLimits,
    EmulatorRequest,
    EmulatorResponse,
    FrontEmulator,
    Handler,
    TierRule,
    echo,
    json_response,
    paginated,
    redirect,
    sequence,
)

__all__ = [
    "EMULATOR_TOKEN",
    "PRIVATE_RESOURCE_BODY",
    "EmulatorLimits",
    "EmulatorRequest",
    "EmulatorResponse",
    "FrontData",
    "FrontEmulator",
    "Handler",
    "TierRule",
    "echo",
    "json_response",
    "paginated",
    "redirect",
    "sequence",
]
