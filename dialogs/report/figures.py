"""The covenant's figures for a period: how often was consulted, with whom, about what, which
way, how fast — beside the same figures for the period before.

Pure: register records in, a :class:`Report` of exact counts out. How it counts (the report
states the same rules in Dutch, :data:`dialogs.report.wording.RULES`):

- A *consultation* is a reference with a ``vastgelegd`` or an ``aangevraagd`` record: a recorded
  consultation or a request for one. Each reference counts once, in the Amsterdam day, month and
  quarter of its first such record — a request and the later recording of the same consultation
  (same reference) are one consultation. Its kind, partner, region and direction are those of
  its recording (``vastgelegd``) when there is one, else of its request.
- A consultation with the vertrouwensarts is the kind ``vertrouwensarts``, also when the record
  says ``advies-veilig-thuis`` (older flows recorded it so).
- A consultation with child protection is the national kind ``jeugdbescherming``, also when the
  record says ``save`` (how it was stored before the kind became national); ``save`` has no row
  of its own.
- A bevraging or terugkoppeling (partner → JGZ) names the JGZ organisation it went to as its
  partner; the split per JGZ organisation counts the consultations whose partner is a JGZ
  organisation of a region pack. The register holds nothing about the user, so a JGZ
  professional's own consultation (JGZ → partner) names no JGZ organisation: "niet vastgelegd".
- A *request* is a consultation with an ``aangevraagd`` record; it is *picked up* when an
  ``opgepakt`` record has the same reference (also one after the period). Its wait runs from
  the first request record to the first pick-up, in working minutes and in clock minutes
  (:mod:`dialogs.report.clock`): the median (halves rounded up) and the 90th percentile
  (nearest rank).
- ``register``/``opgeschoond`` records (purges) are not consultations. A purge at or after the
  start of the period may have removed data from it; the report says so.
- ``start`` and ``end`` are inclusive Amsterdam days. The previous period is the same calendar
  span one year earlier (29 February becomes 28 February).
- Filters (a region, an organisation as partner) apply to both periods alike.

Pass every record the register holds: pick-ups and purges after the period still count. Counts
here are exact; :mod:`dialogs.report.shown` decides what may be shown.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dialogs.consultation.labels import DIRECTION_LABELS, kind_label
from dialogs.register import DIRECTIONS, KINDS, ConsultationRecord
from dialogs.report.clock import clock_minutes, local_time, working_minutes
from knowledge.dates import MONTHS
from knowledge.library import KnowledgeBase

__all__ = [
    "MONTHS",
    "NOT_RECORDED",
    "SMALL_COUNT",
    "UNKNOWN_REGION",
    "Breakdown",
    "Consultation",
    "Count",
    "Filters",
    "Period",
    "PickupTimes",
    "QuarterPickup",
    "Report",
    "Totals",
    "build_report",
    "jgz_organisations",
    "quarter_label",
]

SMALL_COUNT = 5
"""No count, share, median or percentile is shown from fewer than this many."""
UNKNOWN_REGION = "onbekend"
NOT_RECORDED = "niet-vastgelegd"
"""The per-JGZ-organisation row of consultations whose partner is not a JGZ organisation."""
_PARTNER_LABELS = {"intern": "Intern (collega)", "overig": "Overig"}
_COUNTED = frozenset({"vastgelegd", "aangevraagd"})
_VERTROUWENSARTS = "vertrouwensarts"
_RENAMED: Mapping[str, str] = {"save": "jeugdbescherming"}
"""Kinds stored under an older name, counted under today's (issue 25 made ``save`` the
national ``jeugdbescherming``)."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Which consultations a report covers: those of one Veilig Thuis region (``VT20``), with
    one organisation as partner; None covers all."""

    region: str | None = None
    organisation: str | None = None

    def admits(self, consultation: Consultation) -> bool:
        """True when ``consultation`` passes every filter set."""
        if self.region is not None and consultation.region != self.region:
            return False
        return self.organisation is None or consultation.partner == self.organisation


def _year_before(day: date) -> date:
    """The same calendar day one year earlier; 29 February becomes 28 February."""
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True, slots=True)
class Period:
    """Amsterdam days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("De einddatum ligt vóór de begindatum.")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a first and ends on a last day of a month."""
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    def previous(self) -> Period:
        """The same calendar span one year earlier (1 Jan–7 Dec 2026 → 1 Jan–7 Dec 2025, a
        quarter → that quarter a year before); 29 February becomes 28 February."""
        return Period(_year_before(self.start), _year_before(self.end))

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) from ``start`` to ``end``, both included."""
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]

    def quarters(self) -> list[str]:
        """Every quarter the period touches (``2026-K1``), in order."""
        return list(dict.fromkeys(_quarter(year, month) for year, month in self.months()))


@dataclass(frozen=True, slots=True)
class Consultation:
    """One reference as the report counts it (see the module's rules)."""

    reference: str
    moment: datetime
    """When it started: its first recording or request, in Amsterdam."""
    kind: str
    partner: str
    region: str
    """A region code, or :data:`UNKNOWN_REGION`."""
    direction: str
    requested: bool


@dataclass(frozen=True, slots=True)
class PickupTimes:
    """How fast requests were picked up: their number and, in minutes, the median and the 90th
    percentile of their waits in working time and in clock time (None without pick-ups)."""

    picked_up: int = 0
    median_working: int | None = None
    p90_working: int | None = None
    median_clock: int | None = None
    p90_clock: int | None = None

    @classmethod
    def of(cls, waits: Sequence[tuple[int, int]]) -> PickupTimes:
        """The figures of (working, clock) minute pairs."""
        working = sorted(w for w, _ in waits)
        clock = sorted(c for _, c in waits)
        return cls(len(waits), _median(working), _p90(working), _median(clock), _p90(clock))


@dataclass(frozen=True, slots=True)
class Totals:
    """One period's headline figures."""

    consultations: int = 0
    requests: int = 0
    pickup: PickupTimes = field(default_factory=PickupTimes)
    kinds: Mapping[str, int] = field(default_factory=dict)

    @property
    def picked_up(self) -> int:
        """Requests that were picked up."""
        return self.pickup.picked_up

    def kind(self, code: str) -> int:
        """The exact count of consultations of kind ``code``."""
        return self.kinds.get(code, 0)


@dataclass(frozen=True, slots=True)
class Count:
    """One line of a breakdown: its code, its Dutch label, the exact count of consultations, how
    many of them were requests through Verbind, and the count in the previous period."""

    code: str
    label: str
    count: int
    requests: int = 0
    previous: int | None = None
    """None when the previous period has no such line (a month beyond its length)."""


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The consultations split one way: per month, quarter, kind, partner, JGZ organisation,
    region or direction."""

    key: str
    """Short Dutch name of the split (``maand``): the CSV's ``onderdeel``, the HTML ids."""
    title: str
    """Section heading (``Per maand``)."""
    column: str
    """Column heading for the items (``Maand``)."""
    rows: tuple[Count, ...]

    @property
    def total(self) -> int:
        """The sum of the rows (every consultation of the period once)."""
        return sum(row.count for row in self.rows)


@dataclass(frozen=True, slots=True)
class QuarterPickup:
    """Pick-up times of the requests of one quarter: the trend the covenant's check looks at."""

    code: str
    label: str
    times: PickupTimes


@dataclass(frozen=True, slots=True)
class Report:
    """Exact figures for ``period`` beside ``previous_period``. Render them through
    :mod:`dialogs.report.shown`, which applies the one suppression rule."""

    period: Period
    previous_period: Period
    filters: Filters
    current: Totals
    previous: Totals
    by_quarter: Breakdown
    by_month: Breakdown
    by_kind: Breakdown
    by_partner: Breakdown
    by_jgz: Breakdown
    by_region: Breakdown
    by_direction: Breakdown
    pickup_by_quarter: tuple[QuarterPickup, ...]
    purges: tuple[date, ...]
    """Days the register was purged, at or after the previous period's start."""
    scope: str = "Alle regio's en organisaties"
    """Which consultations the filters admit, in Dutch."""
    warning: str | None = None
    """One Dutch line when the register did not verify or rows were skipped."""

    @property
    def start(self) -> date:
        """The first day of the period."""
        return self.period.start

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.period.end

    @property
    def consultations(self) -> int:
        """Consultations in the period."""
        return self.current.consultations

    @property
    def requests(self) -> int:
        """Requests through Verbind in the period."""
        return self.current.requests

    @property
    def picked_up(self) -> int:
        """Requests of the period that were picked up."""
        return self.current.picked_up

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        """Every breakdown, in the order the report shows them."""
        return (
            self.by_direction,
            self.by_quarter,
            self.by_month,
            self.by_kind,
            self.by_partner,
            self.by_jgz,
            self.by_region,
        )

    @property
    def empty(self) -> bool:
        """True when no consultation falls in the period."""
        return self.current.consultations == 0

    def kind(self, code: str) -> int:
        """The exact count of consultations of kind ``code`` in the period."""
        return self.current.kind(code)


def build_report(
    records: Iterable[ConsultationRecord],
    *,
    start: date,
    end: date,
    knowledge: KnowledgeBase,
    filters: Filters | None = None,
    warning: str | None = None,
) -> Report:
    """The figures for ``start`` to ``end`` (inclusive Amsterdam days) and the period before,
    from all well-formed register records; ``warning``: what was wrong with the register
    (:attr:`dialogs.report.reading.Reading.warning`). ValueError (Dutch) when ``end`` is
    before ``start``."""
    period = Period(start, end)
    before = period.previous()
    chosen = filters or Filters()
    ordered = sorted(records, key=lambda r: r.time)
    every = [c for c in _consultations(ordered, knowledge) if chosen.admits(c)]
    waits = _waits(ordered)
    now = [c for c in every if c.moment.date() in period]
    then = [c for c in every if c.moment.date() in before]
    split = _Splitter(now, then, knowledge)
    return Report(
        period=period,
        previous_period=before,
        filters=chosen,
        current=_totals(now, waits),
        previous=_totals(then, waits),
        by_quarter=split.by_quarter(period, before),
        by_month=split.by_month(period, before),
        by_kind=split.by_kind(),
        by_partner=split.by_partner(),
        by_jgz=split.by_jgz(chosen),
        by_region=split.by_region(),
        by_direction=split.by_direction(),
        pickup_by_quarter=_pickup_by_quarter(now, waits, period),
        purges=_purges(ordered, before.start),
        scope=_scope(chosen, knowledge),
        warning=warning,
    )


def _scope(filters: Filters, knowledge: KnowledgeBase) -> str:
    parts = []
    if filters.region is not None:
        region = knowledge.regions.get(filters.region)
        parts.append(f"regio {region.name if region else filters.region}")
    if filters.organisation is not None:
        organisation = knowledge.organisations.get(filters.organisation)
        parts.append(f"partner {organisation.name if organisation else filters.organisation}")
    return "Alleen " + " en ".join(parts) if parts else "Alle regio's en organisaties"


def jgz_organisations(knowledge: KnowledgeBase, region: str | None = None) -> tuple[str, ...]:
    """The JGZ organisations the region packs name (of ``region``'s pack only, when given)."""
    packs = [p for p in knowledge.packs.values() if region is None or p.region == region]
    return tuple(dict.fromkeys(o for p in packs for o in p.jgz))


def quarter_label(code: str) -> str:
    """``2026-K2`` as ``2e kwartaal 2026``."""
    return f"{code[6:]}e kwartaal {code[:4]}"


# -- what each reference counts as -------------------------------------------------------------


def _consultations(
    ordered: Sequence[ConsultationRecord], knowledge: KnowledgeBase
) -> list[Consultation]:
    first: dict[str, ConsultationRecord] = {}
    recorded: dict[str, ConsultationRecord] = {}
    requested: set[str] = set()
    for record in ordered:
        if record.status not in _COUNTED or record.kind == "register":
            continue
        first.setdefault(record.reference, record)
        if record.status == "vastgelegd":
            recorded.setdefault(record.reference, record)
        else:
            requested.add(record.reference)
    return [
        _consultation(reference, start, recorded.get(reference, start), reference in requested)
        for reference, start in first.items()
    ]


def _consultation(
    reference: str, start: ConsultationRecord, source: ConsultationRecord, requested: bool
) -> Consultation:
    return Consultation(
        reference=reference,
        moment=local_time(start.time),
        kind=_kind(source),
        partner=source.partner,
        region=source.region or UNKNOWN_REGION,
        direction=source.direction,
        requested=requested,
    )


def _kind(record: ConsultationRecord) -> str:
    """The kind a record counts as: the vertrouwensarts is a kind of its own, and child
    protection is one national kind whatever a region called it when it was recorded."""
    if record.kind == "advies-veilig-thuis" and _is_vertrouwensarts(record.partner):
        return _VERTROUWENSARTS
    return _RENAMED.get(record.kind, record.kind)


def _is_vertrouwensarts(partner: str) -> bool:
    # The directory names the vertrouwensarts "vertrouwensarts" (a pack may add its own as
    # "vertrouwensarts-<region>").
    return partner == _VERTROUWENSARTS or partner.startswith(_VERTROUWENSARTS + "-")


def _waits(ordered: Sequence[ConsultationRecord]) -> dict[str, tuple[int, int]]:
    """Per picked-up reference: (working, clock) minutes from its first request to its first
    pick-up; a pick-up stamped before its request counts as instant."""
    asked: dict[str, datetime] = {}
    waits: dict[str, tuple[int, int]] = {}
    for record in ordered:
        if record.status == "aangevraagd":
            asked.setdefault(record.reference, local_time(record.time))
        elif record.status == "opgepakt" and record.reference in asked.keys() - waits.keys():
            start, end = asked[record.reference], local_time(record.time)
            waits[record.reference] = (working_minutes(start, end), clock_minutes(start, end))
    return waits


def _totals(consultations: Sequence[Consultation], waits: Mapping[str, tuple[int, int]]) -> Totals:
    requested = [c for c in consultations if c.requested]
    return Totals(
        consultations=len(consultations),
        requests=len(requested),
        pickup=PickupTimes.of([waits[c.reference] for c in requested if c.reference in waits]),
        kinds=Counter(c.kind for c in consultations),
    )


def _pickup_by_quarter(
    consultations: Sequence[Consultation], waits: Mapping[str, tuple[int, int]], period: Period
) -> tuple[QuarterPickup, ...]:
    by_quarter: dict[str, list[tuple[int, int]]] = {q: [] for q in period.quarters()}
    for c in consultations:
        if c.requested and c.reference in waits:
            by_quarter[_quarter(c.moment.year, c.moment.month)].append(waits[c.reference])
    return tuple(
        QuarterPickup(code, quarter_label(code), PickupTimes.of(w))
        for code, w in by_quarter.items()
    )


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
    days = (local_time(r.time).date() for r in ordered if r.status == "opgeschoond")
    return tuple(sorted({day for day in days if day >= start}))


def _quarter(year: int, month: int) -> str:
    return f"{year:04d}-K{(month - 1) // 3 + 1}"


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# -- the splits --------------------------------------------------------------------------------


class _Splitter:
    """Counts the period's consultations (which of them were requests, and the previous
    period's) one way or another."""

    def __init__(
        self,
        now: Sequence[Consultation],
        then: Sequence[Consultation],
        knowledge: KnowledgeBase,
    ) -> None:
        self._now = now
        self._then = then
        self._knowledge = knowledge

    def _count(
        self, key: Callable[[Consultation], str]
    ) -> tuple[Counter[str], Counter[str], Counter[str]]:
        consulted = Counter(key(c) for c in self._now)
        asked = Counter(key(c) for c in self._now if c.requested)
        before = Counter(key(c) for c in self._then)
        return consulted, asked, before

    def _fixed(
        self, key: Callable[[Consultation], str], codes: Sequence[tuple[str, str]]
    ) -> tuple[Count, ...]:
        consulted, asked, before = self._count(key)
        return tuple(
            Count(code, label, consulted[code], asked[code], before[code]) for code, label in codes
        )

    def _aligned(
        self,
        key: Callable[[Consultation], str],
        codes: Sequence[tuple[str, str]],
        previous: Sequence[str],
    ) -> tuple[Count, ...]:
        """Rows for ``codes``, each beside the previous period's row at the same position."""
        consulted, asked, before = self._count(key)
        rows = []
        for index, (code, label) in enumerate(codes):
            earlier = before[previous[index]] if index < len(previous) else None
            rows.append(Count(code, label, consulted[code], asked[code], earlier))
        return tuple(rows)

    def by_month(self, period: Period, before: Period) -> Breakdown:
        """Every month of the period, also those without consultations."""
        codes = [(_month(y, m), f"{MONTHS[m - 1]} {y}") for y, m in period.months()]
        previous = [_month(y, m) for y, m in before.months()]
        rows = self._aligned(lambda c: _month(c.moment.year, c.moment.month), codes, previous)
        return Breakdown("maand", "Per maand", "Maand", rows)

    def by_quarter(self, period: Period, before: Period) -> Breakdown:
        """Every quarter of the period (``2026-K1``)."""
        codes = [(q, quarter_label(q)) for q in period.quarters()]
        rows = self._aligned(
            lambda c: _quarter(c.moment.year, c.moment.month), codes, before.quarters()
        )
        return Breakdown("kwartaal", "Per kwartaal", "Kwartaal", rows)

    def by_kind(self) -> Breakdown:
        """Every kind, in register order."""
        codes = [(k, kind_label(k)) for k in KINDS if k != "register" and k not in _RENAMED]
        rows = self._fixed(lambda c: c.kind, codes)
        return Breakdown("soort", "Per soort", "Soort", rows)

    def by_direction(self) -> Breakdown:
        """JGZ → partner, partner → JGZ, within the JGZ."""
        rows = self._fixed(lambda c: c.direction, [(d, DIRECTION_LABELS[d]) for d in DIRECTIONS])
        return Breakdown("richting", "Per richting", "Richting", rows)

    def by_partner(self) -> Breakdown:
        """The partners that occur in either period, largest first."""
        rows = self._ranked(lambda c: c.partner, self._organisation)
        return Breakdown("partner", "Per partner", "Partner", rows)

    def by_jgz(self, filters: Filters) -> Breakdown:
        """The JGZ organisations that were partner (those of the chosen region always, also
        with 0), then the consultations that name none."""
        jgz = frozenset(jgz_organisations(self._knowledge))
        wanted = jgz_organisations(self._knowledge, filters.region) if filters.region else ()

        def key(consultation: Consultation) -> str:
            return consultation.partner if consultation.partner in jgz else NOT_RECORDED

        def label(code: str) -> str:
            return "Niet vastgelegd" if code == NOT_RECORDED else self._organisation(code)

        rows = self._ranked(key, label, always=wanted, last=NOT_RECORDED)
        return Breakdown("jgz", "Per JGZ-organisatie", "JGZ-organisatie", rows)

    def by_region(self) -> Breakdown:
        """The regions that occur, largest first, unknown last."""

        def label(code: str) -> str:
            if code == UNKNOWN_REGION:
                return "Onbekend"
            region = self._knowledge.regions.get(code)
            return region.name if region else code

        rows = self._ranked(lambda c: c.region, label, last=UNKNOWN_REGION)
        return Breakdown("regio", "Per Veilig Thuis-regio", "Regio", rows)

    def _organisation(self, code: str) -> str:
        organisation = self._knowledge.organisations.get(code)
        return organisation.name if organisation else _PARTNER_LABELS.get(code, code)

    def _ranked(
        self,
        key: Callable[[Consultation], str],
        label: Callable[[str], str],
        *,
        always: Sequence[str] = (),
        last: str = "",
    ) -> tuple[Count, ...]:
        """Largest shown counts first; masked ones after them by name, so order reveals nothing;
        ``last`` (the unknown) at the end."""
        consulted, asked, before = self._count(key)
        codes = dict.fromkeys([*consulted, *before, *always])
        rows = [Count(c, label(c), consulted[c], asked[c], before[c]) for c in codes]
        return tuple(sorted(rows, key=lambda row: _rank(row, last)))


def _rank(row: Count, last: str) -> tuple[bool, bool, int, str]:
    shown = row.count >= SMALL_COUNT
    return (row.code == last, not shown, -row.count if shown else 0, row.label.casefold())
