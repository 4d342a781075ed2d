"""The ``verbind`` command line: one verb per module, dispatched by ``main``."""

from bot.cli.main import main

__all__ = ["main"]
