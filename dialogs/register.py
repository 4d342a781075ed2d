"""The consultation register: only *that* a consultation took place, never who or what.

A :class:`ConsultationRecord` is the complete allow-list of what Verbind keeps about a
consultation. There is no field for a user id, a name or free text, and a test pins the list
(and the database schemas) so one cannot be added by accident.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Literal, Protocol, get_args

from knowledge.model import ConsultationKind

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "ONCE",
    "RECORD_FIELDS",
    "STATUSES",
    "Claim",
    "ConsultationRecord",
    "ConsultationRegister",
    "Direction",
    "Kind",
    "MemoryRegister",
    "RecordRefusedError",
    "RegisterUnavailableError",
    "Status",
    "minute",
    "new_reference",
    "once_only",
]

Kind = Literal[ConsultationKind, "register"]
"""What the consultation was about. ``bevraging`` (a partner asks the JGZ for information) and
``terugkoppeling`` (a partner tells the JGZ how an investigation went) run partner → JGZ;
``opschalen``/``afschalen`` move a case up to or back from Veilig Thuis/SAVE (covenant, DOMAIN.md
§6); ``register`` marks the register's own events (a purge)."""

Direction = Literal["jgz-partner", "partner-jgz", "intern"]
Status = Literal["vastgelegd", "aangevraagd", "opgepakt", "opgeschoond"]

KINDS: tuple[Kind, ...] = get_args(Kind)
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
STATUSES: tuple[Status, ...] = get_args(Status)
ONCE: tuple[Status, ...] = ("opgepakt", "vastgelegd")
"""Statuses a reference holds at most once: its pick-up, and its recorded consultation (a
request's record continues the request's reference; an ordinary record has a fresh one)."""

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Reference codes avoid look-alikes (0/O, 1/I) so they can be typed into a dossier."""


@dataclass(frozen=True, slots=True)
class ConsultationRecord:
    """One register entry. These fields, and only these, are ever stored."""

    reference: str
    """A random code the professional notes in their own dossier (``VB-7K3M-Q9XT``)."""
    time: str
    """UTC, to the minute: ``2026-11-23T14:05Z``."""
    kind: Kind
    partner: str
    """An organisation id from the directory, ``intern`` or ``overig``."""
    region: str | None
    """A Veilig Thuis region code (``VT20``) when known."""
    direction: Direction
    channel: str
    """teams, slack, terminal, web or cli."""
    content_version: str
    status: Status

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        datetime.strptime(self.time, "%Y-%m-%dT%H:%MZ")  # raises on anything else


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ConsultationRecord))


class RegisterUnavailableError(Exception):
    """The register cannot be written now (a database is down); nothing was recorded."""


class RecordRefusedError(RegisterUnavailableError):
    """The register refused an appended record: its reference holds that status already (a
    unique index; for an ordinary record, a fresh reference that happened to be drawn before).
    Nothing was recorded; trying again draws a new reference."""


@dataclass(frozen=True, slots=True)
class Claim:
    """What :meth:`ConsultationRegister.record_once` came to."""

    recorded: bool
    """True when this call recorded it; False when the reference had a record of that status."""
    kept: ConsultationRecord
    """The record in force: the one given (``recorded``) or the earlier one, as stored."""


class ConsultationRegister(Protocol):
    """Where consultation records go: append-only."""

    async def append(self, record: ConsultationRecord) -> None:
        """Store ``record`` durably; raises :class:`RegisterUnavailableError` when it cannot."""

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference`` (None when unknown)."""

    async def record_once(self, record: ConsultationRecord) -> Claim:
        """Append ``record`` — a pick-up (``opgepakt``) or the recorded consultation of a
        request (``vastgelegd``, under the request's reference) — unless its reference has a
        record of that status already.

        One atomic step in the register (a conditional insert under its write lock, backed by
        a unique index per status): of two presses at once, on any instances, exactly one is
        recorded. Raises ValueError for another status, and :class:`RegisterUnavailableError`
        when it cannot tell (nothing recorded)."""

    async def kept(self, reference: str, status: Status) -> ConsultationRecord | None:
        """The record of ``status`` in force for ``reference`` (its first), or None; raises
        :class:`RegisterUnavailableError` when it cannot tell."""


class MemoryRegister:
    """An in-process register for tests and ``verbind chat`` runs without a data dir."""

    def __init__(self) -> None:
        self.records: list[ConsultationRecord] = []

    async def append(self, record: ConsultationRecord) -> None:
        """Keep ``record`` in memory."""
        self.records.append(record)

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        return _latest_status(self.records, reference)

    async def record_once(self, record: ConsultationRecord) -> Claim:
        """Append ``record`` unless its reference has one of its status (no await between the
        check and the append, so it is atomic on the event loop)."""
        once_only(record)
        for kept in self.records:
            if kept.reference == record.reference and kept.status == record.status:
                return Claim(False, kept)
        self.records.append(record)
        return Claim(True, record)

    async def kept(self, reference: str, status: Status) -> ConsultationRecord | None:
        """The first record of ``status`` for ``reference``."""
        found = (r for r in self.records if r.reference == reference and r.status == status)
        return next(found, None)


def once_only(record: ConsultationRecord) -> None:
    """Raises ValueError unless ``record`` has a status held once per reference (:data:`ONCE`)."""
    if record.status not in ONCE:
        raise ValueError(f"record_once takes a status of {ONCE}, not {record.status!r}")


def _latest_status(records: Sequence[ConsultationRecord], reference: str) -> Status | None:
    statuses = [r.status for r in records if r.reference == reference]
    return statuses[-1] if statuses else None


def new_reference() -> str:
    """A fresh reference code such as ``VB-7K3M-Q9XT`` (40 random bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"VB-{chars[:4]}-{chars[4:]}"


def minute(moment: float) -> str:
    """A POSIX time as UTC to the minute, the register's time format."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%MZ")
