"""The consultation register in PostgreSQL: append-only and HMAC-chained, like the SQLite one.

Several instances append at once, so each append takes a transaction-scoped advisory lock before
it reads the chain head: appends are serialised and every row chains to the one before it. A
trigger refuses UPDATE, TRUNCATE and any DELETE outside :meth:`PostgresRegister.purge`. The
server appends and reads statuses through the async pool; the command line (verify, purge,
report) uses one synchronous connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from bot.storage.chain import (
    GENESIS,
    Anchor,
    Verification,
    anchor_mac,
    chained_rows,
    record_mac,
    verify_chain,
)
from bot.storage.postgres import Database, connect, describe, ensure_schema
from dialogs.register import (
    RECORD_FIELDS,
    ConsultationRecord,
    RegisterUnavailableError,
    Status,
)
from dialogs.session import StorageUnavailableError

__all__ = ["PostgresRegister"]

_APPEND_LOCK = 0x76_62_72_67  # "vbrg": one writer of the chain at a time, across instances
_COLUMNS = ", ".join(RECORD_FIELDS)
_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_HEAD = "SELECT seq, mac FROM consultations ORDER BY seq DESC LIMIT 1"
_ANCHOR = "SELECT first_seq, prev_mac, mac FROM register_anchor WHERE id = 1"
_INSERT = (
    f"INSERT INTO consultations (seq, {_COLUMNS}, prev_mac, mac) "
    f"VALUES (%s, {', '.join('%s' for _ in RECORD_FIELDS)}, %s, %s)"
)
_STATUS = "SELECT status FROM consultations WHERE reference = %s ORDER BY seq DESC LIMIT 1"


class PostgresRegister:
    """An append-only, HMAC-chained register in the deployment's PostgreSQL database."""

    def __init__(self, dsn: str, *, key: bytes, database: Database | None = None) -> None:
        self._dsn = dsn
        self._key = key
        self._database = database
        self._conn: psycopg.Connection[Any] | None = None

    # -- the port (server: async pool) ---------------------------------------------------------

    async def append(self, record: ConsultationRecord) -> None:
        """Chain and store ``record``; committed when this returns."""
        try:
            async with self._pool().connection() as conn, conn.transaction():
                await conn.execute(_LOCK, (_APPEND_LOCK,))
                head = await (await conn.execute(_HEAD)).fetchone()
                if head is None:
                    head = await (await conn.execute(_ANCHOR)).fetchone()
                    head = None if head is None else (head[0] - 1, head[1])
                await conn.execute(_INSERT, self._row(head, record))
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        try:
            async with self._pool().connection() as conn:
                row = await (await conn.execute(_STATUS, (reference,))).fetchone()
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc
        return None if row is None else row[0]

    # -- synchronous API (command line, tests) -------------------------------------------------

    def append_now(self, record: ConsultationRecord) -> int:
        """Chain and store ``record``; returns its sequence number once committed."""
        with self._transaction() as conn:
            return self._append(conn, record)

    def status_now(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        with self._transaction() as conn:
            row = conn.execute(_STATUS, (reference,)).fetchone()
        return None if row is None else row[0]

    def records(self, start: str = "", end: str = "9999") -> list[ConsultationRecord]:
        """Records with ``start <= time < end`` (register time strings), oldest first."""
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM consultations WHERE time >= %s AND time < %s ORDER BY seq",
                (start, end),
            ).fetchall()
        return [ConsultationRecord(**dict(zip(RECORD_FIELDS, row, strict=True))) for row in rows]

    def verify(self) -> Verification:
        """Walk the whole chain (one consistent snapshot); names the first broken record."""
        with self._transaction() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            row = conn.execute(_ANCHOR).fetchone()
            anchor = Anchor(int(row[0]), row[1], row[2]) if row else Anchor()
            with conn.cursor(name="verify") as cursor:  # streams: the chain may be long
                cursor.execute(
                    f"SELECT seq, {_COLUMNS}, prev_mac, mac FROM consultations ORDER BY seq"
                )
                return verify_chain(self._key, anchor, chained_rows(cursor))

    def purge(self, before: str, *, event: ConsultationRecord) -> int:
        """Delete records older than ``before`` (oldest first, as a prefix of the chain),
        move the anchor and append ``event`` recording the purge; returns rows deleted."""
        with self._transaction() as conn:
            conn.execute(_LOCK, (_APPEND_LOCK,))
            last = conn.execute(
                "SELECT seq, mac FROM consultations WHERE seq <= "
                "(SELECT max(seq) FROM consultations WHERE time < %s) ORDER BY seq DESC LIMIT 1",
                (before,),
            ).fetchone()
            deleted = 0
            if last is not None:
                seq, mac = int(last[0]), str(last[1])
                # The trigger lets a DELETE through only with this set, for this transaction.
                conn.execute("SET LOCAL verbind.purge = 'on'")
                deleted = conn.execute("DELETE FROM consultations WHERE seq <= %s", (seq,)).rowcount
                conn.execute("SET LOCAL verbind.purge = 'off'")
                conn.execute(
                    "INSERT INTO register_anchor (id, first_seq, prev_mac, mac) "
                    "VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                    "first_seq = excluded.first_seq, prev_mac = excluded.prev_mac, "
                    "mac = excluded.mac",
                    (seq + 1, mac, anchor_mac(self._key, seq + 1, mac)),
                )
            self._append(conn, event)
            return deleted

    def close(self) -> None:
        """Close the command line's connection (the pool belongs to its Database)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- internals -----------------------------------------------------------------------------

    def _append(self, conn: psycopg.Connection[Any], record: ConsultationRecord) -> int:
        conn.execute(_LOCK, (_APPEND_LOCK,))
        head = conn.execute(_HEAD).fetchone()
        if head is None:
            anchor = conn.execute(_ANCHOR).fetchone()
            head = None if anchor is None else (anchor[0] - 1, anchor[1])
        row = self._row(head, record)
        conn.execute(_INSERT, row)
        return int(row[0])

    def _row(self, head: tuple[Any, ...] | None, record: ConsultationRecord) -> tuple[Any, ...]:
        """The values of the row that chains ``record`` after ``head`` (seq, mac) or genesis."""
        seq, prev = (1, GENESIS) if head is None else (int(head[0]) + 1, str(head[1]))
        mac = record_mac(self._key, seq, record, prev)
        return (seq, *(getattr(record, name) for name in RECORD_FIELDS), prev, mac)

    def _pool(self) -> Database:
        if self._database is None:
            raise RegisterUnavailableError("no connection pool: open the register for serving")
        return self._database

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction on the command line's connection (opened on first use)."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = connect(self._dsn)
                ensure_schema(self._conn)
            with self._conn.transaction():
                yield self._conn
        except (psycopg.OperationalError, StorageUnavailableError) as exc:
            raise RegisterUnavailableError(describe(self._dsn)) from exc
