"""The covenant's figures for a period: how often was consulted, with whom, about what, how fast.

Pure: register records in, a :class:`Report` out, rendered as text, CSV or one standalone HTML
page. How it counts (the report states the same in Dutch):

- A *consultation* is a reference with a ``vastgelegd`` or an ``aangevraagd`` record: a recorded
  consultation or a request for one. Each reference counts once, with the kind, partner, region
  and direction of its first such record, in the month of that record.
- A *request* is a reference with an ``aangevraagd`` record in the period; it is *picked up* when
  the records hold an ``opgepakt`` record with the same reference (also one after the period).
  The pick-up time is the median of (first ``opgepakt`` - first ``aangevraagd``) in whole
  minutes, halves rounded up.
- ``register``/``opgeschoond`` records (purges) are not consultations. A purge at or after the
  start of the period may have removed data from it; the report says so in a note.
- Days and months are UTC, as the register stores them; ``start`` and ``end`` are inclusive.

Pass every record the register holds: the period is filtered here, and pick-ups and purges
after the period still count. A :class:`Report` holds exact counts; the renderers show every
count from 1 to 4 as "<5" (:func:`masked`), in charts too, so never show a report without them.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from dialogs.register import DIRECTIONS, KINDS, ConsultationRecord
from knowledge.library import KnowledgeBase

__all__ = [
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

SMALL_COUNT = 5
"""Counts from 1 up to (not including) this number are never shown as such."""
MASK = "<5"
"""What is shown instead of a small count."""

EMPTY = "Geen consultaties in deze periode."
_TITLE = "Consultaties via Verbind"
_SUBTITLE = "Cijfers voor de evaluatie van het convenant JGZ en Veilig Thuis"
_UNKNOWN_REGION = "onbekend"

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
_KIND_LABELS = {
    "collegiale-consultatie": "Collegiale consultatie",
    "advies-veilig-thuis": "Advies Veilig Thuis",
    "vertrouwensarts": "Vertrouwensarts",
    "aandachtsfunctionaris": "Aandachtsfunctionaris",
    "save": "SAVE",
    "melding": "Melding",
    "procesevaluatie": "Procesevaluatie",
    "overig": "Overig",
}
_DIRECTION_LABELS = {
    "jgz-partner": "Van JGZ naar partner",
    "partner-jgz": "Van partner naar JGZ",
    "intern": "Binnen JGZ (collega)",
}
_PARTNER_LABELS = {"intern": "Intern (collega)", "overig": "Overig"}
_COUNTED = frozenset({"vastgelegd", "aangevraagd"})
_TIME_FORMAT = "%Y-%m-%dT%H:%MZ"

_NOTES = (
    "Zo is geteld: een consultatie is een vastgelegde consultatie of een verzoek om consultatie. "
    "Elke referentie telt één keer.",
    "Een verzoek is opgepakt als een partner het heeft aangenomen. De tijd tot oppakken is de "
    "mediaan, in hele minuten.",
    f"Aantallen van 1 tot en met 4 staan er als {MASK}.",
    "Dagen en maanden volgen de UTC-tijd van het register.",
)


# -- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    """One line of a breakdown: its code, its Dutch label and the exact count."""

    code: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The consultations split one way: per month, kind, partner, region or direction."""

    key: str
    """Short Dutch name of the split (``maand``), the CSV's ``onderdeel``."""
    title: str
    """Section heading (``Per maand``)."""
    column: str
    """Column heading for the items (``Maand``)."""
    rows: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """Exact figures for ``start`` to ``end`` (inclusive). Render them: the renderers mask."""

    start: date
    end: date
    consultations: int
    requests: int
    picked_up: int
    median_pickup: int | None
    """Median minutes from request to pick-up; None without pick-ups."""
    by_month: Breakdown
    by_kind: Breakdown
    by_partner: Breakdown
    by_region: Breakdown
    by_direction: Breakdown
    purges: tuple[date, ...]
    """Days the register was purged, at or after ``start`` (data may be missing)."""

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        """Every breakdown, in the order the report shows them."""
        return (self.by_month, self.by_kind, self.by_partner, self.by_region, self.by_direction)

    @property
    def empty(self) -> bool:
        """True when no consultation falls in the period."""
        return self.consultations == 0


def build_report(
    records: Iterable[ConsultationRecord], *, start: date, end: date, knowledge: KnowledgeBase
) -> Report:
    """The figures for ``start`` to ``end`` (inclusive, UTC days) from all register records."""
    if end < start:
        raise ValueError("De einddatum ligt vóór de begindatum.")
    ordered = sorted(records, key=lambda r: r.time)
    consultations = _in_period(_first_by_reference(ordered, _COUNTED), start, end)
    requests = _in_period(_first_by_reference(ordered, {"aangevraagd"}), start, end)
    pickups = _first_by_reference(ordered, {"opgepakt"})
    waits = [_wait(r, pickups[r.reference]) for r in requests if r.reference in pickups]
    return Report(
        start=start,
        end=end,
        consultations=len(consultations),
        requests=len(requests),
        picked_up=len(waits),
        median_pickup=_median(waits),
        by_month=_by_month(consultations, start, end),
        by_kind=_by_kind(consultations),
        by_partner=_by_partner(consultations, knowledge),
        by_region=_by_region(consultations, knowledge),
        by_direction=_by_direction(consultations),
        purges=_purges(ordered, start),
    )


def _first_by_reference(
    ordered: Sequence[ConsultationRecord], statuses: Iterable[str]
) -> dict[str, ConsultationRecord]:
    wanted = frozenset(statuses)
    first: dict[str, ConsultationRecord] = {}
    for record in ordered:
        if record.status in wanted and record.kind != "register":
            first.setdefault(record.reference, record)
    return first


def _in_period(
    first: dict[str, ConsultationRecord], start: date, end: date
) -> list[ConsultationRecord]:
    return [r for r in first.values() if start <= _moment(r).date() <= end]


def _moment(record: ConsultationRecord) -> datetime:
    return datetime.strptime(record.time, _TIME_FORMAT)


def _wait(request: ConsultationRecord, pickup: ConsultationRecord) -> int:
    seconds = (_moment(pickup) - _moment(request)).total_seconds()
    return max(0, int(seconds // 60))  # a pick-up stamped before its request counts as instant


def _median(minutes: Sequence[int]) -> int | None:
    if not minutes:
        return None
    return math.floor(statistics.median(minutes) + 0.5)  # halves round up, not to even


def _purges(ordered: Sequence[ConsultationRecord], start: date) -> tuple[date, ...]:
    days = (_moment(r).date() for r in ordered if r.status == "opgeschoond")
    return tuple(sorted({day for day in days if day >= start}))


def _by_month(records: Sequence[ConsultationRecord], start: date, end: date) -> Breakdown:
    counts = Counter(r.time[:7] for r in records)
    codes = [f"{year:04d}-{month:02d}" for year, month in _months(start, end)]
    rows = tuple(Count(code, _month_label(code), counts[code]) for code in codes)
    return Breakdown("maand", "Per maand", "Maand", rows)


def _month_label(code: str) -> str:
    """``2026-03`` as ``maart 2026``."""
    return f"{_MONTHS[int(code[5:]) - 1]} {code[:4]}"


def _months(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start`` to ``end``, both included."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]


def _by_kind(records: Sequence[ConsultationRecord]) -> Breakdown:
    counts = Counter(r.kind for r in records)
    rows = tuple(Count(k, _KIND_LABELS.get(k, k), counts[k]) for k in KINDS if k != "register")
    return Breakdown("soort", "Per soort vraag", "Soort vraag", rows)


def _by_direction(records: Sequence[ConsultationRecord]) -> Breakdown:
    counts = Counter(r.direction for r in records)
    rows = tuple(Count(d, _DIRECTION_LABELS.get(d, d), counts[d]) for d in DIRECTIONS)
    return Breakdown("richting", "Per richting", "Richting", rows)


def _by_partner(records: Sequence[ConsultationRecord], knowledge: KnowledgeBase) -> Breakdown:
    def label(code: str) -> str:
        organisation = knowledge.organisations.get(code)
        return organisation.name if organisation else _PARTNER_LABELS.get(code, code)

    rows = _ranked(Counter(r.partner for r in records), label)
    return Breakdown("partner", "Per partner", "Partner", rows)


def _by_region(records: Sequence[ConsultationRecord], knowledge: KnowledgeBase) -> Breakdown:
    def label(code: str) -> str:
        if code == _UNKNOWN_REGION:
            return "Onbekend"
        region = knowledge.regions.get(code)
        return region.name if region else code

    counts = Counter(r.region or _UNKNOWN_REGION for r in records)
    return Breakdown("regio", "Per Veilig Thuis-regio", "Regio", _ranked(counts, label))


def _ranked(counts: Counter[str], label: Callable[[str], str]) -> tuple[Count, ...]:
    """Largest shown counts first; masked ones after them by name, so order reveals nothing."""
    rows = [Count(code, label(code), count) for code, count in counts.items()]
    return tuple(sorted(rows, key=_rank))


def _rank(row: Count) -> tuple[bool, bool, int, str]:
    shown = row.count >= SMALL_COUNT
    return (
        row.code == _UNKNOWN_REGION,
        not shown,
        -row.count if shown else 0,
        row.label.casefold(),
    )


# -- shared wording ------------------------------------------------------------------------------


def masked(count: int) -> str:
    """A count as it may be shown: 0 and 5 or more as is, 1 to 4 as "<5"."""
    return MASK if 0 < count < SMALL_COUNT else str(count)


def format_duration(minutes: int | None) -> str:
    """Minutes in Dutch: "25 min", "1 uur", "2 uur 5 min"; None is "geen"."""
    if minutes is None:
        return "geen"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} uur {rest} min" if rest else f"{hours} uur"


def _day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _period(report: Report) -> str:
    return f"{_day(report.start)} t/m {_day(report.end)}"


def _headline(report: Report) -> list[tuple[str, str]]:
    return [
        ("Consultaties", masked(report.consultations)),
        ("Verzoeken om consultatie", masked(report.requests)),
        ("Waarvan opgepakt", masked(report.picked_up)),
        ("Mediane tijd tot oppakken", format_duration(report.median_pickup)),
    ]


def _notes(report: Report) -> list[str]:
    purges = [
        f"Let op: het register is opgeschoond op {_day(day)}. Daarbij zijn oude gegevens "
        "verwijderd; cijfers van vóór die datum kunnen onvolledig zijn."
        for day in report.purges
    ]
    return [*_NOTES, *purges]


# -- text ----------------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    """The report as plain Dutch text with aligned columns."""
    lines = [_TITLE, _SUBTITLE, f"Periode: {_period(report)}", ""]
    if report.empty:
        lines += [EMPTY, ""]
    else:
        lines += _text_section("Totaal", _headline(report))
        for breakdown in report.breakdowns:
            rows = [(row.label, masked(row.count)) for row in breakdown.rows]
            lines += _text_section(breakdown.title, rows)
    for note in _notes(report):
        lines += textwrap.wrap(note, width=78)
    return "\n".join(lines) + "\n"


def _text_section(title: str, rows: Sequence[tuple[str, str]]) -> list[str]:
    label_width = max(len(label) for label, _ in rows) + 2
    value_width = max(len(value) for _, value in rows)
    body = [f"  {label.ljust(label_width)}{value.rjust(value_width)}" for label, value in rows]
    return [title, *body, ""]


# -- CSV -----------------------------------------------------------------------------------------

CSV_HEADER = ("van", "tot", "onderdeel", "code", "omschrijving", "aantal")


def render_csv(report: Report) -> str:
    """The report as one tidy CSV table (comma-separated, a header row, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    period = (report.start.isoformat(), report.end.isoformat())
    writer.writerows((*period, *row) for row in _csv_rows(report))
    return buffer.getvalue()


def _csv_rows(report: Report) -> list[tuple[str, str, str, str]]:
    median = "geen" if report.median_pickup is None else str(report.median_pickup)
    rows = [
        ("totaal", "consultaties", "Consultaties", masked(report.consultations)),
        ("totaal", "verzoeken", "Verzoeken om consultatie", masked(report.requests)),
        ("totaal", "opgepakt", "Waarvan opgepakt", masked(report.picked_up)),
        ("oppaktijd", "mediaan-minuten", "Mediane tijd tot oppakken (minuten)", median),
    ]
    for breakdown in report.breakdowns:
        rows += [(breakdown.key, r.code, r.label, masked(r.count)) for r in breakdown.rows]
    return rows


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
:root { color: #1a1a1a; background: #ffffff; }
body { font: 16px/1.5 system-ui, "Segoe UI", Arial, sans-serif; max-width: 60rem;
  margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #1f4e79; }
.sub, .noten { color: #3d3d3d; }
.kern { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; padding: 0; }
.kern div { border: 2px solid #1f4e79; border-radius: 6px; padding: 0.6rem 1rem;
  min-width: 11rem; }
.kern dt { font-size: 0.9rem; }
.kern dd { margin: 0; font-size: 1.8rem; font-weight: 700; color: #1f4e79; }
.paar { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5rem; align-items: start; }
svg { width: 100%; height: auto; }
svg text { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 14px;
  fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #8c8c8c; }
tbody th { font-weight: normal; }
.getal { text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 50rem) { .paar { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

_BAR = "#1f4e79"
_CHART_WIDTH = 560
_BAR_SPACE = 490
_ROW_HEIGHT = 40
_MIN_MARK = 8


def render_html(report: Report) -> str:
    """The report as one standalone Dutch HTML page: totals, SVG bar charts and tables."""
    title = f"{_TITLE}, {_period(report)}"
    body = [f"<h1>{escape(_TITLE)}</h1>", f'<p class="sub">{escape(_SUBTITLE)}</p>']
    body.append(f"<p>Periode: <strong>{escape(_period(report))}</strong></p>")
    if report.empty:
        body.append(f"<p><strong>{escape(EMPTY)}</strong></p>")
    else:
        body.append(_html_headline(report))
        body += [_html_section(b) for b in report.breakdowns]
    body.append(_html_notes(report))
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_headline(report: Report) -> str:
    items = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
        for label, value in _headline(report)
    )
    return f'<section aria-label="Totaal"><dl class="kern">{items}</dl></section>'


def _html_section(breakdown: Breakdown) -> str:
    return (
        f'<section><h2 id="{breakdown.key}">{escape(breakdown.title)}</h2>'
        f'<div class="paar">{_svg_chart(breakdown)}{_html_table(breakdown)}</div></section>'
    )


def _html_table(breakdown: Breakdown) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th>'
        f'<td class="getal">{escape(masked(r.count))}</td></tr>'
        for r in breakdown.rows
    )
    return (
        f'<table aria-labelledby="{breakdown.key}"><thead><tr>'
        f'<th scope="col">{escape(breakdown.column)}</th><th scope="col" class="getal">Aantal</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _html_notes(report: Report) -> str:
    items = "".join(f"<li>{escape(note)}</li>" for note in _notes(report))
    return f'<footer class="noten"><h2>Toelichting</h2><ul>{items}</ul></footer>'


def _svg_chart(breakdown: Breakdown) -> str:
    """A horizontal bar chart; small counts get one fixed "<5" marker, never their own length."""
    shown = [r.count for r in breakdown.rows if r.count >= SMALL_COUNT]
    scale = max([SMALL_COUNT, *shown])  # never derived from a masked count
    height = _ROW_HEIGHT * len(breakdown.rows) + 8
    summary = "; ".join(f"{r.label}: {masked(r.count)}" for r in breakdown.rows)
    ident = f"grafiek-{breakdown.key}"
    bars = "".join(_svg_bar(index, row, scale) for index, row in enumerate(breakdown.rows))
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}" height="{height}">'
        f'<title id="{ident}-t">Staafdiagram: consultaties {escape(breakdown.title.lower())}'
        f'</title><desc id="{ident}-d">{escape(summary)}</desc>{bars}</svg>'
    )


def _svg_bar(index: int, row: Count, scale: int) -> str:
    top = index * _ROW_HEIGHT
    value = masked(row.count)
    if row.count == 0:
        bar, length = "", 0.0
    elif value == MASK:
        length = max(_MIN_MARK, round(SMALL_COUNT / scale * _BAR_SPACE, 1))
        bar = (
            f'<rect x="0" y="{top + 20}" width="{length}" height="14" fill="#ffffff" '
            f'stroke="{_BAR}" stroke-width="1.5" stroke-dasharray="4 2"/>'
        )
    else:
        length = round(row.count / scale * _BAR_SPACE, 1)
        bar = f'<rect x="0" y="{top + 20}" width="{length}" height="14" fill="{_BAR}"/>'
    return (
        f"<g><title>{escape(row.label)}: {escape(value)}</title>"
        f'<text x="0" y="{top + 14}">{escape(row.label)}</text>{bar}'
        f'<text x="{length + 6}" y="{top + 32}">{escape(value)}</text></g>'
    )


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "csv": render_csv,
    "html": render_html,
}
"""Each ``--format`` value and its renderer."""
