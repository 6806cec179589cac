from tests.emulator.fixtures import front_emulator  # noqa: F401
