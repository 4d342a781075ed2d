"""The covenant's yearly figures: ``figures`` counts (pure, exact, in Amsterdam time with the
working-hours clock of ``clock``), ``shown`` applies the one suppression rule, ``wording`` says
how it counts, and ``plain`` (text, CSV), ``page`` (HTML) and ``workbook`` (xlsx) render it;
``reading`` checks the register's rows before anything is counted."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.report.celltext import cell_text
from dialogs.report.figures import (
    SMALL_COUNT,
    Breakdown,
    Count,
    Filters,
    Period,
    Report,
    build_report,
    jgz_organisations,
)
from dialogs.report.page import CSS, PageControls, render_html, render_page
from dialogs.report.plain import CSV_DIALECTS, CSV_HEADER, render_csv, render_text
from dialogs.report.reading import Reading, read_rows
from dialogs.report.shown import MASK, SHIELDED, TOO_FEW, Shown, format_duration, shown_report
from dialogs.report.wording import EMPTY, RULES
from dialogs.report.workbook import SHEETS, render_xlsx

__all__ = [
    "CSS",
    "CSV_DIALECTS",
    "CSV_HEADER",
    "EMPTY",
    "FORMATS",
    "MASK",
    "RENDERERS",
    "RULES",
    "SHEETS",
    "SHIELDED",
    "SMALL_COUNT",
    "TOO_FEW",
    "Breakdown",
    "Count",
    "Filters",
    "PageControls",
    "Period",
    "Reading",
    "Report",
    "Shown",
    "build_report",
    "cell_text",
    "format_duration",
    "jgz_organisations",
    "read_rows",
    "render_csv",
    "render_html",
    "render_page",
    "render_text",
    "render_xlsx",
    "shown_report",
]

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "csv": render_csv,
    "html": render_html,
}
"""Each text ``--format`` value and its renderer (CSV in its default dialect, ``excel-nl``)."""
FORMATS = (*RENDERERS, "xlsx")
"""Every ``--format``: the text ones and the workbook (bytes, :func:`render_xlsx`)."""
