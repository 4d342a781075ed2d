"""Dates read the same on every channel: "7 december 2026", from one formatter."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.channels.teams.cards import reply_card
from bot.channels.web.page import reply_json
from dialogs.plaintext import reply_text, source_text, verified_text
from dialogs.turn import ContactCard, Reply, SourceNote
from knowledge import KnowledgeBase
from knowledge.dates import dutch_date
from knowledge.diagrams.page import render_html

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SOURCE = SourceNote("Een bron", "https://example.org/bron", date(2026, 12, 7))
CARD = ContactCard(
    name="Partner",
    role="Een rol",
    phone="030 123 45 67",
    email=None,
    url=None,
    hours=None,
    note=None,
    unconfirmed=("phone",),
    verified=date(2026, 3, 1),
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 7), "7 december 2026"),
        (date(2027, 1, 31), "31 januari 2027"),
        (date(2026, 3, 1), "1 maart 2026"),
    ],
)
def test_dutch_date_writes_the_month_out(day: date, text: str) -> None:
    """A date is written as day, Dutch month name and year, without a leading zero."""
    assert dutch_date(day) == text


def test_plain_text_source_and_contact_use_the_dutch_date() -> None:
    """The terminal, Slack and every card fallback show source and contact dates in Dutch."""
    assert source_text(SOURCE).endswith("(gecontroleerd 7 december 2026)")
    assert verified_text(CARD) == "Gegevens te bevestigen; laatst gecontroleerd 1 maart 2026."
    text = reply_text(Reply("Advies.", sources=(SOURCE,), contacts=(CARD,)))
    assert not ISO.search(text)


def test_teams_card_footer_uses_the_dutch_date() -> None:
    """The Adaptive Card's source footer and contact line carry the Dutch date, never ISO."""
    card = reply_card(Reply("Advies.", sources=(SOURCE,), contacts=(CARD,)))
    shown = " ".join(
        str(item.get("text", ""))
        for block in card["body"]
        for item in [block, *block.get("items", [])]
        if isinstance(item, dict)
    )
    assert "gecontroleerd 7 december 2026" in shown
    assert "laatst gecontroleerd 1 maart 2026" in shown
    assert not ISO.search(shown)


def test_web_page_json_gives_the_dutch_date_to_show() -> None:
    """The page shows `checked_text` and `verified_text`, both in Dutch; ISO stays for machines."""
    data = reply_json(Reply("Advies.", sources=(SOURCE,), contacts=(CARD,)))
    assert data["sources"][0]["checked_text"] == "7 december 2026"
    assert data["sources"][0]["checked"] == "2026-12-07"
    assert data["contacts"][0]["verified_text"].endswith("1 maart 2026.")


def test_diagram_page_lists_sources_with_the_dutch_date(shipped: KnowledgeBase) -> None:
    """The diagram page's text version dates each source the Dutch way."""
    page = render_html(shipped, shipped.trees["afwegingskader"])
    assert "(gecontroleerd " in page
    assert not re.search(r"gecontroleerd \d{4}-", page)
