"""The covenant's yearly figures: ``figures`` counts (pure, exact), ``wording`` says what every
format says (and masks small counts), ``plain`` renders text and CSV, ``page`` one HTML page."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.report.figures import SMALL_COUNT, Breakdown, Count, Report, build_report
from dialogs.report.page import render_html
from dialogs.report.plain import CSV_DIALECTS, CSV_HEADER, render_csv, render_text
from dialogs.report.wording import EMPTY, MASK, format_duration, masked

__all__ = [
    "CSV_DIALECTS",
    "CSV_HEADER",
    "EMPTY",
    "MASK",
    "RENDERERS",
    "SMALL_COUNT",
    "Breakdown",
    "Count",
    "Report",
    "build_report",
    "format_duration",
    "masked",
    "render_csv",
    "render_html",
    "render_text",
]

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "csv": render_csv,
    "html": render_html,
}
"""Each ``--format`` value and its renderer (CSV in its default dialect, ``excel-nl``)."""
