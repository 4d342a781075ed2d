"""The outer shell: channels, the command line, settings and storage back-ends."""

from bot.settings import Settings

__all__ = ["Settings"]
