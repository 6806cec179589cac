"""mypy --strict on small user scripts: what users do with a client's limiter type-checks (``stats()``,
``reset()``, the budget), through the limiter protocols the clients declare."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")
ROOT = Path(__file__).resolve().parents[2]

SCRIPTS = {
    "narrowed": """
        from front_client import AsyncFrontClient, FrontClient
        from front_client.limiter import Budget, LimiterStats

        front = FrontClient("token")
        assert front.limiter is not None  # limiter=False gives None
        stats: LimiterStats = front.limiter.stats()
        budget: Budget | None = stats.budget
        print(stats.sent, stats.responses_429, budget.remaining if budget else None)
        front.limiter.reset()

        async def main() -> None:
            async with AsyncFrontClient("token") as client:
                assert client.limiter is not None
                print(client.limiter.stats().waited_seconds)
                client.limiter.reset()
                await client.limiter.reset_async()
    """,
    "protocols": """
        import asyncio

        from front_client.limiter import (
            AsyncLimiter, InProcessLimiter, LimiterStats, RateLimitPolicy, RedisLimiter, SyncLimiter,
        )

        def report(limiter: SyncLimiter) -> LimiterStats:
            limiter.reset()
            return limiter.stats()

        async def report_async(limiter: AsyncLimiter) -> int:
            await limiter.reset_async()
            return limiter.stats().sent

        shared = RedisLimiter("redis://localhost", installation="acme", policy=RateLimitPolicy.partner_app())
        for limiter in (InProcessLimiter(), shared, shared.for_installation("globex")):
            report(limiter)
            asyncio.run(report_async(limiter))
    """,
    "unnarrowed": """
        from front_client import FrontClient

        front = FrontClient("token")
        print(front.limiter.stats().sent)
        front.limiter.reset()
    """,
    "misspelt_stat": """
        from front_client.limiter import InProcessLimiter

        print(InProcessLimiter().stats().sentt)
    """,
}


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("limiter_scripts")
    for name, body in SCRIPTS.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    config = folder / "mypy.ini"
    # As a user's mypy sees an installed package: its own errors are not the user's.
    config.write_text(
        "[mypy]\nstrict = True\n"
        f"mypy_path = {ROOT / 'overlay'}:{ROOT / 'generated'}\n"
        "[mypy-front_core_api.*]\nignore_errors = True\n[mypy-front_client.*]\nignore_errors = True\n",
        encoding="utf-8",
    )
    stdout, stderr, _status = mypy_api.run(
        ["--config-file", str(config), "--cache-dir", str(folder / ".mypy_cache"), "--no-error-summary"]
        + [str(folder / f"{name}.py") for name in SCRIPTS]
    )
    report: dict[str, str] = {name: "" for name in SCRIPTS}
    for line in (stdout + stderr).splitlines():
        for name in SCRIPTS:
            if line.startswith(str(folder / f"{name}.py")):
                report[name] += line.split(":", 2)[-1] + "\n"
    return report


@pytest.mark.parametrize("script", ["narrowed", "protocols"])
def test_stats_and_reset_type_check_through_the_limiter_protocols(
    mypy_report: dict[str, str], script: str
) -> None:
    assert mypy_report[script] == ""


def test_stats_and_reset_type_check_on_the_client_limiter_as_is(mypy_report: dict[str, str]) -> None:
    assert mypy_report["unnarrowed"] == ""


def test_a_mistake_is_reported(mypy_report: dict[str, str]) -> None:
    assert '"LimiterStats" has no attribute "sentt"' in mypy_report["misspelt_stat"]
