"""The distribution's version: the one source for pyproject.toml (hatch) and the User-Agent.

A constant rather than ``importlib.metadata.version()``, which costs ~25 ms of import (its email parser)
in every program that imports the client.
"""

__version__ = "0.1.0"
