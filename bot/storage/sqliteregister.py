"""The embedded consultation register: one SQLite file under the data dir.

WAL with ``synchronous=FULL``: a record is on disk before ``append`` returns, and a process
killed at any moment leaves either the whole row or nothing. Writers serialise on
``BEGIN IMMEDIATE``, so several processes may share the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.chain import (
    GENESIS,
    Anchor,
    Verification,
    anchor_mac,
    chained_rows,
    record_mac,
    verify_chain,
)
from dialogs.register import (
    RECORD_FIELDS,
    ConsultationRecord,
    RegisterUnavailableError,
    Status,
)

__all__ = ["SCHEMA", "SqliteRegister"]

_COLUMNS = ", ".join(RECORD_FIELDS)
_PLACEHOLDERS = ", ".join("?" for _ in RECORD_FIELDS)

SCHEMA = """
CREATE TABLE IF NOT EXISTS consultations (
    seq INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    partner TEXT NOT NULL,
    region TEXT,
    direction TEXT NOT NULL,
    channel TEXT NOT NULL,
    content_version TEXT NOT NULL,
    status TEXT NOT NULL,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consultations_reference ON consultations (reference);
CREATE INDEX IF NOT EXISTS consultations_time ON consultations (time);
CREATE TABLE IF NOT EXISTS register_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_seq INTEGER NOT NULL,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS consultations_append_only BEFORE UPDATE ON consultations
BEGIN SELECT RAISE(ABORT, 'the register is append-only'); END;
"""


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL. That needs an exclusive lock, and SQLite does not always wait for one when
    another process is creating the same file at this moment: retry for a while."""
    for _ in range(100):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            time.sleep(0.05)
    db.execute("PRAGMA journal_mode=WAL")


class SqliteRegister:
    """An append-only, HMAC-chained register in one SQLite file."""

    def __init__(self, path: Path, *, key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._key = key
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=10000")
        _use_wal(self._db)
        self._db.execute("PRAGMA synchronous=FULL")
        with self._reading() as db:  # idempotent; executescript manages its own transaction
            db.executescript(SCHEMA)

    # -- the port ------------------------------------------------------------------------------

    async def append(self, record: ConsultationRecord) -> None:
        """Chain and store ``record``; durable when this returns."""
        await asyncio.to_thread(self.append_now, record)

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        return await asyncio.to_thread(self.status_now, reference)

    # -- synchronous API (command line, tests) -------------------------------------------------

    def append_now(self, record: ConsultationRecord) -> int:
        """Chain and store ``record``; returns its sequence number."""
        with self._transaction() as db:
            return self._append(db, record)

    def status_now(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        with self._reading() as db:
            row = db.execute(
                "SELECT status FROM consultations WHERE reference = ? ORDER BY seq DESC LIMIT 1",
                (reference,),
            ).fetchone()
        return None if row is None else row[0]

    def records(self, start: str = "", end: str = "9999") -> list[ConsultationRecord]:
        """Records with ``start <= time < end`` (register time strings), oldest first."""
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM consultations WHERE time >= ? AND time < ? ORDER BY seq",
                (start, end),
            ).fetchall()
        return [ConsultationRecord(**dict(zip(RECORD_FIELDS, row, strict=True))) for row in rows]

    def verify(self) -> Verification:
        """Walk the whole chain; names the first broken record."""
        with self._reading() as db:
            anchor_row = db.execute(
                "SELECT first_seq, prev_mac, mac FROM register_anchor WHERE id = 1"
            ).fetchone()
            anchor = Anchor(*anchor_row) if anchor_row else Anchor()
            cursor = db.execute(
                f"SELECT seq, {_COLUMNS}, prev_mac, mac FROM consultations ORDER BY seq"
            )
            return verify_chain(self._key, anchor, chained_rows(cursor))

    def purge(self, before: str, *, event: ConsultationRecord) -> int:
        """Delete records older than ``before`` (oldest first, as a prefix of the chain),
        move the anchor and append ``event`` recording the purge; returns rows deleted."""
        with self._transaction() as db:
            last = db.execute(
                "SELECT seq, mac FROM consultations WHERE seq <= "
                "(SELECT MAX(seq) FROM consultations WHERE time < ?) ORDER BY seq DESC LIMIT 1",
                (before,),
            ).fetchone()
            deleted = 0
            if last is not None:
                seq, mac = last
                deleted = db.execute("DELETE FROM consultations WHERE seq <= ?", (seq,)).rowcount
                db.execute(
                    "INSERT INTO register_anchor (id, first_seq, prev_mac, mac) "
                    "VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "first_seq = excluded.first_seq, prev_mac = excluded.prev_mac, "
                    "mac = excluded.mac",
                    (seq + 1, mac, anchor_mac(self._key, seq + 1, mac)),
                )
            self._append(db, event)
            return deleted

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    # -- internals -----------------------------------------------------------------------------

    def _append(self, db: sqlite3.Connection, record: ConsultationRecord) -> int:
        head = db.execute("SELECT seq, mac FROM consultations ORDER BY seq DESC LIMIT 1").fetchone()
        if head is None:
            anchor = db.execute(
                "SELECT first_seq, prev_mac FROM register_anchor WHERE id = 1"
            ).fetchone()
            seq, prev = anchor if anchor else (1, GENESIS)
        else:
            seq, prev = head[0] + 1, head[1]
        mac = record_mac(self._key, seq, record, prev)
        db.execute(
            f"INSERT INTO consultations (seq, {_COLUMNS}, prev_mac, mac) "
            f"VALUES (?, {_PLACEHOLDERS}, ?, ?)",
            (seq, *(getattr(record, f) for f in RECORD_FIELDS), prev, mac),
        )
        return int(seq)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._reading() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.OperationalError as exc:
                raise RegisterUnavailableError(str(exc)) from exc
