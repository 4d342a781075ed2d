"""The covenant's figures: counting, small-number masking and the text, CSV and HTML formats."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.register import ConsultationRecord, Direction, Kind, Status
from dialogs.report import (
    CSV_HEADER,
    EMPTY,
    MASK,
    RENDERERS,
    TOO_FEW,
    Breakdown,
    Report,
    build_report,
    format_duration,
    render_csv,
    render_html,
    render_text,
    shown_report,
)
from knowledge import KnowledgeBase

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
Record = ConsultationRecord


def record(
    reference: str,
    time: str,
    *,
    kind: Kind = "advies-veilig-thuis",
    partner: str = "veilig-thuis-utrecht",
    region: str | None = "VT20",
    direction: Direction = "jgz-partner",
    status: Status = "vastgelegd",
) -> ConsultationRecord:
    """A register record with everyday defaults."""
    return ConsultationRecord(
        reference=reference,
        time=time,
        kind=kind,
        partner=partner,
        region=region,
        direction=direction,
        channel="teams",
        content_version="2026.1",
        status=status,
    )


def series(prefix: str, count: int, day: str = "2026-02-10", **fields: Any) -> list[Record]:
    """``count`` recorded consultations on ``day``, one minute apart."""
    return [record(f"{prefix}{i}", f"{day}T09:{i:02d}Z", **fields) for i in range(count)]


def request(reference: str, asked: str, picked: str | None) -> list[ConsultationRecord]:
    """A consultation request, and its pick-up when ``picked`` is given."""
    records = [record(reference, asked, status="aangevraagd")]
    if picked is not None:
        records.append(record(reference, picked, partner="vertrouwensarts", status="opgepakt"))
    return records


def purge(time: str) -> ConsultationRecord:
    """The register's own record of a purge."""
    return record(
        "VB-PURG-E000", time, kind="register", partner="intern", region=None, status="opgeschoond"
    )


@pytest.fixture
def build(shipped: KnowledgeBase) -> Callable[..., Report]:
    """Build a report over the shipped knowledge, for 2026 unless told otherwise."""

    def run(records: Sequence[ConsultationRecord], start: date = YEAR[0], end: date = YEAR[1]):
        return build_report(records, start=start, end=end, knowledge=shipped)

    return run


def counts(breakdown: Breakdown) -> dict[str, int]:
    """A breakdown as code -> exact count."""
    return {row.code: row.count for row in breakdown.rows}


def section(text: str, title: str) -> list[str]:
    """The body lines of one section of the text format."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    return lines[start : lines.index("", start)]


def table(text: str, dialect: str = "excel-nl") -> list[list[str]]:
    """A rendered CSV read back with the csv module (its byte-order mark dropped)."""
    delimiter = ";" if dialect == "excel-nl" else ","
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def dict_rows(text: str) -> list[dict[str, str]]:
    """A rendered CSV (Dutch Excel dialect) as one dict per row."""
    header, *rows = table(text)
    return [dict(zip(header, row, strict=True)) for row in rows]


def values(text: str) -> dict[tuple[str, str], str]:
    """A rendered CSV as (onderdeel, code) -> waarde."""
    return {(r["onderdeel"], r["code"]): r["waarde"] for r in dict_rows(text)}


def svgs(page: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML."""
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)]


class Page(HTMLParser):
    """Collects tags, attributes and the title of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the tag and whether the title starts."""
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title" and len([t for t, _ in self.tags if t == "title"]) == 1

    def handle_endtag(self, tag: str) -> None:
        """The title ends with its end tag."""
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        """Text inside the first title is the page title."""
        if self._in_title:
            self.title += data


# -- counting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "0"), (1, MASK), (3, MASK), (4, MASK), (5, "5"), (12, "12")]
)
def test_counts_from_one_to_four_are_suppressed(
    build: Callable[..., Report], count: int, shown: str
) -> None:
    """A total of 1 to 4 consultations is shown as "<5"; 0 and 5 or more as they are."""
    headline = shown_report(build(series("A", count))).headline
    assert next(line.now.text() for line in headline if line.code == "consultaties") == shown


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (59, "59 min"), (60, "1 uur"), (65, "1 uur 5 min"), (1505, "25 uur 5 min")],
)
def test_durations_read_as_hours_and_minutes(minutes: int, text: str) -> None:
    """A duration reads "z min" under an hour, "x uur y min" above it."""
    assert format_duration(minutes) == text


def test_every_month_of_the_period_is_listed_with_zero_months(
    build: Callable[..., Report],
) -> None:
    """Each month from start to end appears once, also across a year end and with no records."""
    records = series("J", 5, "2026-01-20") + series("M", 6, "2026-03-02")
    report = build(records, date(2025, 11, 15), date(2026, 4, 10))
    assert counts(report.by_month) == {
        "2025-11": 0, "2025-12": 0, "2026-01": 5, "2026-02": 0, "2026-03": 6, "2026-04": 0,
    }  # fmt: skip
    assert report.by_month.rows[0].label == "november 2025"


def test_period_is_inclusive_in_amsterdam_days(build: Callable[..., Report]) -> None:
    """The first and the last Amsterdam day count: 23:00 UTC on 31 December is already New
    Year in Amsterdam, 21:59 UTC on 31 March (summer time) still March, 22:00 UTC April."""
    records = [
        record("A", "2025-12-31T22:59Z"),
        record("B", "2025-12-31T23:00Z"),
        record("C", "2026-03-31T21:59Z"),
        record("D", "2026-03-31T22:00Z"),
    ]
    report = build(records, date(2026, 1, 1), date(2026, 3, 31))
    assert counts(report.by_month) == {"2026-01": 1, "2026-02": 0, "2026-03": 1}
    assert report.consultations == 2


def test_kind_partner_region_and_direction_are_counted(build: Callable[..., Report]) -> None:
    """Each split counts the consultations by the record's field, labelled from the knowledge."""
    records = (
        series("V", 6, kind="vertrouwensarts", partner="vertrouwensarts")
        + series("I", 5, kind="collegiale-consultatie", partner="intern", direction="intern")
        + series("S", 7, kind="save", partner="save", region=None, direction="partner-jgz")
        + series("O", 2, kind="overig", partner="overig", region="VT05")
    )
    report = build(records)
    assert counts(report.by_kind) == {
        "collegiale-consultatie": 5, "advies-veilig-thuis": 0, "vertrouwensarts": 6,
        "aandachtsfunctionaris": 0, "melding": 0, "procesevaluatie": 0, "overig": 2,
        "bevraging": 0, "terugkoppeling": 0, "opschalen": 0, "afschalen": 0,
        "jeugdbescherming": 7,
    }  # fmt: skip
    partners = {row.label: row.count for row in report.by_partner.rows}
    assert partners == {
        "SAVE Jeugdbescherming": 7,
        "Vertrouwensarts van Veilig Thuis": 6,
        "Intern (collega)": 5,
        "Overig": 2,
    }
    regions = [(row.label, row.count) for row in report.by_region.rows]
    assert regions == [("Utrecht", 11), ("Gelderland-Midden", 2), ("Onbekend", 7)]
    assert counts(report.by_direction) == {"jgz-partner": 8, "partner-jgz": 7, "intern": 5}


def test_records_of_the_old_kind_save_count_as_jeugdbescherming(
    build: Callable[..., Report],
) -> None:
    """A consultation stored as ``save`` (before jeugdbescherming became a national kind) counts
    as jeugdbescherming, beside those stored so today, in the kind split and in the totals; the
    old kind has no row of its own, so no region's name shows in any region's report."""
    records = series("S", 3, kind="save", partner="save") + series(
        "J", 4, kind="jeugdbescherming", partner="save", day="2026-03-02"
    )
    report = build(records)
    assert counts(report.by_kind)["jeugdbescherming"] == 7
    assert report.kind("jeugdbescherming") == 7
    assert report.kind("save") == 0
    assert "save" not in counts(report.by_kind)
    assert "SAVE" not in "\n".join(section(render_text(report), "Per soort"))


def test_every_kind_has_a_dutch_label(build: Callable[..., Report]) -> None:
    """Every consultation kind is listed with a label of its own; the register's kind is not."""
    rows = build([]).by_kind.rows
    assert all(row.label != row.code for row in rows)
    assert "register" not in {row.code for row in rows}


def test_a_reference_counts_once_as_recorded(build: Callable[..., Report]) -> None:
    """A request, its pick-up and a later recording of the same reference are one consultation,
    of the kind the recording gives."""
    records = [
        *request("R", "2026-05-04T10:00Z", "2026-05-04T10:20Z"),
        record("R", "2026-05-04T11:00Z", kind="melding"),
    ]
    report = build(records)
    assert (report.consultations, report.requests, report.picked_up) == (1, 1, 1)
    assert counts(report.by_kind)["melding"] == 1
    assert counts(report.by_kind)["advies-veilig-thuis"] == 0
    assert counts(report.by_partner) == {"veilig-thuis-utrecht": 1}


def test_a_purge_is_not_a_consultation_but_is_noted(build: Callable[..., Report]) -> None:
    """A purge record adds to no figure; the text warns that older data may be missing."""
    report = build([*series("A", 5), purge("2026-06-01T03:00Z")])
    assert report.consultations == 5
    assert sum(row.count for row in report.by_partner.rows) == 5
    assert "intern" not in counts(report.by_partner)
    assert report.purges == (date(2026, 6, 1),)
    assert "opgeschoond op 1 juni 2026" in render_text(report)


def test_a_purge_before_the_period_is_not_noted(build: Callable[..., Report]) -> None:
    """A purge before the previous period cannot have removed data from either period, so it
    is not mentioned; one in the previous period is (the comparison may be off)."""
    report = build([*series("A", 5), purge("2024-12-31T03:00Z")])
    assert report.purges == ()
    assert "opgeschoond op" not in render_text(report)
    assert build([*series("A", 5), purge("2025-06-01T03:00Z")]).purges == (date(2025, 6, 1),)


# -- pick-up time --------------------------------------------------------------------------------


def test_median_pickup_time_of_an_odd_number(build: Callable[..., Report]) -> None:
    """With five pick-ups the middle wait is the median; an open request is not picked up."""
    records = [
        *request("A", "2026-02-02T09:00Z", "2026-02-02T09:10Z"),
        *request("B", "2026-02-03T09:00Z", "2026-02-03T09:30Z"),
        *request("C", "2026-02-04T09:00Z", "2026-02-04T11:05Z"),
        *request("D", "2026-02-05T09:00Z", "2026-02-05T09:20Z"),
        *request("E", "2026-02-06T09:00Z", "2026-02-06T09:40Z"),
        *request("F", "2026-02-09T09:00Z", None),
    ]
    report = build(records)
    assert (report.requests, report.picked_up) == (6, 5)
    assert (report.current.pickup.median_clock, report.current.pickup.median_working) == (30, 30)
    lines = section(render_text(report), "Totaal")
    assert lines[4].startswith("  Mediane tijd tot oppakken (werktijd)")
    assert " 30 min " in lines[4]


@pytest.mark.parametrize(
    ("waits", "median"),
    [(("09:10", "09:30", "10:30", "12:20", "13:00", "13:10"), 145), (("10:05", "11:08"), 97)],
)
def test_median_pickup_time_of_an_even_number(
    build: Callable[..., Report], waits: tuple[str, ...], median: int
) -> None:
    """With an even number of pick-ups the median is the mean of the middle two, halves up."""
    records = [
        r
        for i, picked in enumerate(waits)
        for r in request(f"R{i}", f"2026-02-0{i + 2}T09:00Z", f"2026-02-0{i + 2}T{picked}Z")
    ]
    report = build(records)
    assert report.current.pickup.median_clock == median


def test_pickup_after_the_period_still_counts(build: Callable[..., Report]) -> None:
    """A request late on the last day picked up the next morning is picked up, after 10 hours."""
    report = build(request("A", "2026-12-31T22:00Z", "2027-01-01T08:00Z"))
    assert (report.requests, report.picked_up, report.current.pickup.median_clock) == (1, 1, 600)


def test_a_median_of_fewer_than_five_pickups_is_not_shown(build: Callable[..., Report]) -> None:
    """ "opgepakt <5" never stands beside a median or a 90% time: those say "te weinig"."""
    moment = "2026-03-03T09:00Z"
    records = [r for i in range(3) for r in request(f"R{i}", moment, moment)]
    report = build(records)
    assert report.current.pickup.median_clock == 0  # exact, and never shown
    headline = {line.code: line.now.text() for line in shown_report(report).headline}
    assert headline["opgepakt"] == MASK
    for code in ("mediaan-werkminuten", "p90-werkminuten", "mediaan-klokminuten"):
        assert headline[code] == TOO_FEW
    for output in (render_text(report), render_csv(report), render_html(report)):
        assert "0 min" not in output
    rows = dict_rows(render_csv(report))
    median = next(r for r in rows if r["code"] == "mediaan-klokminuten")
    assert (median["waarde"], median["toelichting"]) == ("", f"waarde {TOO_FEW}; vorige geen")


def test_without_pickups_the_time_is_geen(build: Callable[..., Report]) -> None:
    """Requests that nobody picked up give no median: the formats say "geen"."""
    report = build([r for i in range(6) for r in request(f"R{i}", "2026-03-03T09:00Z", None)])
    assert (report.requests, report.picked_up, report.current.pickup.median_clock) == (6, 0, None)
    assert section(render_text(report), "Totaal")[4].endswith("geen")
    rows = dict_rows(render_csv(report))
    median = next(r for r in rows if r["code"] == "mediaan-werkminuten")
    assert (median["waarde"], median["toelichting"]) == ("", "waarde geen; vorige geen")


def test_end_before_start_is_refused(build: Callable[..., Report]) -> None:
    """A period that ends before it starts is an error with a Dutch message."""
    with pytest.raises(ValueError, match="einddatum"):
        build([], date(2026, 2, 1), date(2026, 1, 31))


# -- small numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("render", [render_text, render_csv, render_html])
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"jeugdbescherming": 3, "melding": 2}, {"jeugdbescherming": 1, "melding": 4}),
        ({"jeugdbescherming": 3}, {"jeugdbescherming": 2}),  # a small total
    ],
)
def test_small_counts_never_show_through(
    build: Callable[..., Report],
    render: Callable[[Report], str],
    first: dict[Kind, int],
    second: dict[Kind, int],
) -> None:
    """Reports differing only in counts from 1 to 4 render to exactly the same output."""

    def report(split: dict[Kind, int]) -> Report:
        kinds = [kind for kind, n in split.items() for _ in range(n)]
        return build([record(f"R{i}", f"2026-02-10T09:0{i}Z", kind=k) for i, k in enumerate(kinds)])

    one, other = report(first), report(second)
    assert one.by_kind != other.by_kind
    assert render(one) == render(other)
    assert MASK in render(one).replace("&lt;", "<")


def test_a_small_count_is_masked_in_every_format(build: Callable[..., Report]) -> None:
    """Three jeugdbescherming consultations read "<5" in the text, the CSV, the table and the
    chart."""
    report = build(
        series("A", 10) + series("S", 3, kind="jeugdbescherming") + series("M", 1, kind="melding")
    )
    rows_text = section(render_text(report), "Per soort")
    assert next(r for r in rows_text if r.split()[0] == "Jeugdbescherming").split() == [
        "Jeugdbescherming",
        MASK,
        "0",
    ]
    rows = dict_rows(render_csv(report))
    save_row = next(r for r in rows if r["code"] == "jeugdbescherming")
    assert (save_row["waarde"], save_row["toelichting"]) == ("", "waarde <5")
    page = render_html(report)
    assert '<th scope="row">Jeugdbescherming</th><td class="getal">&lt;5</td>' in page
    kinds_chart = svgs(page)[3]
    bars = {g.findtext("title"): g.find("rect") for g in kinds_chart.iter("g")}
    save = bars["Jeugdbescherming: <5, vorige periode 0"]
    melding = bars["Melding Veilig Thuis: <5, vorige periode 0"]
    assert save is not None
    assert melding is not None
    assert save.attrib["width"] == melding.attrib["width"]
    assert save.attrib["stroke-dasharray"]


def test_masked_partners_are_listed_by_name(build: Callable[..., Report]) -> None:
    """Partners with 5 or more come first by count; masked ones follow by name, not by size."""
    records = (
        series("A", 5, partner="jgz-utrecht")
        + series("B", 8)
        + series("C", 4, partner="save")
        + series("D", 1, partner="rivas")
    )
    codes = [row.code for row in build(records).by_partner.rows]
    assert codes == ["veilig-thuis-utrecht", "jgz-utrecht", "rivas", "save"]


# -- formats -------------------------------------------------------------------------------------


def test_text_has_aligned_columns(build: Callable[..., Report]) -> None:
    """Within a section of the text format every line has the same width, counts right-aligned."""
    text = render_text(build(series("A", 12) + series("S", 2, kind="jeugdbescherming")))
    for title in ("Per maand", "Per soort", "Per richting", "Convenant"):
        assert len({len(line) for line in section(text, title)}) == 1
    assert section(text, "Per maand")[2].split()[-2:] == ["14", "0"]


def test_text_states_how_it_counts(build: Callable[..., Report]) -> None:
    """The text says what a consultation is and that small counts are masked."""
    text = " ".join(render_text(build(series("A", 5))).split())
    assert "Een consultatie is een vastgelegde consultatie of een verzoek" in text
    assert "Aantallen van 1 tot en met 4 staan er als <5." in text
    assert "werktijd (maandag tot en met vrijdag, 8.30 tot 17.00 uur" in text


def test_csv_parses_back_as_one_tidy_table(build: Callable[..., Report]) -> None:
    """The CSV reads back with the csv module: a header and one figure per row."""
    report = build(series("A", 6) + series("S", 5, kind="jeugdbescherming", day="2026-07-01"))
    rows = table(render_csv(report))
    assert tuple(rows[0]) == CSV_HEADER
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    by_part = values(render_csv(report))
    assert by_part[("totaal", "consultaties")] == "11"
    assert [code for part, code in by_part if part == "maand"][6] == "2026-07"
    assert by_part[("maand", "2026-07")] == "5"
    assert by_part[("soort", "jeugdbescherming")] == "5"
    assert {(r[0], r[2]) for r in rows[1:]} == {("2026-01-01", "2025-01-01")}


def test_html_is_one_standalone_accessible_page(build: Callable[..., Report]) -> None:
    """The page is Dutch, titled, script-free, without any link out, and every chart is labelled."""
    page = render_html(build(series("A", 9) + series("B", 2, kind="melding")))
    parser = Page()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert ("html", {"lang": "nl"}) in parser.tags
    assert "Consultaties" in parser.title
    assert "script" not in tags
    assert "http" not in page.lower()
    assert not any(key in {"src", "href"} for _, attrs in parser.tags for key in attrs)
    assert tags.count("svg") == tags.count("table") - 1 == 7  # and the pick-up table


def test_every_chart_is_well_formed_svg_with_a_text_alternative(
    build: Callable[..., Report],
) -> None:
    """Each chart parses as XML, is an image labelled by its own title and description."""
    charts = svgs(render_html(build(series("A", 9, region="VT05"))))
    assert len(charts) == 7
    for chart in charts:
        assert chart.attrib["role"] == "img"
        ids = {element.attrib.get("id") for element in chart}
        assert set(chart.attrib["aria-labelledby"].split()) <= ids
        assert chart.findtext("title")
        assert chart.findtext("desc")
    assert "Gelderland-Midden: 9 (vorige periode: 0)" in (charts[6].findtext("desc") or "")


def test_chart_bars_are_scaled_to_the_largest_count(build: Callable[..., Report]) -> None:
    """A bar of 5 is half as long as a bar of 10; a zero has no bar."""
    report = build(series("A", 10) + series("M", 5, kind="melding"))
    bars = {g.findtext("title"): g.find("rect") for g in svgs(render_html(report))[3].iter("g")}
    widths = {
        title: float(rect.attrib["width"]) for title, rect in bars.items() if rect is not None
    }
    melding = widths["Melding Veilig Thuis: 5, vorige periode 0"]
    assert melding * 2 == widths["Advies Veilig Thuis: 10, vorige periode 0"]
    assert bars["Ander overleg: 0, vorige periode 0"] is None


@pytest.mark.parametrize("render", [render_text, render_html])
def test_an_empty_period_says_so(build: Callable[..., Report], render: Callable[..., str]) -> None:
    """Without consultations the text and the page say so plainly, without charts."""
    output = render(build([purge("2026-02-01T00:00Z")]))
    assert EMPTY in output
    assert "<svg" not in output


def test_an_empty_period_gives_zeros_in_csv(build: Callable[..., Report]) -> None:
    """Without consultations the CSV still has every row, with zeros."""
    rows = dict_rows(render_csv(build([])))
    counted = [r for r in rows if r["eenheid"] == "aantal" and r["onderdeel"] != "oppaktijd"]
    assert {r["waarde"] for r in counted} == {"0"}
    assert len([r for r in rows if r["onderdeel"] == "maand"]) == 12


def test_each_format_has_a_renderer() -> None:
    """The CLI's three --format values each map to their renderer."""
    assert {"text": render_text, "csv": render_csv, "html": render_html} == RENDERERS


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``verbind`` as a user runs it, on a data dir of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERBIND_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "VERBIND_DATA_DIR": str(data_dir)},
    )


def test_report_command_reads_the_register(tmp_path: Path) -> None:
    """`verbind report` counts what the deployment's register holds, in each format."""
    register = open_register(Settings(data_dir=tmp_path))
    for item in series("A", 6) + series("S", 5, kind="save", day="2026-07-01"):
        register.append_now(item)
    register.append_now(record("OLD", "2025-12-31T22:59Z"))  # 23:59 in Amsterdam
    register.close()

    out = tmp_path / "cijfers.csv"
    result = run_cli(
        tmp_path,
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel reads the CSV as UTF-8"
    rows = table(out.read_text(encoding="utf-8"))
    assert tuple(rows[0]) == CSV_HEADER
    by_part = values(out.read_text(encoding="utf-8"))
    assert by_part[("totaal", "consultaties")] == "11"
    assert by_part[("soort", "jeugdbescherming")] == "5"  # stored as save: counted as today

    text = run_cli(tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31")
    assert text.returncode == 0
    assert "11" in text.stdout
    html = run_cli(
        tmp_path, "report", "--from", "2026-07-01", "--to", "2026-07-31", "--format", "html"
    )
    assert html.stdout.lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "1-1-2026", "--to", "2026-12-31"), "gebruik datums als JJJJ-MM-DD"),
        (("--from", "2026-12-31", "--to", "2026-01-01"), "--to ligt vóór --from"),
    ],
    ids=["not-iso", "reversed"],
)
def test_report_command_refuses_bad_periods(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """A period that cannot be read is refused with exit code 2 and a Dutch reason."""
    result = run_cli(tmp_path, "report", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


# -- the covenant's figures ----------------------------------------------------------------------


def seeded() -> list[ConsultationRecord]:
    """A year of both directions: meldingen and terugkoppeling, op- and afschalen, procesevaluaties
    and requests picked up after 10, 20, …, 100 minutes."""
    vt = {"partner": "veilig-thuis-utrecht", "direction": "partner-jgz"}
    records = (
        series("M", 10, day="2026-02-10", kind="melding")
        + series("T", 6, day="2026-05-12", kind="terugkoppeling", **vt)
        + series("B", 5, day="2026-05-13", kind="bevraging", **vt)
        + series("U", 5, day="2026-08-01", kind="opschalen")
        + series("D", 2, day="2026-08-02", kind="afschalen")
        + series("P", 5, day="2026-11-03", kind="procesevaluatie", partner="save")
    )
    for i in range(10):
        asked = f"2026-03-0{1 + i % 9}T08:00Z"
        picked = f"2026-03-0{1 + i % 9}T{8 + (i + 1) * 10 // 60:02d}:{(i + 1) * 10 % 60:02d}Z"
        records += request(f"R{i}", asked, picked)
    return records


def test_covenant_figures_over_a_seeded_register(build: Callable[..., Report]) -> None:
    """Both directions, the terugkoppeling share, op- and afschalen, procesevaluaties and the
    median and p90 pick-up time are counted; small ones masked."""
    report = build(seeded())
    assert (report.consultations, report.requests, report.picked_up) == (43, 10, 10)
    pickup = report.current.pickup
    assert (pickup.median_clock, pickup.p90_clock) == (55, 90)
    assert counts(report.by_direction) == {"jgz-partner": 32, "partner-jgz": 11, "intern": 0}
    assert counts(report.by_quarter) == {"2026-K1": 20, "2026-K2": 11, "2026-K3": 7, "2026-K4": 5}
    asked = {row.code: row.requests for row in report.by_quarter.rows}
    assert asked == {"2026-K1": 10, "2026-K2": 0, "2026-K3": 0, "2026-K4": 0}
    figures = values(render_csv(report))
    assert figures[("convenant", "aandeel-terugkoppeling")] == "60,0"
    assert (figures[("convenant", "opschalen")], figures[("convenant", "afschalen")]) == ("5", "")
    # The one small kind would follow from the total: the smallest other kind is shielded.
    assert figures[("convenant", "procesevaluaties")] == ""
    assert "afgeschermd" in section(render_text(report), "Convenant")[7]
    assert figures[("totaal", "p90-klokminuten")] == "90"
    text = render_text(report)
    assert "Aandeel meldingen met terugkoppeling" in text
    assert "Van partner naar JGZ" in text


def test_a_share_of_small_counts_is_not_computed(build: Callable[..., Report]) -> None:
    """With fewer than 5 meldingen or terugkoppelingen no share is shown, and no p90 either."""
    report = build(series("M", 9, kind="melding") + series("T", 2, kind="terugkoppeling"))
    rows = {r["code"]: r for r in dict_rows(render_csv(report))}
    share = rows["aandeel-terugkoppeling"]
    assert (share["waarde"], share["toelichting"]) == ("", "waarde te weinig; vorige geen")
    assert rows["p90-werkminuten"]["waarde"] == ""


def test_small_counts_alone_are_never_drawn_as_a_full_bar(build: Callable[..., Report]) -> None:
    """When every count in a chart is below 5, the marker keeps its small fixed width."""
    report = build(series("S", 3, kind="save"))
    for chart in svgs(render_html(report)):
        for rect in chart.iter("rect"):
            assert float(rect.attrib["width"]) <= 22
            assert rect.attrib["stroke-dasharray"]


@pytest.mark.parametrize(
    ("dialect", "delimiter", "bom"), [("excel-nl", ";", True), ("rfc4180", ",", False)]
)
def test_both_csv_dialects(
    build: Callable[..., Report], dialect: str, delimiter: str, bom: bool
) -> None:
    """Dutch Excel gets semicolons and a byte-order mark; rfc4180 commas and none; same table."""
    report = build(seeded())
    text = render_csv(report, dialect)
    assert text.startswith("\ufeff") == bom
    assert text.removeprefix("\ufeff").splitlines()[0] == delimiter.join(CSV_HEADER)

    # The same table; only the decimal mark differs (a comma for Dutch Excel).
    def points(rows: list[list[str]]) -> list[list[str]]:
        return [[cell.replace(",", ".") for cell in row] for row in rows]

    assert points(table(text, dialect)) == points(table(render_csv(report)))
    assert "60,0" in render_csv(report)
    assert f"{delimiter}60{',' if dialect == 'excel-nl' else '.'}0{delimiter}" in text


@pytest.mark.parametrize(
    "command", [("report", "--from", "2026-01-01", "--to", "2026-12-31"), ("register", "verify")]
)
def test_a_missing_register_is_an_error_not_a_new_one(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Run where no register is, the command says so in one Dutch line, exits non-zero and
    creates nothing (no empty register, no key)."""
    data = tmp_path / "elders"
    result = run_cli(data, *command)
    assert result.returncode == 5
    assert result.stderr.count("\n") == 1
    assert "er is geen register" in result.stderr
    assert not data.exists()


def test_report_command_writes_either_csv_dialect(tmp_path: Path) -> None:
    """`--csv-dialect rfc4180` writes commas without a byte-order mark; the default is Dutch
    Excel's semicolons with one."""
    register = open_register(Settings(data_dir=tmp_path))
    for item in series("A", 6):
        register.append_now(item)
    register.close()
    period = ("report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv")
    dutch = run_cli(tmp_path, *period)
    other = run_cli(tmp_path, *period, "--csv-dialect", "rfc4180")
    assert dutch.stdout.startswith("\ufeffvan;tot;vorige_van")
    assert other.stdout.startswith("van,tot,vorige_van")
    assert table(dutch.stdout) == table(other.stdout, "rfc4180")
    wrong = run_cli(tmp_path, *period, "--csv-dialect", "tab")
    assert wrong.returncode == 2
    assert "ongeldige keuze 'tab'" in wrong.stderr
