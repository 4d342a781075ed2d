"""The embedded consultation register: one SQLite file under the data dir.

WAL with ``synchronous=FULL``: a record is on disk before ``append`` returns, and a process
killed at any moment leaves either the whole row or nothing. Writers serialise on
``BEGIN IMMEDIATE``, so several processes may share the file. Triggers refuse UPDATE, and DELETE
of any row that the purge has not permitted in its own transaction (a permit row in
``register_purge``, removed before the transaction commits), as in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.storage.chain import HeadFile
from bot.storage.chainedregister import ONCE_INDEXES, ChainedRegister
from dialogs.register import (
    Claim,
    ConsultationRecord,
    RecordRefusedError,
    RegisterUnavailableError,
    Status,
)

__all__ = ["SCHEMA", "SqliteRegister"]

_log = logging.getLogger("verbind.register")

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
CREATE TABLE IF NOT EXISTS register_purge (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS consultations_append_only BEFORE UPDATE ON consultations
BEGIN SELECT RAISE(ABORT, 'the register is append-only'); END;
CREATE TRIGGER IF NOT EXISTS consultations_no_delete BEFORE DELETE ON consultations
WHEN NOT EXISTS (SELECT 1 FROM register_purge WHERE upto >= OLD.seq)
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


def _once_indexes(db: sqlite3.Connection) -> None:
    """The unique indexes: one pick-up and one recorded consultation per reference. A register
    written before them may hold a reference with two (the append-only chain keeps them): then
    that index cannot be built, and the conditional insert under ``BEGIN IMMEDIATE`` alone keeps
    new ones single."""
    for status, index in ONCE_INDEXES.items():
        try:
            db.execute(index)
        except sqlite3.IntegrityError:
            _log.warning("register has a reference %s twice; its unique index not built", status)


class _SqliteDialect:
    """One connection shared by the threads of this process; ``BEGIN IMMEDIATE`` serialises
    writers across processes."""

    placeholder = "?"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout=10000")
        _use_wal(self.db)
        self.db.execute("PRAGMA synchronous=FULL")
        with self.reading() as db:  # idempotent; executescript manages its own transaction
            db.executescript(SCHEMA)
            _once_indexes(db)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        with self.reading() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.db
            except sqlite3.OperationalError as exc:
                raise RegisterUnavailableError(str(exc)) from exc

    @contextmanager
    def stream(self, conn: Any, sql: str) -> Iterator[Iterable[tuple[Any, ...]]]:
        yield conn.execute(sql)

    def permit_purge(self, conn: Any, upto: int | None) -> None:
        if upto is None:
            conn.execute("DELETE FROM register_purge")
        else:
            conn.execute("INSERT OR REPLACE INTO register_purge (id, upto) VALUES (1, ?)", (upto,))

    def close(self) -> None:
        with self._lock:
            self.db.close()


class SqliteRegister(ChainedRegister):
    """An append-only, HMAC-chained register in one SQLite file; ``head`` keeps the head mark
    outside it."""

    def __init__(self, path: Path, *, key: bytes, head: Path | None = None) -> None:
        self._sqlite = _SqliteDialect(path)
        super().__init__(self._sqlite, key=key, head=HeadFile(head) if head else None)

    async def append(self, record: ConsultationRecord) -> None:
        """Chain and store ``record``; durable when this returns. A record a unique index
        refuses raises :class:`RecordRefusedError` (nothing stored)."""
        try:
            await asyncio.to_thread(self.append_now, record)
        except sqlite3.IntegrityError as exc:
            raise RecordRefusedError(str(exc)) from exc

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        return await asyncio.to_thread(self.status_now, reference)

    async def record_once(self, record: ConsultationRecord) -> Claim:
        """Store ``record`` unless its reference has one of its status (``BEGIN IMMEDIATE``
        serialises writers across processes); durable when this returns."""
        return await asyncio.to_thread(self.record_once_now, record)

    async def kept(self, reference: str, status: Status) -> ConsultationRecord | None:
        """The first record of ``status`` for ``reference``."""
        return await asyncio.to_thread(self.kept_now, reference, status)

    def close(self) -> None:
        """Close the database file."""
        self._sqlite.close()
