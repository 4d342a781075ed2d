"""What of a :class:`~dialogs.report.figures.Report` may be shown: the one suppression rule.

No count, share, median or percentile is shown from fewer than 5 (``SMALL_COUNT``):

- a count from 1 to 4 is suppressed (shown as "<5", drawn as a fixed marker, an empty numeric
  cell with the reason beside it); 0 is shown;
- a median or 90th percentile is shown only when it rests on 5 or more pick-ups, a share only
  when both of its counts may be shown and the whole is not 0;
- a suppressed count cannot be worked back from its neighbours: in a split whose total is shown,
  a single suppressed row takes the smallest other non-zero row with it, and so does a single
  suppressed month within its quarter (complementary suppression).

Every renderer (text, CSV, HTML, the page, the workbook) reads the figures through
:func:`shown_report` only, so the rule is answered here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from dialogs.report.figures import SMALL_COUNT, Breakdown, PickupTimes, Report, Totals

__all__ = [
    "MASK",
    "NONE",
    "SHIELDED",
    "TOO_FEW",
    "Line",
    "PickupLine",
    "Shown",
    "ShownBreakdown",
    "ShownReport",
    "ShownRow",
    "Unit",
    "format_duration",
    "shown_report",
]

MASK = "<5"
"""What stands instead of a suppressed count."""
TOO_FEW = "te weinig"
"""What stands instead of a median, percentile or share from fewer than 5."""
NONE = "geen"
"""What stands where there is nothing to compute (no pick-ups, no meldingen)."""
SHIELDED = "afgeschermd"
"""What stands instead of a count of 5 or more left out so that a suppressed one cannot be
worked back from the total."""

Unit = Literal["aantal", "procent", "minuten"]


def format_duration(minutes: int) -> str:
    """Minutes in Dutch: "25 min", "1 uur", "2 uur 5 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} uur {rest} min" if rest else f"{hours} uur"


@dataclass(frozen=True, slots=True)
class Shown:
    """One figure as it may be shown: ``value`` (a count, a fraction for ``procent``, minutes),
    or None with ``why`` (:data:`MASK`, :data:`TOO_FEW` or :data:`NONE`)."""

    value: float | None
    unit: Unit = "aantal"
    why: str = ""

    @property
    def suppressed(self) -> bool:
        """True when a figure exists but may not be shown."""
        return self.value is None and self.why != NONE

    def text(self) -> str:
        """The figure in Dutch: "12", "63%", "2 uur 5 min", or why there is none."""
        if self.value is None:
            return self.why
        if self.unit == "procent":
            return f"{round(self.value * 100)}%"
        if self.unit == "minuten":
            return format_duration(int(self.value))
        return str(int(self.value))


def _count(n: int) -> Shown:
    return Shown(None, why=MASK) if 0 < n < SMALL_COUNT else Shown(n)


def _statistic(basis: int, minutes: int | None) -> Shown:
    """A median or percentile over ``basis`` pick-ups."""
    if basis == 0 or minutes is None:
        return Shown(None, "minuten", NONE)
    if basis < SMALL_COUNT:
        return Shown(None, "minuten", TOO_FEW)
    return Shown(minutes, "minuten")


def _share(part: Shown, whole: Shown) -> Shown:
    if whole.value == 0:
        return Shown(None, "procent", NONE)
    if part.value is None or whole.value is None:
        return Shown(None, "procent", TOO_FEW)
    return Shown(part.value / whole.value, "procent")


@dataclass(frozen=True, slots=True)
class Line:
    """A headline or covenant figure: this period and the previous one."""

    code: str
    label: str
    now: Shown
    before: Shown


@dataclass(frozen=True, slots=True)
class ShownRow:
    """One row of a split as shown."""

    code: str
    label: str
    count: Shown
    requests: Shown
    previous: Shown | None
    """None when the previous period has no such row."""


@dataclass(frozen=True, slots=True)
class ShownBreakdown:
    """A split as shown (see :class:`dialogs.report.figures.Breakdown`)."""

    key: str
    title: str
    column: str
    rows: tuple[ShownRow, ...]


@dataclass(frozen=True, slots=True)
class PickupLine:
    """One quarter's pick-up times as shown."""

    code: str
    label: str
    picked_up: Shown
    median_working: Shown
    p90_working: Shown
    median_clock: Shown
    p90_clock: Shown


@dataclass(frozen=True, slots=True)
class ShownReport:
    """Everything a renderer may show of ``report``."""

    report: Report
    headline: tuple[Line, ...]
    covenant: tuple[Line, ...]
    breakdowns: tuple[ShownBreakdown, ...]
    pickup: tuple[PickupLine, ...]

    def breakdown(self, key: str) -> ShownBreakdown:
        """The split named ``key`` (``soort``)."""
        return next(b for b in self.breakdowns if b.key == key)


def shown_report(report: Report) -> ShownReport:
    """Apply the suppression rule to every figure of ``report``."""
    quarters = _split(report.by_quarter, report)
    months = _split(report.by_month, report, within=(report.by_quarter, quarters))
    splits = {"kwartaal": quarters, "maand": months}
    breakdowns = tuple(splits.get(b.key) or _split(b, report) for b in report.breakdowns)
    kinds = next(b for b in breakdowns if b.key == "soort")
    return ShownReport(
        report=report,
        headline=_headline(report.current, report.previous),
        covenant=_covenant(kinds),
        breakdowns=breakdowns,
        pickup=tuple(_pickup_line(q.code, q.label, q.times) for q in report.pickup_by_quarter),
    )


def _headline(now: Totals, before: Totals) -> tuple[Line, ...]:
    def line(code: str, label: str, figure: str) -> Line:
        return Line(code, label, _figure(now, figure), _figure(before, figure))

    return (
        line("consultaties", "Consultaties", "consultations"),
        line("verzoeken", "Verzoeken via Verbind", "requests"),
        line("opgepakt", "Waarvan opgepakt", "picked_up"),
        line("mediaan-werkminuten", "Mediane tijd tot oppakken (werktijd)", "median_working"),
        line("p90-werkminuten", "90% opgepakt binnen (werktijd)", "p90_working"),
        line("mediaan-klokminuten", "Mediane tijd tot oppakken (klokuren)", "median_clock"),
        line("p90-klokminuten", "90% opgepakt binnen (klokuren)", "p90_clock"),
    )


def _figure(totals: Totals, name: str) -> Shown:
    if name in ("consultations", "requests", "picked_up"):
        return _count(int(getattr(totals, name)))
    return _statistic(totals.picked_up, getattr(totals.pickup, name))


_COVENANT = (
    ("meldingen", "Meldingen bij Veilig Thuis", "melding"),
    ("terugkoppelingen", "Terugkoppelingen aan de JGZ", "terugkoppeling"),
    ("bevragingen", "Bevragingen van de JGZ", "bevraging"),
    ("opschalen", "Opgeschaald", "opschalen"),
    ("afschalen", "Afgeschaald", "afschalen"),
    ("procesevaluaties", "Procesevaluaties", "procesevaluatie"),
    ("vertrouwensarts", "Overleg met de vertrouwensarts", "vertrouwensarts"),
)


def _covenant(kinds: ShownBreakdown) -> tuple[Line, ...]:
    """The covenant's own figures, read from the kinds as shown (so a count suppressed there
    is suppressed here too)."""
    rows = {row.code: row for row in kinds.rows}

    def now(kind: str) -> Shown:
        return rows[kind].count if kind in rows else Shown(0)

    def before(kind: str) -> Shown:
        previous = rows[kind].previous if kind in rows else None
        return previous or Shown(0)

    lines = [Line(code, label, now(kind), before(kind)) for code, label, kind in _COVENANT]
    share = Line(
        "aandeel-terugkoppeling",
        "Aandeel meldingen met terugkoppeling",
        _share(now("terugkoppeling"), now("melding")),
        _share(before("terugkoppeling"), before("melding")),
    )
    return (*lines[:2], share, *lines[2:])


def _pickup_line(code: str, label: str, times: PickupTimes) -> PickupLine:
    n = times.picked_up
    return PickupLine(
        code,
        label,
        _count(n),
        _statistic(n, times.median_working),
        _statistic(n, times.p90_working),
        _statistic(n, times.median_clock),
        _statistic(n, times.p90_clock),
    )


# -- splits, with complementary suppression ----------------------------------------------------


def _split(
    breakdown: Breakdown,
    report: Report,
    *,
    within: tuple[Breakdown, ShownBreakdown] | None = None,
) -> ShownBreakdown:
    rows = breakdown.rows
    groups = _groups(report, within, previous=False)
    counts = _column([r.count for r in rows], report.current.consultations, groups)
    requests = _column([r.requests for r in rows], report.current.requests, ())
    before = [r.previous for r in rows]
    known = [n for n in before if n is not None]
    previous = _column(
        [n or 0 for n in before],
        report.previous.consultations if len(known) == len(before) else -1,
        _groups(report, within, previous=True),
    )
    shown = tuple(
        ShownRow(
            r.code, r.label, counts[i], requests[i], None if before[i] is None else previous[i]
        )
        for i, r in enumerate(rows)
    )
    return ShownBreakdown(breakdown.key, breakdown.title, breakdown.column, shown)


_Group = tuple[tuple[int, ...], int]
"""Row indexes whose sum is shown elsewhere, and that sum (-1: not shown)."""


def _groups(
    report: Report, within: tuple[Breakdown, ShownBreakdown] | None, *, previous: bool
) -> tuple[_Group, ...]:
    """Months grouped by the quarter row they add up to; in the previous period by the months
    and quarters of that period, which the rows hold by position."""
    if within is None:
        return ()
    exact, shown = within
    period = report.previous_period if previous else report.period
    months = [f"{y:04d}-{m:02d}" for y, m in period.months()]
    groups: list[_Group] = []
    for index, quarter in enumerate(period.quarters()):
        members = tuple(i for i, month in enumerate(months) if _quarter_of(month) == quarter)
        if index >= len(exact.rows):
            continue
        row, cell = exact.rows[index], shown.rows[index]
        total = row.previous if previous else row.count
        visible = cell.previous if previous else cell.count
        seen = total is not None and visible is not None and visible.value is not None
        groups.append((members, total if seen and total is not None else -1))
    return tuple(groups)


def _quarter_of(month: str) -> str:
    return f"{month[:4]}-K{(int(month[5:7]) - 1) // 3 + 1}"


def _column(counts: Sequence[int], total: int, groups: Sequence[_Group]) -> list[Shown]:
    """Counts as shown: 1 to 4 suppressed; then, wherever exactly one count of a set with a
    shown sum (the whole column against ``total``, each group) is suppressed, the smallest
    other non-zero count of that set too, until nothing changes."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < SMALL_COUNT}
    sets = [(tuple(range(len(counts))), total), *groups]
    changed = True
    while changed:
        changed = False
        for members, whole in sets:
            if whole < 0 or (0 < whole < SMALL_COUNT):
                continue  # the sum itself is not shown
            alone = [i for i in members if i in hidden]
            others = [i for i in members if i not in hidden and counts[i] > 0]
            if len(alone) == 1 and others:
                hidden.add(min(others, key=lambda i: counts[i]))
                changed = True
    return [
        Shown(n) if i not in hidden else Shown(None, why=MASK if n < SMALL_COUNT else SHIELDED)
        for i, n in enumerate(counts)
    ]
