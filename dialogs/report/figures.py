"""The covenant's figures for a period: how often was consulted, with whom, about what, which
way, how fast.

Pure: register records in, a :class:`Report` out. How it counts (the report states the same in
Dutch):

- A *consultation* is a reference with a ``vastgelegd`` or an ``aangevraagd`` record: a recorded
  consultation or a request for one. Each reference counts once, with the kind, partner, region
  and direction of its first such record, in the month of that record.
- A *request* is a reference with an ``aangevraagd`` record in the period; it is *picked up* when
  the records hold an ``opgepakt`` record with the same reference (also one after the period).
  Pick-up times are whole minutes from the first ``aangevraagd`` to the first ``opgepakt``: the
  median (halves rounded up) and the 90th percentile (nearest rank).
- The share of meldingen with terugkoppeling is the number of terugkoppelingen divided by the
  number of meldingen in the period: the register never links two references (no client data),
  so this is a ratio of counts, not a follow-up of each melding.
- ``register``/``opgeschoond`` records (purges) are not consultations. A purge at or after the
  start of the period may have removed data from it; the report says so in a note.
- Days, months and quarters are UTC, as the register stores them; ``start`` and ``end`` are
  inclusive.

Pass every record the register holds: the period is filtered here, and pick-ups and purges
after the period still count. A :class:`Report` holds exact counts; the renderers show every
count from 1 to 4 as "<5" (:func:`dialogs.report.wording.masked`), in charts too.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dialogs.consultation.labels import DIRECTION_LABELS, kind_label
from dialogs.register import DIRECTIONS, KINDS, ConsultationRecord
from knowledge.dates import MONTHS
from knowledge.library import KnowledgeBase

__all__ = [
    "MONTHS",
    "SMALL_COUNT",
    "UNKNOWN_REGION",
    "Breakdown",
    "Count",
    "Report",
    "build_report",
]

SMALL_COUNT = 5
"""Counts from 1 up to (not including) this number are never shown as such."""
UNKNOWN_REGION = "onbekend"
_PARTNER_LABELS = {"intern": "Intern (collega)", "overig": "Overig"}
_COUNTED = frozenset({"vastgelegd", "aangevraagd"})
_TIME_FORMAT = "%Y-%m-%dT%H:%MZ"


@dataclass(frozen=True, slots=True)
class Count:
    """One line of a breakdown: its code, its Dutch label, the exact count of consultations and
    how many of them were requests through Verbind."""

    code: str
    label: str
    count: int
    requests: int = 0


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The consultations split one way: per month, quarter, kind, partner, region, direction."""

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
    p90_pickup: int | None
    """90th percentile (nearest rank) of the same minutes; None without pick-ups."""
    by_month: Breakdown
    by_quarter: Breakdown
    by_kind: Breakdown
    by_partner: Breakdown
    by_region: Breakdown
    by_direction: Breakdown
    purges: tuple[date, ...]
    """Days the register was purged, at or after ``start`` (data may be missing)."""

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        """Every breakdown, in the order the report shows them."""
        return (
            self.by_direction,
            self.by_quarter,
            self.by_month,
            self.by_kind,
            self.by_partner,
            self.by_region,
        )

    @property
    def empty(self) -> bool:
        """True when no consultation falls in the period."""
        return self.consultations == 0

    def kind(self, code: str) -> int:
        """The exact count of consultations of kind ``code``."""
        return next((r.count for r in self.by_kind.rows if r.code == code), 0)


def build_report(
    records: Iterable[ConsultationRecord], *, start: date, end: date, knowledge: KnowledgeBase
) -> Report:
    """The figures for ``start`` to ``end`` (inclusive, UTC days) from all register records."""
    if end < start:
        raise ValueError("De einddatum ligt vóór de begindatum.")
    ordered = sorted(records, key=lambda r: r.time)
    consultations = _in_period(_first_by_reference(ordered, _COUNTED), start, end)
    requests = _in_period(_first_by_reference(ordered, {"aangevraagd"}), start, end)
    asked = frozenset(r.reference for r in requests)
    pickups = _first_by_reference(ordered, {"opgepakt"})
    waits = sorted(_wait(r, pickups[r.reference]) for r in requests if r.reference in pickups)
    split = _Splitter(consultations, asked)
    return Report(
        start=start,
        end=end,
        consultations=len(consultations),
        requests=len(requests),
        picked_up=len(waits),
        median_pickup=_median(waits),
        p90_pickup=_p90(waits),
        by_month=split.by_month(start, end),
        by_quarter=split.by_quarter(start, end),
        by_kind=split.by_kind(),
        by_partner=split.by_partner(knowledge),
        by_region=split.by_region(knowledge),
        by_direction=split.by_direction(),
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


def _p90(ordered: Sequence[int]) -> int | None:
    """Nearest rank: the smallest value with at least 90% of the values at or below it."""
    if not ordered:
        return None
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _purges(ordered: Sequence[ConsultationRecord], start: date) -> tuple[date, ...]:
    days = (_moment(r).date() for r in ordered if r.status == "opgeschoond")
    return tuple(sorted({day for day in days if day >= start}))


def _months(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start`` to ``end``, both included."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]


def _quarter(time: str) -> str:
    """``2026-05-…`` as ``2026-K2``."""
    return f"{time[:4]}-K{(int(time[5:7]) - 1) // 3 + 1}"


class _Splitter:
    """Counts the period's consultations (and which of them were requests) one way or another."""

    def __init__(self, records: Sequence[ConsultationRecord], requests: frozenset[str]) -> None:
        self._records = records
        self._requests = requests

    def _count(self, key: Callable[[ConsultationRecord], str]) -> tuple[Counter[str], Counter[str]]:
        consulted = Counter(key(r) for r in self._records)
        asked = Counter(key(r) for r in self._records if r.reference in self._requests)
        return consulted, asked

    def _fixed(
        self, key: Callable[[ConsultationRecord], str], codes: Sequence[tuple[str, str]]
    ) -> tuple[Count, ...]:
        consulted, asked = self._count(key)
        return tuple(Count(code, label, consulted[code], asked[code]) for code, label in codes)

    def by_month(self, start: date, end: date) -> Breakdown:
        """Every month of the period, also those without consultations."""
        codes = [(f"{y:04d}-{m:02d}", f"{MONTHS[m - 1]} {y}") for y, m in _months(start, end)]
        rows = self._fixed(lambda r: r.time[:7], codes)
        return Breakdown("maand", "Per maand", "Maand", rows)

    def by_quarter(self, start: date, end: date) -> Breakdown:
        """Every quarter of the period (``2026-K1``)."""
        quarters = dict.fromkeys(_quarter(f"{y:04d}-{m:02d}") for y, m in _months(start, end))
        codes = [(q, f"{q[6:]}e kwartaal {q[:4]}") for q in quarters]
        rows = self._fixed(lambda r: _quarter(r.time), codes)
        return Breakdown("kwartaal", "Per kwartaal", "Kwartaal", rows)

    def by_kind(self) -> Breakdown:
        """Every kind, in register order."""
        codes = [(k, kind_label(k)) for k in KINDS if k != "register"]
        rows = self._fixed(lambda r: r.kind, codes)
        return Breakdown("soort", "Per soort", "Soort", rows)

    def by_direction(self) -> Breakdown:
        """JGZ → partner, partner → JGZ, within the JGZ."""
        rows = self._fixed(lambda r: r.direction, [(d, DIRECTION_LABELS[d]) for d in DIRECTIONS])
        return Breakdown("richting", "Per richting", "Richting", rows)

    def by_partner(self, knowledge: KnowledgeBase) -> Breakdown:
        """The partners that occur, largest first."""

        def label(code: str) -> str:
            organisation = knowledge.organisations.get(code)
            return organisation.name if organisation else _PARTNER_LABELS.get(code, code)

        rows = self._ranked(lambda r: r.partner, label)
        return Breakdown("partner", "Per partner", "Partner", rows)

    def by_region(self, knowledge: KnowledgeBase) -> Breakdown:
        """The regions that occur, largest first, unknown last."""

        def label(code: str) -> str:
            if code == UNKNOWN_REGION:
                return "Onbekend"
            region = knowledge.regions.get(code)
            return region.name if region else code

        rows = self._ranked(lambda r: r.region or UNKNOWN_REGION, label)
        return Breakdown("regio", "Per Veilig Thuis-regio", "Regio", rows)

    def _ranked(
        self, key: Callable[[ConsultationRecord], str], label: Callable[[str], str]
    ) -> tuple[Count, ...]:
        """Largest shown counts first; masked ones after them by name, so order reveals nothing."""
        consulted, asked = self._count(key)
        rows = [Count(code, label(code), n, asked[code]) for code, n in consulted.items()]
        return tuple(sorted(rows, key=_rank))


def _rank(row: Count) -> tuple[bool, bool, int, str]:
    shown = row.count >= SMALL_COUNT
    return (
        row.code == UNKNOWN_REGION,
        not shown,
        -row.count if shown else 0,
        row.label.casefold(),
    )
