"""Any generated call works against the emulator: every operation it keeps no state for, called through
``FrontClient`` and its generated function with a request built from the spec, answers a 2xx that parses
into the type the spec declares (the same check as the contract tests make on Prism's answers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from front_client import FrontClient
from front_client.testing import EmulatorLimits, FrontEmulator
from front_client.testing.front import stateful_routes

from tests.contract.builder import Operation
from tests.contract.test_operations import ALL_OPERATIONS, check_response, module_for, send

STATELESS = [op for op in ALL_OPERATIONS if op.key.rstrip("/") not in stateful_routes()]


@pytest.fixture(scope="module")
def client() -> Iterator[FrontClient]:
    with FrontEmulator(EmulatorLimits(enabled=False)) as front, front.client(limiter=False) as made:
        yield made


def test_most_operations_are_stateless_ones() -> None:
    assert len(STATELESS) > 180
    assert len(ALL_OPERATIONS) - len(STATELESS) == len(stateful_routes())


@pytest.mark.parametrize("operation", STATELESS, ids=lambda op: op.operation_id)
def test_operation(operation: Operation, client: FrontClient) -> None:
    check_response(operation, module_for(operation), send(operation, client))
