"""Test clocks into a client: ``clock=`` / ``wall_clock=`` / ``sleep=`` keywords become ``options=``.

The clients take time only through ``ClientOptions(clock=Clock(...))`` (no constructor argument meant only
for tests); tests that drive a fake clock write ``FrontClient(**clocked(token=..., clock=fake, sleep=...))``.
"""

from __future__ import annotations

import inspect
import time
from typing import Any

from front_client.options import ClientOptions, Clock


def clocked(**keywords: Any) -> dict[str, Any]:
    """``keywords`` with ``clock`` (monotonic), ``wall_clock`` and ``sleep`` (sync or async) folded into
    ``options=ClientOptions(clock=Clock(...))``."""
    monotonic = keywords.pop("clock", time.monotonic)
    wall = keywords.pop("wall_clock", time.time)
    sleep = keywords.pop("sleep", None)
    is_async = sleep is not None and inspect.iscoroutinefunction(sleep)
    clock = Clock(
        monotonic=monotonic,
        wall=wall,
        sleep=None if is_async else sleep,
        async_sleep=sleep if is_async else None,
    )
    base = keywords.pop("options", None) or ClientOptions()
    keywords["options"] = base.replace(clock=clock)
    return keywords
