"""Test your integration without a Front account: a Front emulator on loopback, and a pytest plugin.

.. code-block:: python

    from front_client.testing import FrontEmulator

    with FrontEmulator() as front:   # Front's limits; FrontEmulator(EmulatorLimits.front(0.1)): 10x faster
        ids = front.add_conversations(250, status="unassigned")
        front.fail_next("PATCH /conversations/{id}", status=503)
        with front.client() as client:                  # a FrontClient on front.base_url
            ...
        assert front.responses_429 == 0

The pytest plugin (``front_client.testing.plugin``, registered through the ``pytest11`` entry point) gives
the fixtures ``front_emulator``, ``front_api_client``, ``front_async_client`` and ``front_vcr_config``.
``python -m front_client.testing --port 8080`` runs one as a server of its own (Ctrl-C stops it).

The modules, one job each: :mod:`~front_client.testing.server` (HTTP: threads, connections, parsing),
:mod:`~front_client.testing.emulator` (the request path), :mod:`~front_client.testing.routing`,
:mod:`~front_client.testing.limits` (rate limits), :mod:`~front_client.testing.faults` (injected errors),
:mod:`~front_client.testing.store` and :mod:`~front_client.testing.front` (Front's data and Core routes),
:mod:`~front_client.testing.queries` (``q``), :mod:`~front_client.testing.channel_api` (the Channel API),
:mod:`~front_client.testing.oauth_server` and :mod:`~front_client.testing.oauth_routes` (Front's OAuth:
``front.enable_oauth()``).
"""

from front_client.testing.emulator import EMULATOR_TOKEN, FrontEmulator
from front_client.testing.front import FrontData
from front_client.testing.handlers import (
    PRIVATE_RESOURCE_BODY,
    UNAUTHORIZED_BODY,
    EmulatorRequest,
    EmulatorResponse,
    Handler,
    echo,
    json_response,
    paginated,
    redirect,
    sequence,
)
from front_client.testing.limits import EmulatorLimits, TierRule

__all__ = [
    "EMULATOR_TOKEN",
    "PRIVATE_RESOURCE_BODY",
    "UNAUTHORIZED_BODY",
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
