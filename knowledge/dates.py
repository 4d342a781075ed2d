"""Dates as Dutch readers write them: "7 december 2026".

The one formatter for every date a user sees (a contact's last check, a source's check date, the
content review, a dossier line), so the same date reads the same on every channel. It lives in
``knowledge`` because the diagram pages (``knowledge.diagrams``) show source dates too;
``dialogs`` re-exports it for the channels.
"""

from __future__ import annotations

from datetime import date

__all__ = ["MONTHS", "dutch_date"]

MONTHS = (
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
"""The Dutch month names, January first (also the yearly report's month labels)."""


def dutch_date(day: date) -> str:
    """``day`` written out in Dutch, without a leading zero: ``date(2026, 12, 7)`` ->
    ``"7 december 2026"``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
