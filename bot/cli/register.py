"""``verbind register verify|purge`` and ``verbind report``: the register on the command line."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

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
    """The covenant's figures for a period, as text, CSV or HTML."""
    from dialogs.report import RENDERERS, build_report, render_csv

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        return _fail("verbind report: gebruik datums als JJJJ-MM-DD", EXIT_USAGE)
    if end < start:
        return _fail("verbind report: --to ligt vóór --from", EXIT_USAGE)
    missing = _missing(settings)
    if missing is not None:
        return missing
    register = open_register(settings)
    try:
        # All records: pick-ups and purges after the period still tell about it.
        records = register.records()
    except RegisterUnavailableError as exc:
        return _fail(UNREACHABLE.format(where=exc), EXIT_UNAVAILABLE)
    finally:
        register.close()
    report = build_report(records, start=start, end=end, knowledge=knowledge)
    if args.format == "csv":
        # The Dutch Excel dialect starts with a byte-order mark, so Excel reads UTF-8.
        output = render_csv(report, args.csv_dialect)
    else:
        output = RENDERERS[args.format](report)
    if args.out is None:
        sys.stdout.write(output)
    else:
        args.out.write_text(output, encoding="utf-8", newline="")
        print(f"Rapport geschreven: {args.out}")
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
