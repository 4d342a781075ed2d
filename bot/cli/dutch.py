"""An argparse parser that speaks Dutch: its usage, help and error lines.

argparse writes English through gettext; patching its module-wide ``_`` would change every
parser in the process, so this subclass translates the few fixed phrases it prints instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

__all__ = ["DutchParser", "dutch"]

_ERRORS = (
    (r"^the following arguments are required: (.*)$", r"deze argumenten ontbreken: \1"),
    (
        r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$",
        r"\1: ongeldige keuze \2 (kies uit \3)",
    ),
    (r"^argument (.*?): expected one argument$", r"\1: verwacht één waarde"),
    (r"^argument (.*?): invalid (\S+) value: (.*)$", r"\1: ongeldige waarde \3 (verwacht: \2)"),
    (r"^argument (.*?): not allowed with argument (.*)$", r"\1: niet samen met \2"),
    (r"^unrecognized arguments: (.*)$", r"onbekende argumenten: \1"),
    (r"^ambiguous option: (.*?) could match (.*)$", r"dubbelzinnige optie \1: bedoelt u \2?"),
)
_HELP = (
    ("usage: ", "gebruik: "),
    ("positional arguments:", "argumenten:"),
    ("options:", "opties:"),
    ("show this help message and exit", "toon deze hulp en stop"),
)


def dutch(message: str) -> str:
    """An argparse error message in Dutch (unknown ones unchanged)."""
    for pattern, replacement in _ERRORS:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class DutchParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with Dutch usage, help and errors (exit code 2 as usual)."""

    def format_usage(self) -> str:
        """The usage line, in Dutch."""
        return _translate(super().format_usage())

    def format_help(self) -> str:
        """The help text, in Dutch."""
        return _translate(super().format_help())

    def error(self, message: str) -> NoReturn:
        """Print the usage and one Dutch error line to stderr; exit 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {dutch(message)}\n")


def _translate(text: str) -> str:
    for english, dutch_text in _HELP:
        text = text.replace(english, dutch_text)
    return text
