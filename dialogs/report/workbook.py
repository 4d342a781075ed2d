"""The report as an Excel workbook (openpyxl): one sheet per view, each with its chart, and a
sheet that explains how it counts.

Numbers are numeric cells: counts as whole numbers, shares as fractions formatted ``0%``,
durations as fractions of a day formatted ``[h]:mm`` (so Excel can sum and sort them). A figure
that may not be shown (:mod:`dialogs.report.shown`) is the text of its reason ("<5",
"te weinig") in its cell, which a chart draws as no bar. Headers are Dutch; every text cell is
neutralised against formula injection (:func:`dialogs.report.celltext.cell_text`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from dialogs.report.celltext import cell_text
from dialogs.report.figures import Report
from dialogs.report.shown import Line, PickupLine, Shown, ShownBreakdown, shown_report
from dialogs.report.wording import RULES, SUBTITLE, TITLE, notes, period

__all__ = ["SHEETS", "render_xlsx"]

SHEETS = (
    "Overzicht",
    "Per richting",
    "Per kwartaal",
    "Per maand",
    "Per soort",
    "Per partner",
    "Per JGZ-organisatie",
    "Per Veilig Thuis-regio",
    "Oppaktijd per kwartaal",
    "Toelichting",
)
"""The sheets, in order: every view has its chart; the last explains the counting."""

_FORMATS = {"aantal": "0", "procent": "0%", "minuten": "[h]:mm"}
_BOLD = Font(bold=True)
_MINUTES_PER_DAY = 1440


def render_xlsx(report: Report) -> bytes:
    """The report as the bytes of an ``.xlsx`` workbook."""
    shown = shown_report(report)
    book = Workbook()
    overview = book.active
    assert overview is not None  # a new workbook always has its first sheet
    _overview(overview, report, shown.headline, shown.covenant)
    for split in shown.breakdowns:
        _split(book.create_sheet(split.title), split)
    _pickup(book.create_sheet("Oppaktijd per kwartaal"), shown.pickup)
    _rules(book.create_sheet("Toelichting"), report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, column: int, figure: Shown | None) -> None:
    """A figure as a numeric cell with its number format, or its reason as text."""
    cell = sheet.cell(row=row, column=column)
    if figure is None:
        return
    if figure.value is None:
        cell.value = cell_text(figure.why)
        cell.alignment = Alignment(horizontal="right")
        return
    value = figure.value
    cell.value = value / _MINUTES_PER_DAY if figure.unit == "minuten" else value
    cell.number_format = _FORMATS[figure.unit]


def _text(sheet: Worksheet, row: int, column: int, text: str, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column, value=cell_text(text))
    if bold:
        cell.font = _BOLD


def _header(sheet: Worksheet, row: int, names: Sequence[str]) -> None:
    for column, name in enumerate(names, start=1):
        _text(sheet, row, column, name, bold=True)
    sheet.freeze_panes = f"A{row + 1}"


def _overview(
    sheet: Worksheet, report: Report, headline: Sequence[Line], covenant: Sequence[Line]
) -> None:
    sheet.title = "Overzicht"
    _text(sheet, 1, 1, TITLE, bold=True)
    _text(sheet, 2, 1, SUBTITLE)
    _text(sheet, 3, 1, f"Periode: {period(report.period)}")
    _text(sheet, 4, 1, f"Vorige periode: {period(report.previous_period)}")
    _text(sheet, 5, 1, report.scope)
    if report.warning:
        _text(sheet, 6, 1, report.warning, bold=True)
    top = 8
    _header(sheet, top, ("Omschrijving", "Deze periode", "Vorige periode"))
    for index, line in enumerate([*headline, *covenant], start=top + 1):
        _text(sheet, index, 1, line.label)
        _put(sheet, index, 2, line.now)
        _put(sheet, index, 3, line.before)
    _widths(sheet, (44, 16, 16))
    # The chart: the three counts of the headline, this period beside the previous one.
    _chart(sheet, "Consultaties en verzoeken", top, top + 3, (2, 3), "E8", labels=1)


def _split(sheet: Worksheet, split: ShownBreakdown) -> None:
    _header(sheet, 1, ("Code", split.column, "Aantal", "Waarvan verzoeken", "Vorige periode"))
    for index, row in enumerate(split.rows, start=2):
        _text(sheet, index, 1, row.code)
        _text(sheet, index, 2, row.label)
        _put(sheet, index, 3, row.count)
        _put(sheet, index, 4, row.requests)
        _put(sheet, index, 5, row.previous)
    _widths(sheet, (18, 40, 12, 18, 16))
    _chart(sheet, split.title, 1, len(split.rows) + 1, (3, 5), "G2", labels=2)


def _pickup(sheet: Worksheet, lines: Sequence[PickupLine]) -> None:
    names = (
        "Kwartaal",
        "Opgepakt",
        "Mediaan (werktijd)",
        "90% binnen (werktijd)",
        "Mediaan (klokuren)",
        "90% binnen (klokuren)",
    )
    _header(sheet, 1, names)
    for index, line in enumerate(lines, start=2):
        _text(sheet, index, 1, line.label)
        figures = (line.picked_up, line.median_working, line.p90_working)
        for column, figure in enumerate((*figures, line.median_clock, line.p90_clock), start=2):
            _put(sheet, index, column, figure)
    _widths(sheet, (22, 12, 20, 22, 20, 22))
    last = len(lines) + 1
    chart = _chart(sheet, "Mediane oppaktijd per kwartaal", 1, last, (3, 5), "H2", labels=1)
    chart.type = "col"
    chart.y_axis.number_format = "[h]:mm"


def _rules(sheet: Worksheet, report: Report) -> None:
    _header(sheet, 1, ("Onderwerp", "Zo is geteld"))
    extra = notes(report)[len(RULES) :]
    rows = [*RULES, *(("Let op", note) for note in extra)]
    if report.warning:
        rows.insert(0, ("Register", report.warning))
    for index, (topic, rule) in enumerate(rows, start=2):
        _text(sheet, index, 1, topic, bold=True)
        _text(sheet, index, 2, rule)
        sheet.cell(row=index, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=index, column=1).alignment = Alignment(vertical="top")
    _widths(sheet, (24, 100))


def _chart(
    sheet: Worksheet,
    title: str,
    header: int,
    last: int,
    columns: tuple[int, int],
    anchor: str,
    *,
    labels: int,
) -> BarChart:
    """A bar chart of two ``columns`` (this period and the previous one, or two measures) over
    rows ``header + 1`` to ``last``, labelled by column ``labels``."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.title = None
    chart.height = max(7.5, 0.8 * (last - header) + 3)
    chart.width = 18
    for column in columns:
        data = Reference(sheet, min_col=column, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=labels, min_row=header + 1, max_row=last))
    sheet.add_chart(chart, anchor)
    return chart


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
