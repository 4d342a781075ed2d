"""The consultation register in PostgreSQL: append-only and HMAC-chained, like the SQLite one.

Several instances append at once, so each append takes a transaction-scoped advisory lock before
it reads the chain head: appends are serialised and every row chains to the one before it. A
trigger refuses UPDATE, TRUNCATE and any DELETE outside the purge. The server appends and reads
statuses through the async pool; the command line (verify, purge, report) uses one synchronous
connection. The SQL itself is :class:`bot.storage.chainedregister.ChainedRegister`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from bot.storage.chain import HeadFile
from bot.storage.chainedregister import ChainedRegister
from bot.storage.postgres import Database, connect, describe, ensure_schema
from dialogs.register import (
    Claim,
    ConsultationRecord,
    RecordRefusedError,
    RegisterUnavailableError,
    Status,
    once_only,
)
from dialogs.session import StorageUnavailableError

__all__ = ["PostgresRegister"]

_APPEND_LOCK = 0x76_62_72_67  # "vbrg": one writer of the chain at a time, across instances
_LOCK = "SELECT pg_advisory_xact_lock(%s)"


class _PostgresDialect:
    """The command line's one connection (opened on first use)."""

    placeholder = "%s"

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self.conn: psycopg.Connection[Any] | None = None

    @contextmanager
    def writing(self) -> Iterator[psycopg.Connection[Any]]:
        # READ COMMITTED: each statement after the lock sees the rows committed before it.
        with self._transaction() as conn:
            conn.execute(_LOCK, (_APPEND_LOCK,))
            yield conn

    @contextmanager
    def reading(self) -> Iterator[psycopg.Connection[Any]]:
        with self._transaction() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            if self.conn is None or self.conn.closed:
                self.conn = connect(self._dsn)
                ensure_schema(self.conn)
            with self.conn.transaction():
                yield self.conn
        except (psycopg.OperationalError, StorageUnavailableError) as exc:
            raise RegisterUnavailableError(describe(self._dsn)) from exc

    @contextmanager
    def stream(self, conn: Any, sql: str) -> Iterator[Iterable[tuple[Any, ...]]]:
        with conn.cursor(name="chain") as cursor:  # server-side: the chain may be long
            cursor.execute(sql)
            yield cursor

    def permit_purge(self, conn: Any, upto: int | None) -> None:
        # The trigger lets a DELETE through only with this set, for this transaction.
        conn.execute(f"SET LOCAL verbind.purge = '{'off' if upto is None else 'on'}'")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class PostgresRegister(ChainedRegister):
    """An append-only, HMAC-chained register in the deployment's PostgreSQL database."""

    def __init__(
        self,
        dsn: str,
        *,
        key: bytes,
        database: Database | None = None,
        head: Path | None = None,
    ) -> None:
        self._postgres = _PostgresDialect(dsn)
        super().__init__(self._postgres, key=key, head=HeadFile(head) if head else None)
        self._database = database

    async def append(self, record: ConsultationRecord) -> None:
        """Chain and store ``record``; committed when this returns. A record a unique index
        refuses raises :class:`RecordRefusedError` (nothing stored)."""
        try:
            async with self._pool().connection() as conn, conn.transaction():
                row = await self._locked_row(conn, record)
                await conn.execute(self.sql(self.insert_sql()), row)
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc
        except psycopg.errors.UniqueViolation as exc:
            raise RecordRefusedError(type(exc).__name__) from exc
        self.advanced(row)

    async def record_once(self, record: ConsultationRecord) -> Claim:
        """Chain and store ``record`` unless its reference has one of its status: the
        conditional insert runs under the append lock that every instance takes, and a unique
        index per status (``consultations_one_pickup``, ``consultations_one_record``) backs it."""
        once_only(record)
        insert_sql, kept_sql = (self.sql(s) for s in self.once_sql())
        key = (record.reference, record.status)
        earlier = None
        try:
            async with self._pool().connection() as conn, conn.transaction():
                row = await self._locked_row(conn, record)
                cursor = await conn.execute(insert_sql, (*row, *key))
                if cursor.rowcount != 1:
                    earlier = await (await conn.execute(kept_sql, key)).fetchone()
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc
        return self.claimed(row, record, earlier)

    async def _locked_row(
        self, conn: psycopg.AsyncConnection[Any], record: ConsultationRecord
    ) -> tuple[Any, ...]:
        """Take the append lock (for this transaction) and chain ``record`` after the head."""
        head_sql, anchor_sql = (self.sql(s) for s in self.fetch_head_sql())
        await conn.execute(_LOCK, (_APPEND_LOCK,))
        head = await (await conn.execute(head_sql)).fetchone()
        if head is None:
            anchor = await (await conn.execute(anchor_sql)).fetchone()
            head = None if anchor is None else (anchor[0] - 1, anchor[1])
        return self.next_row(head, record)

    async def status(self, reference: str) -> Status | None:
        """The latest status recorded for ``reference``."""
        try:
            async with self._pool().connection() as conn:
                cursor = await conn.execute(self.sql(self.status_sql()), (reference,))
                row = await cursor.fetchone()
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc
        return None if row is None else row[0]

    async def kept(self, reference: str, status: Status) -> ConsultationRecord | None:
        """The first record of ``status`` for ``reference``."""
        _, kept_sql = self.once_sql()
        try:
            async with self._pool().connection() as conn:
                cursor = await conn.execute(self.sql(kept_sql), (reference, status))
                row = await cursor.fetchone()
        except StorageUnavailableError as exc:
            raise RegisterUnavailableError(str(exc)) from exc
        return None if row is None else self.as_record(row)

    def close(self) -> None:
        """Close the command line's connection (the pool belongs to its Database)."""
        self._postgres.close()

    def _pool(self) -> Database:
        if self._database is None:
            raise RegisterUnavailableError("no connection pool: open the register for serving")
        return self._database
