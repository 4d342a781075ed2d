"""The consultation register's SQL, once, over a small dialect seam (SQLite and PostgreSQL).

:class:`ChainedRegister` appends, reads, verifies and purges the HMAC chain of
:mod:`bot.storage.chain`; a :class:`Dialect` says how its database takes placeholders, runs a
writer's transaction (serialised across processes), reads one consistent snapshot, streams a
long result and lets the purge, and nothing else, delete rows. Each append also advances the
head mark outside the register (:class:`bot.storage.chain.HeadFile`), so records cut off the end
show in :meth:`ChainedRegister.verify`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from bot.storage.chain import (
    GENESIS,
    Anchor,
    HeadFile,
    HeadMark,
    Verification,
    anchor_mac,
    chained_rows,
    record_mac,
    verify_chain,
)
from dialogs.register import RECORD_FIELDS, Claim, ConsultationRecord, Status, once_only
from dialogs.report.reading import Reading, read_rows

__all__ = ["ONCE_INDEXES", "ChainedRegister", "Dialect"]

_log = logging.getLogger("verbind.register")
_COLUMNS = ", ".join(RECORD_FIELDS)
_HEAD = "SELECT seq, mac FROM consultations ORDER BY seq DESC LIMIT 1"
_ANCHOR = "SELECT first_seq, prev_mac, mac FROM register_anchor WHERE id = 1"
_INSERT = (
    f"INSERT INTO consultations (seq, {_COLUMNS}, prev_mac, mac) "
    f"VALUES (?, {', '.join('?' for _ in RECORD_FIELDS)}, ?, ?)"
)
_STATUS = "SELECT status FROM consultations WHERE reference = ? ORDER BY seq DESC LIMIT 1"
_KEPT = (
    f"SELECT {_COLUMNS} FROM consultations WHERE reference = ? AND status = ? ORDER BY seq LIMIT 1"
)
# One statement: the row goes in only while the reference has no record of its status (a
# pick-up, or a request's recorded consultation). Under the writer's lock (SQLite's BEGIN
# IMMEDIATE, PostgreSQL's advisory lock) nothing can come in between, and a unique index per
# status (ONCE_INDEXES) refuses a second whatever the path. A refused row takes no seq, so the
# chain stays whole.
_INSERT_ONCE = (
    f"INSERT INTO consultations (seq, {_COLUMNS}, prev_mac, mac) "
    f"SELECT ?, {', '.join('?' for _ in RECORD_FIELDS)}, ?, ? WHERE NOT EXISTS "
    "(SELECT 1 FROM consultations WHERE reference = ? AND status = ?)"
)
ONCE_INDEXES: dict[str, str] = {
    "opgepakt": (
        "CREATE UNIQUE INDEX IF NOT EXISTS consultations_one_pickup "
        "ON consultations (reference) WHERE status = 'opgepakt'"
    ),
    "vastgelegd": (
        "CREATE UNIQUE INDEX IF NOT EXISTS consultations_one_record "
        "ON consultations (reference) WHERE status = 'vastgelegd'"
    ),
}
"""At most one record per reference of each status in :data:`dialogs.register.ONCE`, as a
constraint (SQLite and PostgreSQL alike; PostgreSQL builds them in its migrations)."""
_RECORDS = f"SELECT {_COLUMNS} FROM consultations WHERE time >= ? AND time < ? ORDER BY seq"
_CHAIN = f"SELECT seq, {_COLUMNS}, prev_mac, mac FROM consultations ORDER BY seq"
_LAST_BEFORE = (
    "SELECT seq, mac FROM consultations WHERE seq <= "
    "(SELECT max(seq) FROM consultations WHERE time < ?) ORDER BY seq DESC LIMIT 1"
)
_DELETE = "DELETE FROM consultations WHERE seq <= ?"
_MOVE_ANCHOR = (
    "INSERT INTO register_anchor (id, first_seq, prev_mac, mac) VALUES (1, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET first_seq = excluded.first_seq, "
    "prev_mac = excluded.prev_mac, mac = excluded.mac"
)


class Dialect(Protocol):
    """What differs between the register's databases. Connections are DB-API-like: ``execute``
    returns a cursor with ``fetchone`` and ``fetchall``."""

    placeholder: str
    """``?`` (SQLite) or ``%s`` (psycopg)."""

    def writing(self) -> AbstractContextManager[Any]:
        """A transaction in which only this process appends (a lock across processes)."""
        ...

    def reading(self) -> AbstractContextManager[Any]:
        """A transaction that sees one consistent snapshot."""
        ...

    def stream(self, conn: Any, sql: str) -> AbstractContextManager[Iterable[tuple[Any, ...]]]:
        """The rows of ``sql``, without holding them all in memory."""
        ...

    def permit_purge(self, conn: Any, upto: int | None) -> None:
        """Let this transaction delete rows up to ``upto``; None withdraws the permit."""
        ...


class ChainedRegister:
    """The register's synchronous operations on any :class:`Dialect` (command line, tests, and
    the SQLite back-end's server path through a thread)."""

    def __init__(self, dialect: Dialect, *, key: bytes, head: HeadFile | None = None) -> None:
        self._dialect = dialect
        self._key = key
        self._head = head

    def sql(self, statement: str) -> str:
        """``statement`` with this dialect's placeholders."""
        return statement.replace("?", self._dialect.placeholder)

    def append_now(self, record: ConsultationRecord) -> int:
        """Chain and store ``record``; returns its sequence number once committed."""
        with self._dialect.writing() as conn:
            row = self.next_row(self._fetch_head(conn), record)
            conn.execute(self.sql(_INSERT), row)
        self.advanced(row)
        return int(row[0])

    def record_once_now(self, record: ConsultationRecord) -> Claim:
        """Chain and store ``record`` unless its reference has a record of its status; see
        :meth:`dialogs.register.ConsultationRegister.record_once`."""
        once_only(record)
        key = (record.reference, record.status)
        with self._dialect.writing() as conn:
            row = self.next_row(self._fetch_head(conn), record)
            inserted = conn.execute(self.sql(_INSERT_ONCE), (*row, *key)).rowcount
            earlier = None if inserted == 1 else conn.execute(self.sql(_KEPT), key).fetchone()
        return self.claimed(row, record, earlier)

    def claimed(
        self, row: tuple[Any, ...], record: ConsultationRecord, earlier: tuple[Any, ...] | None
    ) -> Claim:
        """The claim once the conditional insert of ``row`` ran: the earlier record when there
        was one (nothing inserted), else ``record``, chained (the head advances)."""
        if earlier is not None:
            return Claim(False, self.as_record(earlier))
        self.advanced(row)
        return Claim(True, record)

    @staticmethod
    def as_record(row: tuple[Any, ...]) -> ConsultationRecord:
        """A record from a row of its fields (in :data:`RECORD_FIELDS` order)."""
        return ConsultationRecord(**dict(zip(RECORD_FIELDS, row, strict=True)))

    def status_now(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        with self._dialect.reading() as conn:
            row = conn.execute(self.sql(_STATUS), (reference,)).fetchone()
        return None if row is None else row[0]

    def kept_now(self, reference: str, status: Status) -> ConsultationRecord | None:
        """The first record of ``status`` for ``reference``, or None."""
        with self._dialect.reading() as conn:
            row = conn.execute(self.sql(_KEPT), (reference, status)).fetchone()
        return None if row is None else self.as_record(row)

    def records(self, start: str = "", end: str = "9999") -> list[ConsultationRecord]:
        """Records with ``start <= time < end`` (register time strings), oldest first."""
        with self._dialect.reading() as conn:
            rows = conn.execute(self.sql(_RECORDS), (start, end)).fetchall()
        return [self.as_record(row) for row in rows]

    def verify(self, *, head: HeadMark | None = None) -> Verification:
        """Walk the whole chain and compare it with the head mark outside the register (the head
        file, and ``head`` when given); names the first problem."""
        try:
            kept = self._head.read() if self._head is not None else None
        except ValueError:
            return Verification(0, "het kopbestand van het register is onleesbaar", None, None)
        marks = [mark for mark in (kept, head) if mark is not None]
        with self._dialect.reading() as conn:
            row = conn.execute(self.sql(_ANCHOR)).fetchone()
            anchor = Anchor(int(row[0]), str(row[1]), str(row[2])) if row else Anchor()
            with self._dialect.stream(conn, _CHAIN) as rows:
                return verify_chain(self._key, anchor, chained_rows(rows), heads=marks)

    def reading(self, *, head: HeadMark | None = None) -> Reading:
        """Every stored row for a report, from one snapshot: the well-formed records, the rows
        skipped as malformed (a bad time, an unknown kind, …) and the chain's first problem,
        checked as :meth:`verify` does. Never raises on what a row holds."""
        try:
            kept = self._head.read() if self._head is not None else None
        except ValueError:
            kept = None
            garbled: str | None = "het kopbestand van het register is onleesbaar"
        else:
            garbled = None
        marks = [mark for mark in (kept, head) if mark is not None]
        with self._dialect.reading() as conn:
            row = conn.execute(self.sql(_ANCHOR)).fetchone()
            anchor = Anchor(int(row[0]), str(row[1]), str(row[2])) if row else Anchor()
            with self._dialect.stream(conn, _CHAIN) as rows:
                chain = list(chained_rows(rows))
        verification = verify_chain(self._key, anchor, chain, heads=marks)
        problem = garbled or verification.problem
        return read_rows(((r.seq, r.record) for r in chain), chain_problem=problem)

    def purge(self, before: str, *, event: ConsultationRecord) -> int:
        """Delete records older than ``before`` (oldest first, as a prefix of the chain),
        move the anchor and append ``event`` recording the purge; returns rows deleted."""
        with self._dialect.writing() as conn:
            last = conn.execute(self.sql(_LAST_BEFORE), (before,)).fetchone()
            deleted = 0
            if last is not None:
                seq, mac = int(last[0]), str(last[1])
                self._dialect.permit_purge(conn, seq)
                deleted = int(conn.execute(self.sql(_DELETE), (seq,)).rowcount)
                self._dialect.permit_purge(conn, None)
                moved = (seq + 1, mac, anchor_mac(self._key, seq + 1, mac))
                conn.execute(self.sql(_MOVE_ANCHOR), moved)
            row = self.next_row(self._fetch_head(conn), event)
            conn.execute(self.sql(_INSERT), row)
        self.advanced(row)
        return deleted

    def next_row(self, head: tuple[Any, ...] | None, record: ConsultationRecord) -> tuple[Any, ...]:
        """The values of the row that chains ``record`` after ``head`` (seq, mac) or genesis."""
        seq, prev = (1, GENESIS) if head is None else (int(head[0]) + 1, str(head[1]))
        mac = record_mac(self._key, seq, record, prev)
        return (seq, *(getattr(record, name) for name in RECORD_FIELDS), prev, mac)

    def advanced(self, row: tuple[Any, ...]) -> None:
        """Record the new head outside the register: the head file and the log."""
        seq, mac = int(row[0]), str(row[-1])
        if self._head is not None:
            self._head.advance(HeadMark(seq, mac))
        _log.info("register head %s", HeadMark(seq, mac).short())

    def _fetch_head(self, conn: Any) -> tuple[Any, ...] | None:
        """The last row (seq, mac), or after a purge of everything the anchor's (seq - 1, mac)."""
        head = conn.execute(self.sql(_HEAD)).fetchone()
        if head is None:
            anchor = conn.execute(self.sql(_ANCHOR)).fetchone()
            head = None if anchor is None else (int(anchor[0]) - 1, anchor[1])
        return tuple(head) if head is not None else None

    @staticmethod
    def status_sql() -> str:
        """The latest-status query (``?`` placeholder), for an async caller."""
        return _STATUS

    @staticmethod
    def fetch_head_sql() -> tuple[str, str]:
        """The head and anchor queries (``?`` placeholders), for an async caller."""
        return _HEAD, _ANCHOR

    @staticmethod
    def insert_sql() -> str:
        """The insert statement (``?`` placeholders), for an async caller."""
        return _INSERT

    @staticmethod
    def once_sql() -> tuple[str, str]:
        """The conditional insert (its last two placeholders are the reference and the status
        again) and the query for the record in force (reference, status), ``?`` placeholders,
        for an async caller."""
        return _INSERT_ONCE, _KEPT
