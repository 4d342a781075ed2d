"""The register as the report reads it: the well-formed records, what was skipped and why, and
whether the chain verified — said in one Dutch line.

A row written outside Verbind (SQL access, a broken restore) can hold anything: a time that is
no time, a kind the report does not know, a partner that is a spreadsheet formula. Such a row is
skipped, never counted and never a traceback; the report names what was wrong and how many rows
it skipped, and the command exits non-zero.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from dialogs.register import DIRECTIONS, KINDS, STATUSES, ConsultationRecord

__all__ = ["Reading", "read_rows", "row_problem"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_REGION = re.compile(r"^VT[0-9]{2}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
_TIME = "%Y-%m-%dT%H:%MZ"
_PROBLEMS = {
    "time": "een ongeldige tijd",
    "kind": "een onbekende soort",
    "status": "een onbekende status",
    "direction": "een onbekende richting",
    "partner": "een ongeldige partner",
    "region": "een ongeldige regio",
    "reference": "een ongeldige referentie",
    "channel": "een ongeldig kanaal",
    "content_version": "een ongeldige inhoudsversie",
}
"""What is wrong with a row, per field, in the order rows are checked."""


def row_problem(record: ConsultationRecord) -> str | None:
    """What makes a stored row unfit to count (Dutch, "een onbekende soort"), or None."""
    values: dict[str, Any] = {f.name: getattr(record, f.name, None) for f in fields(record)}
    for name in _PROBLEMS:
        if not _fits(name, values[name]):
            return _PROBLEMS[name]
    return None


def _fits(name: str, value: Any) -> bool:
    if name == "region":
        return value is None or (isinstance(value, str) and bool(_REGION.match(value)))
    if not isinstance(value, str):
        return False
    checks: dict[str, Callable[[str], bool]] = {
        "time": _is_time,
        "kind": lambda v: v in KINDS,
        "status": lambda v: v in STATUSES,
        "direction": lambda v: v in DIRECTIONS,
        "partner": lambda v: bool(_ID.match(v)),
        "reference": lambda v: bool(_REFERENCE.match(v)),
    }
    check = checks.get(name)
    return check(value) if check is not None else value.isprintable() and len(value) <= 64


def _is_time(value: str) -> bool:
    try:
        datetime.strptime(value, _TIME)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Reading:
    """What the report may count, and what it must say about its input."""

    records: tuple[ConsultationRecord, ...]
    skipped: tuple[tuple[int, str], ...] = ()
    """(row sequence number, what was wrong) per skipped row."""
    chain_problem: str | None = None
    """The first problem of the chain (Dutch, from the chain check); None when it verified."""

    @property
    def ok(self) -> bool:
        """True when the chain verified and no row was skipped."""
        return self.chain_problem is None and not self.skipped

    @property
    def warning(self) -> str | None:
        """One Dutch line naming what is wrong and how many rows were skipped; None when ok."""
        if self.ok:
            return None
        count = len(self.skipped)
        noun = "record" if count == 1 else "records"
        skipped = f"{count} {noun} overgeslagen"
        if count:
            reasons = Counter(reason for _, reason in self.skipped)
            why = ", ".join(f"{n} met {reason}" for reason, n in reasons.most_common())
            skipped += f" ({why}; eerste: record {self.skipped[0][0]}); die tellen niet mee"
        if self.chain_problem is None:
            return f"Let op: {skipped}."
        return (
            f"Let op: het register is niet in orde ({self.chain_problem}); controleer het met "
            f"'verbind register verify'. {skipped}."
        )


def read_rows(
    rows: Iterable[tuple[int, ConsultationRecord]], *, chain_problem: str | None = None
) -> Reading:
    """Keep the well-formed records of ``rows`` ((sequence number, stored record), the record
    possibly built without validation) and note the others."""
    kept: list[ConsultationRecord] = []
    skipped: list[tuple[int, str]] = []
    for seq, record in rows:
        problem = row_problem(record)
        if problem is None:
            values = {f.name: getattr(record, f.name) for f in fields(record)}
            kept.append(ConsultationRecord(**values))
        else:
            skipped.append((seq, problem))
    return Reading(tuple(kept), tuple(skipped), chain_problem)
