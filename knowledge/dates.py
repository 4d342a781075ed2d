"""Dates as Dutch readers write them: "7 december 2026".

The one formatter for every date a user sees (a contact's last check, a source's check date, the
content review, a dossier line), so the same date reads the same on every channel. It lives in
``knowledge`` because the diagram pages (``knowledge.diagrams``) show source dates too;
``dialogs`` re-exports it for the channels.
"""

from __future__ import annotations

from datetime import date

__all__ = ["dutch_date"]

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(day: date) -> str:
    """``day`` written out in Dutch, without a leading zero: ``date(2026, 12, 7)`` ->
    ``"7 december 2026"``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
