"""The shared PostgreSQL database: its schema, migrations at start, and the connection pool.

Sessions and the consultation register of a deployment live here when ``VERBIND_DATABASE_URL``
is set, so any number of identical instances can serve it. Every connection failure leaves this
module as :class:`StorageUnavailableError`, which the HTTP app answers with 503.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool

from dialogs.session import StorageUnavailableError

__all__ = [
    "MIGRATIONS",
    "Database",
    "connect",
    "describe",
    "ensure_schema",
    "migrate",
]

_log = logging.getLogger("verbind.postgres")

CONNECT_TIMEOUT = 5
"""Seconds to wait for a new connection (a server that is down refuses at once)."""
POOL_TIMEOUT = 3.0
"""Seconds a request waits for a pooled connection before it is answered 503."""

_MIGRATION_LOCK = 0x76_62_6D_69  # "vbmi": one migrating instance at a time

MIGRATIONS: tuple[str, ...] = (
    # 1: sessions and the append-only, HMAC-chained consultation register.
    """
    CREATE TABLE sessions (
        key text PRIMARY KEY,
        document text NOT NULL,
        etag text NOT NULL,
        saved double precision NOT NULL
    );
    CREATE INDEX sessions_saved ON sessions (saved);
    CREATE TABLE consultations (
        seq bigint PRIMARY KEY,
        reference text NOT NULL,
        time text NOT NULL,
        kind text NOT NULL,
        partner text NOT NULL,
        region text,
        direction text NOT NULL,
        channel text NOT NULL,
        content_version text NOT NULL,
        status text NOT NULL,
        prev_mac text NOT NULL,
        mac text NOT NULL
    );
    CREATE INDEX consultations_reference ON consultations (reference, seq);
    CREATE INDEX consultations_time ON consultations (time);
    CREATE TABLE register_anchor (
        id integer PRIMARY KEY CHECK (id = 1),
        first_seq bigint NOT NULL,
        prev_mac text NOT NULL,
        mac text NOT NULL
    );
    CREATE FUNCTION consultations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Only the purge path (PostgresRegister.purge) deletes, and only inside its own
        -- transaction; nothing ever updates a row.
        IF TG_OP = 'DELETE' AND current_setting('verbind.purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the register is append-only';
    END $$;
    CREATE TRIGGER consultations_append_only BEFORE UPDATE OR DELETE ON consultations
        FOR EACH ROW EXECUTE FUNCTION consultations_append_only();
    CREATE TRIGGER consultations_no_truncate BEFORE TRUNCATE ON consultations
        FOR EACH STATEMENT EXECUTE FUNCTION consultations_append_only();
    """,
    # 2: Slack request ids already handled (hashes), shared by instances.
    """
    CREATE TABLE slack_requests (
        id text PRIMARY KEY,
        seen double precision NOT NULL
    );
    CREATE INDEX slack_requests_seen ON slack_requests (seen);
    """,
    # 3: at most one pick-up per reference. A register from before may hold a reference picked
    # up twice (append-only: it stays); then the conditional insert under the append lock alone
    # keeps new pick-ups single, rather than the migration stopping every instance.
    """
    DO $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM consultations WHERE status = 'opgepakt'
            GROUP BY reference HAVING count(*) > 1
        ) THEN
            CREATE UNIQUE INDEX consultations_one_pickup
                ON consultations (reference) WHERE status = 'opgepakt';
        END IF;
    END $$;
    """,
    # 4: at most one recorded consultation per reference (a request's record continues the
    # request's reference; ordinary records have fresh ones). As in 3, a register that already
    # holds a reference recorded twice keeps it, and the conditional insert alone guards.
    """
    DO $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM consultations WHERE status = 'vastgelegd'
            GROUP BY reference HAVING count(*) > 1
        ) THEN
            CREATE UNIQUE INDEX consultations_one_record
                ON consultations (reference) WHERE status = 'vastgelegd';
        END IF;
    END $$;
    """,
)
"""Schema steps, applied in order; step N brings the schema to version N. Append, never edit."""


def describe(dsn: str) -> str:
    """Where ``dsn`` points (host, port, database), without user or password, for messages."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "?"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"{host}:{port}/{parts.get('dbname') or ''}"


def connect(dsn: str) -> psycopg.Connection[Any]:
    """A synchronous connection (command line); StorageUnavailableError when unreachable."""
    try:
        return psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise StorageUnavailableError(describe(dsn)) from exc


def migrate(dsn: str) -> int:
    """Bring the schema up to date (idempotent, safe with instances starting at once);
    returns the schema version."""
    with connect(dsn) as conn:
        try:
            return ensure_schema(conn)
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(describe(dsn)) from exc


def ensure_schema(conn: psycopg.Connection[Any]) -> int:
    """Apply the missing schema steps on ``conn`` (autocommit); returns the schema version."""
    with conn.transaction():
        # The lock comes first: even CREATE TABLE IF NOT EXISTS fails when two run at once.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        current = int(row[0]) if row and row[0] is not None else 0
        for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
            conn.execute(step)
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
            _log.info("schema migrated version=%d", version)
    return len(MIGRATIONS)


class Database:
    """A pool of connections to the deployment's database, opened at start."""

    def __init__(
        self,
        dsn: str,
        *,
        max_size: int = 10,
        pool_timeout: float = POOL_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.dsn = dsn
        self._pool_timeout = pool_timeout
        self._connect_timeout = connect_timeout
        self.down = False
        """True after a failed call, until :meth:`probe` finds the database back."""
        self._max_size = max_size
        self._probing = False
        self._pool = self._new_pool()

    def _new_pool(self) -> AsyncConnectionPool[Any]:
        return AsyncConnectionPool(
            self.dsn,
            min_size=1,
            max_size=self._max_size,
            timeout=self._pool_timeout,
            open=False,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(self._connect_timeout))},
            # A pooled connection may have died with a restarted server: test it on checkout,
            # so the first turns after a restart do not fail.
            check=AsyncConnectionPool.check_connection,
        )

    async def open(self) -> None:
        """Migrate the schema and open the pool; StorageUnavailableError when unreachable."""
        await asyncio.to_thread(migrate, self.dsn)
        try:
            await self._pool.open(wait=True, timeout=self._connect_timeout)
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(describe(self.dsn)) from exc

    async def close(self) -> None:
        """Close every connection."""
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A pooled connection (autocommit); failures become StorageUnavailableError."""
        try:
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:
            if not self.down:
                _log.warning("database unavailable error=%s", type(exc).__name__)
            self.down = True
            raise StorageUnavailableError(describe(self.dsn)) from exc
        self.down = False

    async def probe(self) -> None:
        """After a failure, check with a fresh connection (refused at once while the server is
        down) whether the database is back; StorageUnavailableError while it is not.

        Once it is back the pool is replaced: the old one may be waiting out a long reconnect
        back-off and would keep answering 503 for a while after the database returned.
        """
        if not self.down:
            return
        if self._probing:  # one probe at a time; the others need not wait for it
            raise StorageUnavailableError(describe(self.dsn))
        self._probing = True
        try:
            conn = await psycopg.AsyncConnection.connect(
                self.dsn, connect_timeout=max(1, round(self._connect_timeout))
            )
            await conn.close()
            old, self._pool = self._pool, self._new_pool()
            await self._pool.open(wait=False)
        except psycopg.OperationalError as exc:
            raise StorageUnavailableError(describe(self.dsn)) from exc
        finally:
            self._probing = False
        self.down = False
        _log.info("database reachable again")
        await old.close(timeout=0)
