"""Global commands that work at any point in a conversation."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dialogs.understanding.intents import IntentIndex

__all__ = ["Command", "parse_command"]


class Command(Enum):
    """A global command; the value is the word shown to users."""

    BACK = "terug"
    RESTART = "opnieuw"
    STOP = "stop"
    HELP = "help"
    MENU = "menu"
    PROFESSION = "beroep"
    RECORD = "vastleggen"
    REQUEST = "aanvragen"


def parse_command(text: str, intents: IntentIndex) -> Command | None:
    """The command ``text`` is (the whole message is one of its phrasings in the content's
    understanding/intents.yaml), or None."""
    found = intents.exact(text)
    return _BY_WORD.get(found) if found is not None else None


_BY_WORD = {command.value: command for command in Command}
