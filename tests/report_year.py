"""A generated register of two years for the report tests: several regions, kinds and partners,
both directions, requests with pick-ups (some recorded later under the same reference), old-style
records (the vertrouwensarts as "advies", a bevraging with Veilig Thuis as partner) and small
groups — each consultation generated with what the report must count it as (its truth), so the
tests compare the report with an oracle that does not share its code."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from dialogs.register import ConsultationRecord, Direction, Kind, Status
from dialogs.report import jgz_organisations
from knowledge import KnowledgeBase

__all__ = [
    "AMSTERDAM",
    "Truth",
    "Year",
    "brute_working_minutes",
    "generate_year",
    "in_period",
    "stamp",
    "year_jgz",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def stamp(moment: datetime) -> str:
    """An aware datetime as a register time (UTC, to the minute)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def brute_working_minutes(start: datetime, end: datetime) -> int:
    """Working minutes counted one minute at a time (the oracle of the working-hours clock)."""
    dutch = holidays.country_holidays("NL")
    count, moment = 0, start
    while moment < end:
        local = moment.astimezone(AMSTERDAM)
        workday = local.weekday() < 5 and local.date() not in dutch
        if workday and time(8, 30) <= local.time() < time(17, 0):
            count += 1
        moment += timedelta(minutes=1)
    return count


@dataclass(frozen=True)
class Truth:
    """What one generated consultation must count as."""

    reference: str
    local: datetime
    kind: str
    partner: str
    region: str
    direction: str
    jgz: str | None
    """The JGZ organisation it went to, None when the register cannot know it."""
    requested: bool
    picked: datetime | None


@dataclass(frozen=True)
class Year:
    """The records and the truth behind them."""

    records: list[ConsultationRecord]
    truths: list[Truth]


def year_jgz(knowledge: KnowledgeBase) -> tuple[str, ...]:
    """The JGZ organisations the generated messages go to: the Utrecht region's (where the
    generated year is), without Rivas, which has its own small group."""
    return tuple(o for o in jgz_organisations(knowledge, "VT20") if o != "rivas")


def generate_year(jgz: tuple[str, ...], *, seed: int = 26) -> Year:
    """Consultations in 2025 and 2026 (Amsterdam time) over ``jgz`` (the JGZ organisations the
    content names) and other partners; deterministic for ``seed``."""
    rng = random.Random(seed)
    records: list[ConsultationRecord] = []
    truths: list[Truth] = []
    shapes = [_plain] * 5 + [_request] * 4 + [_vertrouwensarts, _to_jgz, _to_jgz, _old_bevraging]
    for index in range(900):
        moment = _moment(rng)
        shape = rng.choice(shapes)
        made, truth = shape(rng, f"VB-{index:04d}-GEN", moment, jgz)
        records += made
        truths.append(truth)
    # A small group: three consultations with Rivas in 2026.
    for index in range(3):
        moment = datetime(2026, 9, 1 + index, 11, 0, tzinfo=AMSTERDAM)
        made, truth = _recorded(f"VB-RIVA-{index:04d}", moment, "overig", "rivas", "VT20")
        truth = replace(truth, jgz="rivas")  # Rivas is a JGZ organisation of the Utrecht pack
        records += made
        truths.append(truth)
    rng.shuffle(records)  # the report must not depend on the order rows come in
    return Year(records, truths)


def _moment(rng: random.Random) -> datetime:
    start = datetime(2025, 1, 1, tzinfo=AMSTERDAM)
    minutes = rng.randrange(2 * 365 * 24 * 60)
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(AMSTERDAM)


def _record(
    reference: str,
    moment: datetime,
    kind: str,
    partner: str,
    region: str | None,
    direction: str,
    status: str,
) -> ConsultationRecord:
    return ConsultationRecord(
        reference=reference,
        time=stamp(moment),
        kind=_as_kind(kind),
        partner=partner,
        region=region,
        direction=_as_direction(direction),
        channel="teams",
        content_version="2026.1",
        status=_as_status(status),
    )


def _as_kind(value: str) -> Kind:
    return value  # type: ignore[return-value]


def _as_direction(value: str) -> Direction:
    return value  # type: ignore[return-value]


def _as_status(value: str) -> Status:
    return value  # type: ignore[return-value]


_JGZ_KINDS = ("collegiale-consultatie", "advies-veilig-thuis", "save", "melding", "opschalen")
_PARTNERS = {
    "collegiale-consultatie": ("intern", "intern"),
    "advies-veilig-thuis": ("veilig-thuis-utrecht", "jgz-partner"),
    "save": ("save", "jgz-partner"),
    "melding": ("veilig-thuis-utrecht", "jgz-partner"),
    "opschalen": ("save", "jgz-partner"),
}
_REGIONS = ("VT20", "VT20", "VT20", "VT05", "VT01", None)


def _recorded(
    reference: str, moment: datetime, kind: str, partner: str, region: str | None
) -> tuple[list[ConsultationRecord], Truth]:
    direction = "intern" if partner == "intern" else "jgz-partner"
    record = _record(reference, moment, kind, partner, region, direction, "vastgelegd")
    # A consultation stored under the old kind "save" counts as the national jeugdbescherming.
    counted = "jeugdbescherming" if kind == "save" else kind
    truth = Truth(
        reference, moment, counted, partner, region or "onbekend", direction, None, False, None
    )
    return [record], truth


def _plain(
    rng: random.Random, reference: str, moment: datetime, jgz: tuple[str, ...]
) -> tuple[list[ConsultationRecord], Truth]:
    kind = rng.choice(_JGZ_KINDS)
    return _recorded(reference, moment, kind, _PARTNERS[kind][0], rng.choice(_REGIONS))


def _request(
    rng: random.Random, reference: str, moment: datetime, jgz: tuple[str, ...]
) -> tuple[list[ConsultationRecord], Truth]:
    """A request to Veilig Thuis; mostly picked up within days; sometimes recorded afterwards
    under the same reference as a melding (the kind the report must count)."""
    region = rng.choice(_REGIONS)
    asked = _record(
        reference,
        moment,
        "advies-veilig-thuis",
        "veilig-thuis-utrecht",
        region,
        "jgz-partner",
        "aangevraagd",
    )
    records = [asked]
    picked = None
    if rng.random() < 0.85:
        picked = moment + timedelta(minutes=rng.randrange(5, 4 * 24 * 60))
        records.append(
            _record(
                reference,
                picked,
                "advies-veilig-thuis",
                "veilig-thuis-utrecht",
                region,
                "jgz-partner",
                "opgepakt",
            )
        )
    kind = "advies-veilig-thuis"
    if picked is not None and rng.random() < 0.5:
        kind = "melding"
        later = picked + timedelta(minutes=rng.randrange(1, 600))
        records.append(
            _record(
                reference,
                later,
                kind,
                "veilig-thuis-utrecht",
                region,
                "jgz-partner",
                "vastgelegd",
            )
        )
    truth = Truth(
        reference,
        moment,
        kind,
        "veilig-thuis-utrecht",
        region or "onbekend",
        "jgz-partner",
        None,
        True,
        picked,
    )
    return records, truth


def _vertrouwensarts(
    rng: random.Random, reference: str, moment: datetime, jgz: tuple[str, ...]
) -> tuple[list[ConsultationRecord], Truth]:
    """Recorded the old way: "advies Veilig Thuis" with the vertrouwensarts as partner."""
    record = _record(
        reference,
        moment,
        "advies-veilig-thuis",
        "vertrouwensarts",
        "VT20",
        "jgz-partner",
        "vastgelegd",
    )
    truth = Truth(
        reference,
        moment,
        "vertrouwensarts",
        "vertrouwensarts",
        "VT20",
        "jgz-partner",
        None,
        False,
        None,
    )
    return [record], truth


def _to_jgz(
    rng: random.Random, reference: str, moment: datetime, jgz: tuple[str, ...]
) -> tuple[list[ConsultationRecord], Truth]:
    """A bevraging or terugkoppeling to a JGZ organisation, which the record names as partner."""
    kind = rng.choice(("bevraging", "terugkoppeling", "afschalen"))
    organisation = rng.choice(jgz)
    record = _record(reference, moment, kind, organisation, "VT20", "partner-jgz", "vastgelegd")
    truth = Truth(
        reference, moment, kind, organisation, "VT20", "partner-jgz", organisation, False, None
    )
    return [record], truth


def _old_bevraging(
    rng: random.Random, reference: str, moment: datetime, jgz: tuple[str, ...]
) -> tuple[list[ConsultationRecord], Truth]:
    """A bevraging recorded before the flows named the JGZ: Veilig Thuis as partner."""
    record = _record(
        reference,
        moment,
        "bevraging",
        "veilig-thuis-utrecht",
        "VT20",
        "partner-jgz",
        "vastgelegd",
    )
    truth = Truth(
        reference,
        moment,
        "bevraging",
        "veilig-thuis-utrecht",
        "VT20",
        "partner-jgz",
        None,
        False,
        None,
    )
    return [record], truth


def in_period(truths: list[Truth], start: date, end: date) -> list[Truth]:
    """The truths whose consultation started in the Amsterdam days ``start`` to ``end``."""
    return [t for t in truths if start <= t.local.date() <= end]
