"""What a fresh interpreter loads to reach its first call: what the cold-import benchmark measures.

Counts, not timings (``make bench`` times it): importing the client and one endpoint loads the models that
endpoint nests, not the ~500 of the package, and nothing a sync-only program does not need.
"""

from __future__ import annotations

import json
import subprocess
import sys

FIRST_CALL_IMPORTS = (
    "from front_client import FrontClient\nfrom front_core_api.api.conversations import list_conversations\n"
)


def loaded_after(code: str) -> list[str]:
    """The module names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = code + "import json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    names: list[str] = json.loads(run.stdout.splitlines()[-1])
    return names


def test_one_endpoint_loads_only_the_models_it_nests() -> None:
    loaded = loaded_after(FIRST_CALL_IMPORTS)
    models = {name.rsplit(".", 1)[1] for name in loaded if name.startswith("front_core_api.models.")}
    assert "conversation_response" in models and "teammate_response" in models  # what a page nests
    assert "contact_response" not in models and "analytics_report_response" not in models
    assert len(models) < 40  # of 500+


def test_a_sync_program_does_not_import_asyncio_redis_or_package_metadata() -> None:
    loaded = set(loaded_after(FIRST_CALL_IMPORTS))
    # asyncio only once an async client or limiter waits; redis only with RedisLimiter; the version is a
    # constant (front_client/_version.py), not read through importlib.metadata.
    assert not loaded & {"asyncio", "redis", "importlib.metadata", "front_client.limiter.redis_backend"}


def test_every_model_is_still_importable_by_name() -> None:
    code = (
        "import front_core_api.models as models\n"
        "from front_core_api.models import ContactResponse\n"
        "assert ContactResponse.__name__ == 'ContactResponse'\n"
        "resolved = {name: getattr(models, name) for name in models.__all__}\n"
        "classes = [value for value in resolved.values() if isinstance(value, type)]\n"  # enums are Literals
        "assert len(classes) > 400 and all(resolved[c.__name__] is c for c in classes)\n"
    )
    loaded = loaded_after(code)
    assert sum(name.startswith("front_core_api.models.") for name in loaded) > 400
