"""Chooses the storage back-ends a deployment uses, from its settings.

Embedded (the default): in-memory sessions and a SQLite register under the data dir. With
``VERBIND_DATABASE_URL``: both in PostgreSQL, shared by every instance.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.settings import Settings
from bot.storage.chain import HeadMark, Verification, load_or_create_key
from bot.storage.sqliteregister import SqliteRegister
from dialogs.register import ConsultationRecord, ConsultationRegister
from dialogs.report.reading import Reading
from dialogs.session import MemorySessionStore, SessionStore

__all__ = [
    "HEAD_FILE",
    "REGISTER_FILE",
    "UNREACHABLE",
    "ExpiringSessionStore",
    "Register",
    "RegisterAdmin",
    "open_database",
    "open_register",
    "open_sessions",
    "register_head_file",
    "register_key",
    "retention_cutoff",
]

REGISTER_FILE = "register.sqlite3"
HEAD_FILE = "register.head"
UNREACHABLE = (
    "verbind: de database is niet bereikbaar ({where}). "
    "Controleer VERBIND_DATABASE_URL en of PostgreSQL draait."
)
"""The one line on stderr when the database cannot be reached at start."""
_KEY_FILE = "register.key"
_MONTHS = re.compile(r"^\s*(\d{1,3})\s*m\s*$")

if TYPE_CHECKING:  # psycopg is imported only when a database is configured
    from bot.storage.postgres import Database


class ExpiringSessionStore(SessionStore, Protocol):
    """A session store whose idle sessions can be dropped now and then."""

    async def purge(self) -> int:
        """Drop expired sessions; returns how many."""
        ...

    async def count(self) -> int:
        """How many sessions are stored now."""
        ...


class RegisterAdmin(Protocol):
    """What the command line does with a register: read, verify, purge."""

    def records(self, start: str = "", end: str = "9999") -> list[ConsultationRecord]:
        """Records with ``start <= time < end``, oldest first."""
        ...

    def verify(self, *, head: HeadMark | None = None) -> Verification:
        """Walk the chain and compare it with the head marks (the head file, ``head``)."""
        ...

    def reading(self, *, head: HeadMark | None = None) -> Reading:
        """Every row for a report: the well-formed records, the skipped ones, the chain's first
        problem (checked as :meth:`verify` does)."""
        ...

    def purge(self, before: str, *, event: ConsultationRecord) -> int:
        """Delete records before ``before`` and record that it happened."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Register(ConsultationRegister, RegisterAdmin, Protocol):
    """A register back-end: the conversation's port plus the command line's needs."""


def register_key(settings: Settings) -> bytes:
    """The register's HMAC key: ``VERBIND_REGISTER_KEY``, else the file
    ``VERBIND_REGISTER_KEY_FILE`` (which must exist), else ``register.key`` in the data dir
    (created on first use). Whoever can write the register and read the key can re-seal an
    edited register, so a key kept outside the data dir is the stronger choice.

    With a shared database the key must be given: a key file per instance would chain each
    instance's records with a different key."""
    if settings.database_url and not (settings.register_key or settings.register_key_file):
        raise ValueError(
            "VERBIND_REGISTER_KEY is nodig met VERBIND_DATABASE_URL (of "
            "VERBIND_REGISTER_KEY_FILE): alle instanties gebruiken dezelfde sleutel"
        )
    if settings.register_key:
        return _hex_key(settings.register_key, "VERBIND_REGISTER_KEY")
    if settings.register_key_file is not None:
        try:
            text = settings.register_key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"VERBIND_REGISTER_KEY_FILE is niet leesbaar ({type(exc).__name__})"
            ) from None
        return _hex_key(text.strip(), "VERBIND_REGISTER_KEY_FILE")
    return load_or_create_key(settings.data_dir / _KEY_FILE)


def _hex_key(text: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ValueError(f"{name} is geen hexadecimale sleutel") from None
    if len(key) < 16:
        raise ValueError(f"{name} is te kort (minstens 32 hextekens)")
    return key


def register_head_file(settings: Settings) -> Path:
    """Where appends write the register's head mark."""
    return settings.register_head_file or settings.data_dir / HEAD_FILE


def open_database(settings: Settings) -> Database | None:
    """The deployment's PostgreSQL pool (not yet opened), or None for the embedded defaults."""
    if not settings.database_url:
        return None
    from bot.storage.postgres import Database

    return Database(
        settings.database_url,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
    )


def open_sessions(settings: Settings, database: Database | None) -> ExpiringSessionStore:
    """Sessions in ``database`` when there is one, else in memory."""
    if database is None:
        return MemorySessionStore(
            idle_seconds=settings.session_idle_seconds, max_sessions=settings.max_memory_sessions
        )
    from bot.storage.pgsessions import PostgresSessionStore

    return PostgresSessionStore(database, idle_seconds=settings.session_idle_seconds)


def open_register(settings: Settings, database: Database | None = None) -> Register:
    """The register of this deployment: PostgreSQL when configured (through ``database``'s pool
    when serving, a direct connection on the command line), else SQLite under the data dir."""
    key = register_key(settings)
    head = register_head_file(settings)
    if settings.database_url:
        from bot.storage.pgregister import PostgresRegister

        return PostgresRegister(settings.database_url, key=key, database=database, head=head)
    return SqliteRegister(settings.data_dir / REGISTER_FILE, key=key, head=head)


def retention_cutoff(older_than: str, *, now: datetime | None = None) -> str:
    """The register time before which records are older than ``older_than`` ("24m")."""
    match = _MONTHS.match(older_than)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"'{older_than}' is geen termijn in maanden, bijvoorbeeld 24m")
    moment = now or datetime.now(UTC)
    months = moment.year * 12 + moment.month - 1 - int(match.group(1))
    year, month = divmod(months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day).strftime("%Y-%m-%dT%H:%MZ")
