"""The report as plain text and as one tidy CSV table."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialogs.report.figures import Report
from dialogs.report.wording import (
    EMPTY,
    SUBTITLE,
    TITLE,
    covenant_rows,
    headline,
    masked,
    notes,
    period,
)

__all__ = ["CSV_DIALECTS", "CSV_HEADER", "CsvDialect", "render_csv", "render_text"]

CSV_HEADER = ("van", "tot", "onderdeel", "code", "omschrijving", "aantal", "verzoeken")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written for one kind of reader."""

    delimiter: str
    bom: bool
    """Start with a UTF-8 byte-order mark (Excel then reads the file as UTF-8)."""


CSV_DIALECTS: Mapping[str, CsvDialect] = {
    "excel-nl": CsvDialect(";", bom=True),
    "rfc4180": CsvDialect(",", bom=False),
}
"""``excel-nl`` (the default): what Excel with Dutch settings opens with a double click —
semicolons, a byte-order mark. ``rfc4180``: commas, for other tools."""


def render_text(report: Report) -> str:
    """The report as plain Dutch text with aligned columns."""
    lines = [TITLE, SUBTITLE, f"Periode: {period(report)}", ""]
    if report.empty:
        lines += [EMPTY, ""]
    else:
        lines += _section("Totaal", headline(report))
        lines += _section(
            "Convenant", [(label, value) for _, label, value in covenant_rows(report)]
        )
        for breakdown in report.breakdowns:
            rows = [(_with_requests(r.label, r.requests), masked(r.count)) for r in breakdown.rows]
            lines += _section(breakdown.title, rows)
    for note in notes(report):
        lines += textwrap.wrap(note, width=78)
    return "\n".join(lines) + "\n"


def _with_requests(label: str, requests: int) -> str:
    return f"{label} (verzoeken: {masked(requests)})" if requests else label


def _section(title: str, rows: Sequence[tuple[str, str]]) -> list[str]:
    label_width = max(len(label) for label, _ in rows) + 2
    value_width = max(len(value) for _, value in rows)
    body = [f"  {label.ljust(label_width)}{value.rjust(value_width)}" for label, value in rows]
    return [title, *body, ""]


def render_csv(report: Report, dialect: str = "excel-nl") -> str:
    """The report as one tidy CSV table (a header row, CRLF line ends) in ``dialect`` (a key of
    :data:`CSV_DIALECTS`; KeyError otherwise)."""
    chosen = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=chosen.delimiter)
    writer.writerow(CSV_HEADER)
    span = (report.start.isoformat(), report.end.isoformat())
    writer.writerows((*span, *row) for row in _rows(report))
    return ("\ufeff" if chosen.bom else "") + buffer.getvalue()


def _rows(report: Report) -> list[tuple[str, str, str, str, str]]:
    median = "geen" if report.median_pickup is None else str(report.median_pickup)
    rows = [
        ("totaal", "consultaties", "Consultaties", masked(report.consultations), ""),
        ("totaal", "verzoeken", "Verzoeken via Verbind", masked(report.requests), ""),
        ("totaal", "opgepakt", "Waarvan opgepakt", masked(report.picked_up), ""),
        ("oppaktijd", "mediaan-minuten", "Mediane tijd tot oppakken (minuten)", median, ""),
    ]
    rows += [("convenant", code, label, value, "") for code, label, value in covenant_rows(report)]
    for breakdown in report.breakdowns:
        rows += [
            (breakdown.key, r.code, r.label, masked(r.count), masked(r.requests))
            for r in breakdown.rows
        ]
    return rows
