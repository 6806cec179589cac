"""pytest plugin of front-core-client (entry point ``pytest11``: active wherever the package is installed).

Fixtures:

- ``front_emulator``: a started :class:`~front_client.testing.FrontEmulator` per test (stopped after it),
  with the limits of ``front_emulator_limits`` (override that fixture to change them; default Front's
  own, 100 per 60 s, tier 1 = 1/s, tier 2 = 3/s);
- ``front_api_client`` / ``front_async_client``: a ``FrontClient`` / ``AsyncFrontClient`` on that emulator,
  with a limiter matching its limits; closed after the test (the async one needs pytest-asyncio, or anyio);
- ``front_vcr_config``: a ``vcr_config`` for pytest-recording that keeps tokens out of your cassettes
  (``Authorization`` and Front's other token headers, ``token`` / ``api_key`` query values, and the value
  of ``FRONT_API_TOKEN`` wherever it appears in a response). Use it as::

      @pytest.fixture(scope="module")
      def vcr_config(front_vcr_config):
          return front_vcr_config
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from front_client import AsyncFrontClient, FrontClient
    from front_client.testing.emulator import FrontEmulator
    from front_client.testing.limits import EmulatorLimits

try:  # an async fixture needs an async plugin; pytest-asyncio's decorator works in its strict mode too
    import pytest_asyncio

    _async_fixture: Callable[..., Any] = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - anyio's plugin runs plain async fixtures
    _async_fixture = pytest.fixture

__all__ = [
    "FILTERED_AUTHORIZATION",
    "front_api_client",
    "front_async_client",
    "front_emulator",
    "front_emulator_limits",
    "front_vcr_config",
    "vcr_config_for_front",
]

FILTERED_AUTHORIZATION = "Bearer <FILTERED>"
_TOKEN_HEADERS = ("authorization", "x-front-token", "cookie", "set-cookie")
_TOKEN_QUERY = ("token", "api_key", "access_token")


@pytest.fixture
def front_emulator_limits() -> EmulatorLimits:
    """The limits of ``front_emulator``: override it (e.g. ``EmulatorLimits.front(time_scale=0.1)``)."""
    from front_client.testing.limits import EmulatorLimits

    return EmulatorLimits.front()


@pytest.fixture
def front_emulator(front_emulator_limits: EmulatorLimits) -> Iterator[FrontEmulator]:
    """A Front emulator on loopback for this test: seed it, point code at ``front_emulator.base_url``."""
    from front_client.testing.emulator import FrontEmulator

    with FrontEmulator(front_emulator_limits) as emulator:
        yield emulator


@pytest.fixture
def front_api_client(front_emulator: FrontEmulator) -> Iterator[FrontClient]:
    """A ``FrontClient`` on ``front_emulator`` (named so that it cannot shadow the ``front_client``
    package in a test module)."""
    with front_emulator.client() as client:
        yield client


@_async_fixture
async def front_async_client(front_emulator: FrontEmulator) -> AsyncIterator[AsyncFrontClient]:
    """An ``AsyncFrontClient`` on ``front_emulator``."""
    async with front_emulator.async_client() as client:
        yield client


def vcr_config_for_front(*secrets: str) -> dict[str, Any]:
    """pytest-recording settings that filter Front's token headers and query values, and replace every
    given secret (and ``FRONT_API_TOKEN``'s value) in recorded responses."""
    known = [s for s in (*secrets, os.environ.get("FRONT_API_TOKEN", "").strip()) if len(s) >= 8]

    def scrub(text: str) -> str:
        for secret in known:
            text = text.replace(secret, "<FILTERED>")
        return text

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() in _TOKEN_HEADERS:
                headers[name] = ["<FILTERED>"]
            else:
                headers[name] = [scrub(value) for value in headers[name]]
        body = response.get("body", {}).get("string")
        if isinstance(body, bytes):
            for secret in known:
                body = body.replace(secret.encode(), b"<FILTERED>")
            response["body"]["string"] = body
        elif isinstance(body, str):
            response["body"]["string"] = scrub(body)
        return response

    def before_record_request(request: Any) -> Any:
        if getattr(request, "body", None) and known:
            body = request.body
            for secret in known:
                body = body.replace(secret.encode(), b"<FILTERED>") if isinstance(body, bytes) else body
            request.body = body
        return request

    return {
        "filter_headers": [
            (name, FILTERED_AUTHORIZATION if name == "authorization" else "<FILTERED>")
            for name in _TOKEN_HEADERS
        ],
        "filter_query_parameters": [(name, "<FILTERED>") for name in _TOKEN_QUERY],
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def front_vcr_config() -> dict[str, Any]:
    """A ``vcr_config`` for pytest-recording with Front's token filters (see the module's docstring)."""
    return vcr_config_for_front()
