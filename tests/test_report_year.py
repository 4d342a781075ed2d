"""The report over a generated register of a year (and the year before): each counting rule,
the suppression, the New Year boundary in Amsterdam time, the working-hours clock and the
comparison with the previous period, checked against an oracle that shares no code with it."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from dialogs.register import ConsultationRecord
from dialogs.report import (
    MASK,
    SHIELDED,
    SMALL_COUNT,
    TOO_FEW,
    Filters,
    Period,
    Report,
    build_report,
    render_csv,
    render_html,
    render_text,
    render_xlsx,
    shown_report,
)
from dialogs.report.clock import working_minutes
from knowledge import KnowledgeBase
from tests.report_year import (
    AMSTERDAM,
    Truth,
    Year,
    brute_working_minutes,
    generate_year,
    in_period,
    stamp,
    year_jgz,
)

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture(scope="module")
def year(shipped: KnowledgeBase) -> Year:
    """The generated register, over the JGZ organisations the content names."""
    return generate_year(year_jgz(shipped))


@pytest.fixture(scope="module")
def report(year: Year, shipped: KnowledgeBase) -> Report:
    """The report for 2026 over the generated register."""
    return build_report(year.records, start=YEAR[0], end=YEAR[1], knowledge=shipped)


def counts(rows: object) -> dict[str, int]:
    """A breakdown's rows as code -> exact count."""
    return {row.code: row.count for row in rows.rows}  # type: ignore[attr-defined]


def previous(rows: object) -> dict[str, int | None]:
    """A breakdown's rows as code -> the previous period's count."""
    return {row.code: row.previous for row in rows.rows}  # type: ignore[attr-defined]


def quarter(moment: datetime) -> str:
    """The oracle's quarter code of an Amsterdam moment."""
    return f"{moment.year}-K{(moment.month - 1) // 3 + 1}"


# -- counting rules ------------------------------------------------------------------------------


def test_each_consultation_counts_once_in_its_amsterdam_month(year: Year, report: Report) -> None:
    """Every reference counts once — a request, its pick-up and its later recording together —
    in the Amsterdam month and quarter it started."""
    truths = in_period(year.truths, *YEAR)
    assert report.consultations == len(truths)
    months = Counter(f"{t.local.year}-{t.local.month:02d}" for t in truths)
    assert {k: v for k, v in counts(report.by_month).items() if v} == dict(months)
    assert {k: v for k, v in counts(report.by_quarter).items() if v} == dict(
        Counter(quarter(t.local) for t in truths)
    )
    assert report.requests == sum(t.requested for t in truths)
    assert any(t.requested and t.kind == "melding" for t in truths), "the register has such"


def test_a_request_recorded_later_counts_as_its_recording(year: Year, report: Report) -> None:
    """The kind of a request recorded later under its reference is the recorded kind."""
    truths = in_period(year.truths, *YEAR)
    assert {k: v for k, v in counts(report.by_kind).items() if v} == dict(
        Counter(t.kind for t in truths)
    )
    rows = {row.code: row for row in report.by_kind.rows}
    assert rows["melding"].requests == sum(t.requested and t.kind == "melding" for t in truths)


def test_the_vertrouwensarts_is_a_kind_of_its_own(year: Year, report: Report) -> None:
    """Consultations with the vertrouwensarts recorded as "advies Veilig Thuis" count as
    vertrouwensarts, and advice from Veilig Thuis itself does not."""
    truths = in_period(year.truths, *YEAR)
    expected = sum(t.kind == "vertrouwensarts" for t in truths)
    assert expected > SMALL_COUNT
    assert report.kind("vertrouwensarts") == expected
    assert report.kind("advies-veilig-thuis") == sum(
        t.kind == "advies-veilig-thuis" for t in truths
    )


def test_bevraging_and_terugkoppeling_count_under_the_jgz_organisation(
    year: Year, report: Report
) -> None:
    """Per JGZ organisation: what went to each; old records and the JGZ's own consultations
    are "niet vastgelegd"."""
    truths = in_period(year.truths, *YEAR)
    expected = Counter(t.jgz or "niet-vastgelegd" for t in truths)
    assert counts(report.by_jgz) == dict(expected)
    assert report.by_jgz.rows[-1].code == "niet-vastgelegd"
    assert report.by_jgz.rows[-1].label == "Niet vastgelegd"
    partners = counts(report.by_partner)
    for organisation in jgz_organisations_in(truths):
        assert partners[organisation] == expected[organisation]


def jgz_organisations_in(truths: list[Truth]) -> set[str]:
    """The JGZ organisations the truths name."""
    return {t.jgz for t in truths if t.jgz is not None}


def test_both_directions_and_the_regions(year: Year, report: Report) -> None:
    """Per direction and per region, as generated."""
    truths = in_period(year.truths, *YEAR)
    assert {k: v for k, v in counts(report.by_direction).items() if v} == dict(
        Counter(t.direction for t in truths)
    )
    assert counts(report.by_region) == dict(Counter(t.region for t in truths))
    assert report.by_region.rows[-1].code == "onbekend"


def test_filters_count_one_region_or_one_partner(year: Year, shipped: KnowledgeBase) -> None:
    """A region filter and an organisation filter count only what they admit, in both periods."""
    truths = in_period(year.truths, *YEAR)
    before = in_period(year.truths, date(2025, 1, 1), date(2025, 12, 31))
    region = build_report(
        year.records, start=YEAR[0], end=YEAR[1], knowledge=shipped, filters=Filters("VT05")
    )
    assert region.consultations == sum(t.region == "VT05" for t in truths)
    assert region.previous.consultations == sum(t.region == "VT05" for t in before)
    assert region.scope == "Alleen regio Gelderland-Midden"
    save = build_report(
        year.records, start=YEAR[0], end=YEAR[1], knowledge=shipped, filters=Filters(None, "save")
    )
    assert save.consultations == sum(t.partner == "save" for t in truths)
    assert {row.code for row in save.by_partner.rows} == {"save"}


def test_pickup_times_in_working_and_clock_minutes(year: Year, report: Report) -> None:
    """Median and 90th percentile of the waits, in working time and clock time, as the oracle
    counts them minute by minute."""
    truths = [t for t in in_period(year.truths, *YEAR) if t.requested and t.picked is not None]
    working = sorted(brute_working_minutes(t.local, t.picked) for t in truths if t.picked)
    clock = sorted(int((t.picked - t.local).total_seconds() // 60) for t in truths if t.picked)
    pickup = report.current.pickup
    assert pickup.picked_up == len(truths) >= SMALL_COUNT
    assert pickup.median_working == math.floor(statistics.median(working) + 0.5)
    assert pickup.p90_working == working[math.ceil(0.9 * len(working)) - 1]
    assert pickup.median_clock == math.floor(statistics.median(clock) + 0.5)
    assert pickup.median_working < pickup.median_clock  # nights and weekends do not count


# -- the previous period -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 1, 1), date(2026, 12, 7), (date(2025, 1, 1), date(2025, 12, 7))),
        (date(2026, 4, 1), date(2026, 6, 30), (date(2025, 4, 1), date(2025, 6, 30))),
        (date(2026, 3, 1), date(2026, 3, 31), (date(2025, 3, 1), date(2025, 3, 31))),
        (date(2026, 3, 10), date(2026, 3, 19), (date(2025, 3, 10), date(2025, 3, 19))),
        (date(2028, 2, 1), date(2028, 2, 29), (date(2027, 2, 1), date(2027, 2, 28))),
        (date(2028, 2, 29), date(2028, 3, 5), (date(2027, 2, 28), date(2027, 3, 5))),
    ],
    ids=["year", "year-to-date", "quarter", "month", "days", "leap-month", "leap-day"],
)
def test_the_previous_period_is_the_same_span_a_year_earlier(
    start: date, end: date, before: tuple[date, date]
) -> None:
    """The previous period is the same calendar days one year earlier; 29 Feb gives 28 Feb."""
    earlier = Period(start, end).previous()
    assert (earlier.start, earlier.end) == before


def test_every_figure_has_the_previous_period_beside_it(year: Year, report: Report) -> None:
    """The totals and each row carry the previous year's count, month beside month."""
    before = in_period(year.truths, date(2025, 1, 1), date(2025, 12, 31))
    assert report.previous.consultations == len(before)
    months = Counter(f"2026-{t.local.month:02d}" for t in before)
    assert previous(report.by_month) == {
        f"2026-{m:02d}": months[f"2026-{m:02d}"] for m in range(1, 13)
    }
    assert previous(report.by_kind)["melding"] == sum(t.kind == "melding" for t in before)
    assert previous(report.by_quarter)["2026-K1"] == sum(t.local.month <= 3 for t in before)
    shown = shown_report(report)
    line = next(x for x in shown.headline if x.code == "consultaties")
    assert line.before.value == len(before)
    assert "vorige periode" in render_text(report)


def test_a_year_to_date_is_compared_with_the_same_days_a_year_earlier(
    year: Year, shipped: KnowledgeBase
) -> None:
    """1 January–7 December 2026 stands beside 1 January–7 December 2025, month beside month."""
    report = build_report(
        year.records, start=date(2026, 1, 1), end=date(2026, 12, 7), knowledge=shipped
    )
    before = in_period(year.truths, date(2025, 1, 1), date(2025, 12, 7))
    assert (report.previous_period.start, report.previous_period.end) == (
        date(2025, 1, 1),
        date(2025, 12, 7),
    )
    assert report.previous.consultations == len(before)
    months = Counter(f"2026-{t.local.month:02d}" for t in before)
    assert previous(report.by_month)["2026-12"] == months["2026-12"]


# -- suppression ---------------------------------------------------------------------------------


def test_a_small_group_is_suppressed_everywhere(
    year: Year, report: Report, shipped: KnowledgeBase
) -> None:
    """Rivas (3 consultations) is "<5" in every format, never its number."""
    rows = {row.code: row for row in shown_report(report).breakdown("partner").rows}
    assert rows["rivas"].count.text() == MASK
    text = render_text(report)
    assert next(line for line in text.splitlines() if "Rivas" in line).split()[1] == MASK
    csv_row = next(line for line in render_csv(report).splitlines() if ";rivas;" in line)
    assert ";;" in csv_row
    assert csv_row.endswith("waarde <5")
    assert "Rivas: &lt;5" in render_html(report)


def test_a_single_small_row_takes_another_with_it(
    shipped: KnowledgeBase,
) -> None:
    """With one small row and a shown total, the smallest other row is shielded too, so the
    small one cannot be worked back; months within a quarter likewise."""
    records = [_plain(f"A{i}", f"2026-02-0{2 + i % 5}T10:00Z", "melding") for i in range(9)]
    records += [_plain(f"B{i}", "2026-03-03T10:00Z", "save") for i in range(6)]
    records += [_plain(f"C{i}", "2026-01-05T10:00Z", "opschalen") for i in range(2)]
    report = build_report(records, start=YEAR[0], end=YEAR[1], knowledge=shipped)
    kinds = {row.code: row.count.text() for row in shown_report(report).breakdown("soort").rows}
    # Stored as the old kind "save": counted, and shielded, as jeugdbescherming.
    assert (kinds["opschalen"], kinds["jeugdbescherming"], kinds["melding"]) == (
        MASK,
        SHIELDED,
        "9",
    )
    months = {row.code: row.count.text() for row in shown_report(report).breakdown("maand").rows}
    # January (2) is small, the quarter (17) is shown: March (6) is shielded, February stays.
    assert (months["2026-01"], months["2026-02"], months["2026-03"]) == (MASK, "9", SHIELDED)


def test_no_statistic_from_fewer_than_five(shipped: KnowledgeBase) -> None:
    """Four pick-ups: "<5", and no median, 90% time or share in any format or quarter."""
    records = []
    for i in range(4):
        asked = f"2026-03-0{2 + i}T09:00Z"
        records.append(_plain(f"R{i}", asked, "advies-veilig-thuis", status="aangevraagd"))
        records.append(_plain(f"R{i}", asked, "advies-veilig-thuis", status="opgepakt"))
    records += [_plain(f"M{i}", "2026-03-10T10:00Z", "melding") for i in range(8)]
    records += [_plain(f"T{i}", "2026-03-10T10:00Z", "terugkoppeling") for i in range(3)]
    report = build_report(records, start=YEAR[0], end=YEAR[1], knowledge=shipped)
    shown = shown_report(report)
    headline = {x.code: x.now.text() for x in shown.headline}
    assert headline["opgepakt"] == MASK
    assert {headline[c] for c in headline if "minuten" in c} == {TOO_FEW}
    share = next(x for x in shown.covenant if x.code == "aandeel-terugkoppeling")
    assert share.now.text() == TOO_FEW
    first = shown.pickup[0]
    assert (first.picked_up.text(), first.median_working.text()) == (MASK, TOO_FEW)
    for output in (render_text(report), render_html(report), render_csv(report)):
        assert " 0 min" not in output
        assert "38%" not in output  # 3 of 8


# -- time -----------------------------------------------------------------------------------------


def test_new_year_in_amsterdam(shipped: KnowledgeBase) -> None:
    """23:30 UTC on 31 December is 00:30 on New Year's Day in Amsterdam: 2026, January, K1."""
    late = [_plain(f"N{i}", "2025-12-31T23:30Z", "melding") for i in range(5)]
    early = [_plain(f"O{i}", "2025-12-31T22:59Z", "melding") for i in range(6)]
    report = build_report(late + early, start=YEAR[0], end=YEAR[1], knowledge=shipped)
    assert report.consultations == 5
    assert counts(report.by_month)["2026-01"] == 5
    assert counts(report.by_quarter)["2026-K1"] == 5
    assert report.previous.consultations == 6
    assert previous(report.by_month)["2026-12"] == 6  # December 2025 beside December 2026


def local(text: str) -> datetime:
    """``2026-05-13 16:00`` in Amsterdam."""
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("asked", "picked", "working"),
    [
        ("2026-03-03 10:00", "2026-03-03 10:45", 45),  # within a working day
        ("2026-03-03 07:00", "2026-03-03 08:40", 10),  # before opening
        ("2026-03-03 18:00", "2026-03-04 09:00", 30),  # an evening and a night
        ("2026-03-06 16:50", "2026-03-09 08:40", 20),  # Friday to Monday: the weekend
        ("2026-05-13 16:00", "2026-05-15 09:00", 90),  # Hemelvaartsdag (14 May 2026)
        ("2026-12-24 16:30", "2026-12-28 08:45", 45),  # Christmas, then the weekend
        ("2026-03-28 22:00", "2026-03-30 09:00", 30),  # the night summer time starts
        ("2026-04-27 09:00", "2026-04-27 16:00", 0),  # Koningsdag
    ],
)
def test_the_working_hours_clock(asked: str, picked: str, working: int) -> None:
    """Only Monday to Friday 08:30–17:00 outside Dutch public holidays counts, as the
    minute-by-minute oracle agrees."""
    start, end = local(asked), local(picked)
    assert working_minutes(start, end) == working == brute_working_minutes(start, end)


def test_a_pickup_over_the_weekend_is_short_in_working_time(shipped: KnowledgeBase) -> None:
    """Five requests made on a Friday evening and picked up on Monday at 09:00 waited 30 working
    minutes and 63 clock hours; the report shows both."""
    records = []
    for i, friday in enumerate(("01-09", "01-16", "01-23", "01-30", "02-06")):
        evening = local(f"2026-{friday} 18:00")
        asked, picked = stamp(evening), stamp(evening + timedelta(hours=63))
        records.append(_plain(f"W{i}", asked, "advies-veilig-thuis", status="aangevraagd"))
        records.append(_plain(f"W{i}", picked, "advies-veilig-thuis", status="opgepakt"))
    report = build_report(records, start=YEAR[0], end=YEAR[1], knowledge=shipped)
    pickup = report.current.pickup
    assert (pickup.median_working, pickup.median_clock) == (30, 63 * 60)
    text = render_text(report)
    assert "30 min" in text
    assert "63 uur" in text
    assert render_xlsx(report)


def _plain(
    reference: str, time: str, kind: str, *, status: str = "vastgelegd"
) -> ConsultationRecord:
    return ConsultationRecord(
        reference=reference,
        time=time,
        kind=kind,  # type: ignore[arg-type]
        partner="save" if kind in ("save", "opschalen") else "veilig-thuis-utrecht",
        region="VT20",
        direction="partner-jgz" if kind == "terugkoppeling" else "jgz-partner",
        channel="web",
        content_version="2026.1",
        status=status,  # type: ignore[arg-type]
    )
