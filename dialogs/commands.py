"""Global commands that work at any point in a conversation."""

from __future__ import annotations

from enum import Enum

from knowledge.normalise import normalise

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


_WORDS: dict[str, Command] = {
    "terug": Command.BACK,
    "vorige": Command.BACK,
    "ga terug": Command.BACK,
    "back": Command.BACK,
    "opnieuw": Command.RESTART,
    "begin opnieuw": Command.RESTART,
    "herstart": Command.RESTART,
    "restart": Command.RESTART,
    "reset": Command.RESTART,
    "stop": Command.STOP,
    "stoppen": Command.STOP,
    "klaar": Command.STOP,
    "einde": Command.STOP,
    "help": Command.HELP,
    "hulp": Command.HELP,
    "over": Command.HELP,
    "info": Command.HELP,
    "uitleg": Command.HELP,
    "menu": Command.MENU,
    "beroep": Command.PROFESSION,
    "ander beroep": Command.PROFESSION,
    "wijzig beroep": Command.PROFESSION,
    "beroep wijzigen": Command.PROFESSION,
    "vastleggen": Command.RECORD,
    "leg vast": Command.RECORD,
    "leg vast dat ik overlegd heb": Command.RECORD,
    "leg vast dat ik heb overlegd": Command.RECORD,
    "overleg vastleggen": Command.RECORD,
    "consultatie vastleggen": Command.RECORD,
    "consult vastleggen": Command.RECORD,
    "registreer overleg": Command.RECORD,
    "registreer consultatie": Command.RECORD,
    "aanvragen": Command.REQUEST,
    "overleg aanvragen": Command.REQUEST,
    "consult aanvragen": Command.REQUEST,
    "consultatie aanvragen": Command.REQUEST,
    "consultatieverzoek": Command.REQUEST,
    "vraag overleg aan": Command.REQUEST,
    "hoofdmenu": Command.MENU,
    "start": Command.MENU,
    "begin": Command.MENU,
    "hoi": Command.MENU,
    "hallo": Command.MENU,
    "goedemorgen": Command.MENU,
    "goedemiddag": Command.MENU,
}


def parse_command(text: str) -> Command | None:
    """The command ``text`` is, or None. ``?`` asks for help."""
    if text.strip() == "?":
        return Command.HELP
    return _WORDS.get(normalise(text))
