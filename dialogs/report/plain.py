"""The report as plain text and as one tidy CSV table.

The CSV has one figure per row: its unit in a text column of its own, and the numbers (this
period, how many were requests, the previous period) in numeric columns that hold a number or
nothing — a suppressed figure is empty there, with the reason ("<5", "te weinig") in
``toelichting``. Percentages are numbers of percent with one decimal, durations whole minutes.
Every text cell is neutralised against formula injection
(:func:`dialogs.report.celltext.cell_text`).
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from dialogs.report.celltext import cell_text
from dialogs.report.figures import Report
from dialogs.report.shown import PickupLine, Shown, ShownReport, shown_report
from dialogs.report.wording import EMPTY, SUBTITLE, TITLE, notes, period

__all__ = ["CSV_DIALECTS", "CSV_HEADER", "CsvDialect", "render_csv", "render_text"]

CSV_HEADER = (
    "van",
    "tot",
    "vorige_van",
    "vorige_tot",
    "onderdeel",
    "code",
    "omschrijving",
    "eenheid",
    "waarde",
    "verzoeken",
    "vorige",
    "toelichting",
)
_NUMERIC = ("waarde", "verzoeken", "vorige")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written for one kind of reader."""

    delimiter: str
    decimal: str
    bom: bool
    """Start with a UTF-8 byte-order mark (Excel then reads the file as UTF-8)."""


CSV_DIALECTS: Mapping[str, CsvDialect] = {
    "excel-nl": CsvDialect(";", ",", bom=True),
    "rfc4180": CsvDialect(",", ".", bom=False),
}
"""``excel-nl`` (the default): what Excel with Dutch settings opens with a double click —
semicolons, a decimal comma, a byte-order mark. ``rfc4180``: commas and a decimal point, for
other tools."""


def render_text(report: Report) -> str:
    """The report as plain Dutch text with aligned columns: this period, the previous one."""
    shown = shown_report(report)
    lines = [TITLE, SUBTITLE, f"Periode: {period(report.period)}"]
    lines += [f"Vorige periode: {period(report.previous_period)}", report.scope, ""]
    if report.warning:
        lines += [*textwrap.wrap(report.warning, width=78), ""]
    if report.empty:
        lines += [EMPTY, ""]
    else:
        lines += _section("Totaal", [(x.label, x.now, x.before) for x in shown.headline])
        lines += _section("Convenant", [(x.label, x.now, x.before) for x in shown.covenant])
        for split in shown.breakdowns:
            rows = [(_with_requests(r.label, r.requests), r.count, r.previous) for r in split.rows]
            lines += _section(split.title, rows)
        lines += _pickup_section(shown.pickup)
    for note in notes(report):
        lines += textwrap.wrap(note, width=78)
    return "\n".join(lines) + "\n"


def _with_requests(label: str, requests: Shown) -> str:
    return label if requests.value == 0 else f"{label} (verzoeken: {requests.text()})"


def _section(title: str, rows: Sequence[tuple[str, Shown, Shown | None]]) -> list[str]:
    table = [("", "deze periode", "vorige periode")]
    table += [(label, now.text(), "" if then is None else then.text()) for label, now, then in rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    body = [
        f"  {label.ljust(widths[0])}  {now.rjust(widths[1])}  {then.rjust(widths[2])}".rstrip()
        for label, now, then in table
    ]
    return [title, *body, ""]


def _pickup_section(lines: Sequence[PickupLine]) -> list[str]:
    rows = [
        (f"{x.label}: opgepakt {x.picked_up.text()}, mediaan", x.median_working, x.median_clock)
        for x in lines
    ]
    table = [("", "werktijd", "klokuren")]
    table += [(label, work.text(), clock.text()) for label, work, clock in rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    body = [
        f"  {a.ljust(widths[0])}  {b.rjust(widths[1])}  {c.rjust(widths[2])}" for a, b, c in table
    ]
    return ["Oppaktijd per kwartaal", *(line.rstrip() for line in body), ""]


def render_csv(report: Report, dialect: str = "excel-nl") -> str:
    """The report as one tidy CSV table (a header row, CRLF line ends) in ``dialect`` (a key of
    :data:`CSV_DIALECTS`; KeyError otherwise)."""
    chosen = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=chosen.delimiter)
    writer.writerow(CSV_HEADER)
    span = (
        report.start.isoformat(),
        report.end.isoformat(),
        report.previous_period.start.isoformat(),
        report.previous_period.end.isoformat(),
    )
    if report.warning:  # what was wrong with the register, first, as text of its own
        writer.writerow([*span, "register", "waarschuwing", cell_text(report.warning)] + [""] * 5)
    for part, code, label, unit, now, asked, then in _rows(shown_report(report)):
        numbers = [_number(x, chosen.decimal) for x in (now, asked, then)]
        why = "; ".join(
            f"{name} {x.why}"
            for name, x in zip(_NUMERIC, (now, asked, then), strict=True)
            if x is not None and x.value is None and x.why
        )
        text = [cell_text(t) for t in (part, code, label, unit)]
        writer.writerow([*span, *text, *numbers, cell_text(why)])
    return ("\ufeff" if chosen.bom else "") + buffer.getvalue()


_Row = tuple[str, str, str, str, Shown, Shown | None, Shown | None]


def _rows(shown: ShownReport) -> Iterator[_Row]:
    for line in shown.headline:
        yield ("totaal", line.code, line.label, _unit(line.now), line.now, None, line.before)
    for line in shown.covenant:
        yield ("convenant", line.code, line.label, _unit(line.now), line.now, None, line.before)
    for split in shown.breakdowns:
        for row in split.rows:
            yield (split.key, row.code, row.label, "aantal", row.count, row.requests, row.previous)
    for quarter in shown.pickup:
        for code, label, figure in (
            ("opgepakt", "opgepakt", quarter.picked_up),
            ("mediaan-werkminuten", "mediane tijd (werktijd)", quarter.median_working),
            ("p90-werkminuten", "90% binnen (werktijd)", quarter.p90_working),
            ("mediaan-klokminuten", "mediane tijd (klokuren)", quarter.median_clock),
            ("p90-klokminuten", "90% binnen (klokuren)", quarter.p90_clock),
        ):
            name = f"{quarter.label}: {label}"
            yield ("oppaktijd", f"{quarter.code}-{code}", name, _unit(figure), figure, None, None)


def _unit(figure: Shown) -> str:
    return figure.unit


def _number(figure: Shown | None, decimal: str) -> str:
    """A numeric cell: the number (a percentage with one decimal) or nothing."""
    if figure is None or figure.value is None:
        return ""
    if figure.unit == "procent":
        return f"{figure.value * 100:.1f}".replace(".", decimal)
    return str(int(figure.value))
