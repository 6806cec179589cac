"""An ID that cannot be one path segment raises ``InvalidPathParameter``, which is also a
``FrontClientError``: ``except FrontClientError`` catches everything the client raises on purpose, this too.

It stays a ``ValueError`` (a wrong argument) and the generated package's own class, whichever way the
operation is called (the facade, a generated function with a ``FrontClient`` or a plain generated client).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from front_client import AsyncFrontClient, FrontClient, FrontClientError
from front_client.testing import FrontEmulator
from front_core_api.api.tags import delete_tag
from front_core_api.client import AuthenticatedClient
from front_core_api.errors import InvalidPathParameter

TOKEN = "tok_path_7d1e"


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_the_facade_raises_a_front_client_error(front_emulator: FrontEmulator, value: str) -> None:
    with (
        FrontClient(token=TOKEN, base_url=front_emulator.base_url) as front,
        pytest.raises(FrontClientError) as caught,
    ):
        front.conversations.get(value)
    assert isinstance(caught.value, InvalidPathParameter) and isinstance(caught.value, ValueError)
    assert caught.value.name == "conversation_id" and caught.value.value == value
    assert front_emulator.requests == []


async def test_the_async_facade_too(front_emulator: FrontEmulator) -> None:
    async with AsyncFrontClient(token=TOKEN, base_url=front_emulator.base_url) as front:
        with pytest.raises(FrontClientError, match="conversation_id is empty"):
            await front.conversations.get("")
    assert front_emulator.requests == []


def test_a_generated_function_with_any_client_too() -> None:
    plain = AuthenticatedClient(base_url="http://127.0.0.1:9", token=TOKEN)
    with pytest.raises(FrontClientError) as caught:
        delete_tag.sync_detailed("..", client=plain)
    assert isinstance(caught.value, InvalidPathParameter)
    assert type(caught.value).__name__ == "InvalidPathParameter"  # what a traceback shows


def test_the_channel_package_raises_its_own_class_and_ours() -> None:
    from front_channel_api.api.channels import update_channel
    from front_channel_api.client import AuthenticatedClient as ChannelClient
    from front_channel_api.errors import InvalidPathParameter as ChannelInvalidPathParameter
    from front_channel_api.models.update_channel import UpdateChannel

    with pytest.raises(ChannelInvalidPathParameter) as caught:
        update_channel.sync_detailed(
            "", client=ChannelClient(base_url="http://127.0.0.1:9", token=TOKEN), body=UpdateChannel()
        )
    assert isinstance(caught.value, FrontClientError)


def test_without_front_client_the_generated_package_raises_its_plain_class() -> None:
    script = textwrap.dedent(
        """
        import sys

        class NotInstalled:  # as if only the generated package were installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "front_client":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)

        sys.meta_path.insert(0, NotInstalled())
        from front_core_api.api.tags import delete_tag
        from front_core_api.client import AuthenticatedClient
        from front_core_api.errors import InvalidPathParameter
        try:
            delete_tag.sync_detailed("", client=AuthenticatedClient(base_url="http://127.0.0.1:9", token="t"))
        except InvalidPathParameter as error:
            print(type(error).__mro__[1].__name__, error.name)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["ValueError", "tag_id"]
