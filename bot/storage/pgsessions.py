"""Sessions in PostgreSQL: JSON documents with an etag, compare-and-set, idle expiry.

Shared by every instance of a deployment, so a conversation may move between instances from one
turn to the next, and a duplicate click that reaches two instances at once advances it once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from bot.storage.postgres import Database
from dialogs.session import (
    DEFAULT_IDLE_SECONDS,
    Session,
    SessionConflictError,
    StoredSession,
)

__all__ = ["PostgresSessionStore"]

# Create-only: a new row, or the place of an expired one (which counts as absent).
_CREATE = """
INSERT INTO sessions AS s (key, document, etag, saved) VALUES (%(key)s, %(doc)s, %(etag)s, %(now)s)
ON CONFLICT (key) DO UPDATE
    SET document = excluded.document, etag = excluded.etag, saved = excluded.saved
    WHERE s.saved < %(cutoff)s
"""
# Compare-and-set. An UPDATE rather than INSERT … ON CONFLICT: a session deleted ("stop") or
# expired since it was loaded must give a conflict, not come back to life.
_UPDATE = """
UPDATE sessions SET document = %(doc)s, etag = %(etag)s, saved = %(now)s
WHERE key = %(key)s AND etag = %(expected)s AND saved >= %(cutoff)s
"""


class PostgresSessionStore:
    """The :class:`~dialogs.session.SessionStore` port on a shared PostgreSQL table.

    Keys are stored as given: channels already hand over opaque ids or hashes, never text.
    """

    def __init__(
        self,
        database: Database,
        *,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = database
        self.idle_seconds = idle_seconds
        self.clock = clock

    async def load(self, key: str) -> StoredSession | None:
        """The live session for ``key``; an expired one is absent."""
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "SELECT document, etag FROM sessions WHERE key = %s AND saved >= %s",
                (key, self._cutoff()),
            )
            row = await cursor.fetchone()
        if row is None:
            return None
        return StoredSession(Session.from_json(row[0]), row[1])

    async def save(self, key: str, session: Session, *, etag: str | None) -> str:
        """Create (``etag`` None) or compare-and-set; SessionConflictError when beaten to it."""
        now = self.clock()
        new_etag = uuid.uuid4().hex
        values = {
            "key": key,
            "doc": session.to_json(),
            "etag": new_etag,
            "now": now,
            "cutoff": now - self.idle_seconds,
            "expected": etag,
        }
        async with self._db.connection() as conn:
            cursor = await conn.execute(_CREATE if etag is None else _UPDATE, values)
            changed = cursor.rowcount
        if changed != 1:
            raise SessionConflictError(key)
        return new_etag

    async def delete(self, key: str) -> None:
        """Forget the session for ``key``."""
        async with self._db.connection() as conn:
            await conn.execute("DELETE FROM sessions WHERE key = %s", (key,))

    async def purge(self) -> int:
        """Delete every expired session; returns how many."""
        async with self._db.connection() as conn:
            cursor = await conn.execute("DELETE FROM sessions WHERE saved < %s", (self._cutoff(),))
            return cursor.rowcount

    async def count(self) -> int:
        """How many sessions are stored (expired ones not yet purged included)."""
        async with self._db.connection() as conn:
            cursor = await conn.execute("SELECT count(*) FROM sessions")
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    def _cutoff(self) -> float:
        return self.clock() - self.idle_seconds
