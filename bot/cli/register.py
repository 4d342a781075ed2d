"""``verbind register verify|purge`` and ``verbind report``: the register on the command line."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.exits import EXIT_MISSING, EXIT_OK, EXIT_PROBLEM, EXIT_UNAVAILABLE, EXIT_USAGE
from bot.settings import Settings
from bot.storage.backends import (
    REGISTER_FILE,
    UNREACHABLE,
    RegisterAdmin,
    open_register,
    retention_cutoff,
)
from bot.storage.chain import HeadMark, Verification
from dialogs.register import ConsultationRecord, RegisterUnavailableError, minute, new_reference
from knowledge.library import KnowledgeBase

if TYPE_CHECKING:
    from dialogs.report import Filters

__all__ = ["run_register", "run_report"]
NO_REGISTER = (
    "verbind: er is geen register in {where}. Geef de map van de installatie met "
    "VERBIND_DATA_DIR (of start vanuit die map); er is niets aangemaakt."
)
"""The one line on stderr when a command reads a register that does not exist."""


def _missing(settings: Settings) -> int | None:
    """EXIT_MISSING (after saying so) when the embedded register does not exist: reading must
    never create a new, empty register and key somewhere else."""
    if settings.database_url or (settings.data_dir / REGISTER_FILE).is_file():
        return None
    return _fail(NO_REGISTER.format(where=settings.data_dir.resolve()), EXIT_MISSING)


def run_register(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    """Verify the chain, or purge records past the retention period."""
    missing = _missing(settings)
    if missing is not None:
        return missing
    try:
        register = open_register(settings)
    except ValueError as exc:
        return _fail(f"verbind register: {exc}", EXIT_USAGE)
    try:
        return _register_action(args, settings, knowledge, register)
    except RegisterUnavailableError as exc:
        return _fail(UNREACHABLE.format(where=exc), EXIT_UNAVAILABLE)
    finally:
        register.close()


def _register_action(
    args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase, register: RegisterAdmin
) -> int:
    if args.action == "verify":
        try:
            head = HeadMark.parse(args.head) if args.head else None
        except ValueError as exc:
            return _fail(f"verbind register verify: {exc}", EXIT_USAGE)
        return _verify(register.verify(head=head))
    older_than = args.older_than or settings.register_retention
    try:
        before = retention_cutoff(older_than)
    except ValueError as exc:
        return _fail(f"verbind register purge: {exc}", EXIT_USAGE)
    event = ConsultationRecord(
        reference=new_reference(),
        time=minute(time.time()),
        kind="register",
        partner="intern",
        region=None,
        direction="intern",
        channel="cli",
        content_version=knowledge.meta.version,
        status="opgeschoond",
    )
    deleted = register.purge(before, event=event)
    print(f"{deleted} record(s) van vóór {before} verwijderd; opschoning vastgelegd.")
    return EXIT_OK


def _verify(result: Verification) -> int:
    if not result.ok:
        return _fail(f"Register beschadigd: {result.problem}", EXIT_PROBLEM)
    if result.head_seq is None:
        print("Register in orde: nog geen records.")
        return EXIT_OK
    mark = HeadMark(result.head_seq, result.head_mac or "").short()
    print(f"Register in orde: {result.rows} record(s); laatste record {result.head_seq}.")
    print(f"Kenmerk: {mark} (controleer later met: verbind register verify --head {mark})")
    return EXIT_OK


def run_report(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    """The covenant's figures for a period, as text, CSV, HTML or an Excel workbook. The
    register is verified first: a broken chain or skipped rows are one Dutch line on stderr and
    exit 1 (the report is still written, saying the same)."""
    from dialogs.report import RENDERERS, build_report, render_csv, render_xlsx

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        return _fail("verbind report: gebruik datums als JJJJ-MM-DD", EXIT_USAGE)
    if end < start:
        return _fail("verbind report: --to ligt vóór --from", EXIT_USAGE)
    filters, problem = _filters(args, knowledge)
    if problem is not None:
        return _fail(f"verbind report: {problem}", EXIT_USAGE)
    missing = _missing(settings)
    if missing is not None:
        return missing
    try:
        register = open_register(settings)
    except ValueError as exc:
        return _fail(f"verbind report: {exc}", EXIT_USAGE)
    try:
        # All records: pick-ups and purges after the period still tell about it.
        reading = register.reading()
    except RegisterUnavailableError as exc:
        return _fail(UNREACHABLE.format(where=exc), EXIT_UNAVAILABLE)
    finally:
        register.close()
    report = build_report(
        reading.records,
        start=start,
        end=end,
        knowledge=knowledge,
        filters=filters,
        warning=reading.warning,
    )
    if args.format == "xlsx":
        output: str | bytes = render_xlsx(report)
    elif args.format == "csv":
        # The Dutch Excel dialect starts with a byte-order mark, so Excel reads UTF-8.
        output = render_csv(report, args.csv_dialect)
    else:
        output = RENDERERS[args.format](report)
    written = _write(output, args.out)
    if written is not None:
        return written
    if reading.warning is not None:
        return _fail(f"verbind report: {reading.warning}", EXIT_PROBLEM)
    return EXIT_OK


def _filters(
    args: argparse.Namespace, knowledge: KnowledgeBase
) -> tuple[Filters | None, str | None]:
    """The ``--regio`` and ``--organisatie`` filters, or why one is not known."""
    from dialogs.report import Filters

    region = (args.region or "").strip().upper() or None
    organisation = (args.organisation or "").strip().lower() or None
    if region is not None and region not in knowledge.regions:
        return None, f"regio '{args.region}' bestaat niet (gebruik een code zoals VT20)"
    if organisation is not None and organisation not in knowledge.organisations:
        return None, f"organisatie '{args.organisation}' bestaat niet"
    return Filters(region, organisation), None


def _write(output: str | bytes, out: Path | None) -> int | None:
    """Write the report to ``out`` (stdout when None); an exit code when that failed."""
    if out is None:
        if isinstance(output, bytes):
            if sys.stdout.isatty():
                return _fail("verbind report: een werkmap schrijft u met --out BESTAND", EXIT_USAGE)
            sys.stdout.flush()
            sys.stdout.buffer.write(output)
        else:
            sys.stdout.write(output)
        return None
    try:
        if isinstance(output, bytes):
            out.write_bytes(output)
        else:
            out.write_text(output, encoding="utf-8", newline="")
    except OSError as exc:
        return _fail(f"verbind report: kan {out} niet schrijven: {exc.strerror}", EXIT_PROBLEM)
    print(f"Rapport geschreven: {out}")
    return None


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
