"""Text for a spreadsheet cell that a spreadsheet never runs.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@``
(also after blanks, and a tab or line break first) as a formula: ``=HYPERLINK(…)`` or
``+cmd|…`` written into the register with SQL access would run when a manager opens the CSV or
workbook. Such text gets a leading apostrophe, the spreadsheets' own mark for "this is text"
(OWASP, "CSV Injection"). Every text cell of the CSV and the workbook passes through here."""

from __future__ import annotations

__all__ = ["cell_text"]

_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""The formula starts, their full-width forms (which some spreadsheets fold), and the
control characters that can precede them."""


def cell_text(text: str) -> str:
    """``text`` as it may stand in a spreadsheet cell: unchanged, or with a leading apostrophe
    when it (after leading blanks) starts like a formula."""
    stripped = text.lstrip(" \u00a0")
    if text[:1] in _TRIGGERS or stripped[:1] in _TRIGGERS:
        return "'" + text
    return text
