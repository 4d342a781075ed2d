"""Typed answers are matched to the offered choices: number, label, ja/nee, small typos."""

from __future__ import annotations

import pytest

from dialogs import Command, match_choice, parse_command
from dialogs.understanding import IntentIndex
from knowledge import KnowledgeBase

LABELS = ["Ja", "Nee"]
TOPICS = ["Afwegingskader (stap 4/5)", "Meldcode stappenplan", "Contact zoeken"]


@pytest.mark.parametrize(
    ("typed", "labels", "expected"),
    [
        ("1", LABELS, 0),
        ("2", LABELS, 1),
        (" 2. ", LABELS, 1),
        ("3", LABELS, None),
        ("0", LABELS, None),
        ("ja", LABELS, 0),
        ("JA!", LABELS, 0),
        ("j", LABELS, 0),
        ("jazeker", LABELS, 0),
        ("neen", LABELS, 1),
        ("N", LABELS, 1),
        ("misschien", LABELS, None),
        ("ja dat klopt", LABELS, 0),
        ("nee, nog niet", LABELS, 1),
        ("volgens mij wel", LABELS, 0),
        ("ja, maar ik twijfel", LABELS, None),
        ("jaa", LABELS, None),
        ("meldcode stappenplan", TOPICS, 1),
        ("meldcode stapenplan", TOPICS, 1),
        ("Contact zoeke", TOPICS, 2),
        ("afwegingskader stap 4 5", TOPICS, 0),
        ("stappen", TOPICS, None),
        ("", TOPICS, None),
        ("ja", TOPICS, None),
    ],
)
def test_match_choice(typed: str, labels: list[str], expected: int | None) -> None:
    """Each typed text picks the expected choice, or none when unsure."""
    assert match_choice(typed, labels) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("terug", Command.BACK),
        ("Vorige", Command.BACK),
        ("opnieuw", Command.RESTART),
        ("begin opnieuw", Command.RESTART),
        ("STOP", Command.STOP),
        ("help", Command.HELP),
        ("?", Command.HELP),
        ("over", Command.HELP),
        ("menu", Command.MENU),
        ("hallo", Command.MENU),
        ("terugbellen", None),
        ("stop met roken", None),
    ],
)
def test_parse_command(shipped: KnowledgeBase, typed: str, expected: Command | None) -> None:
    """Global commands and their synonyms (content: understanding/intents.yaml) are recognised;
    other text is not a command."""
    assert parse_command(typed, IntentIndex(shipped.intents)) == expected
