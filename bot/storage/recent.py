"""Request ids already handled, so a platform's retries and replays are answered once.

Slack retries an event it thinks was not acknowledged (``X-Slack-Retry-Num``) and a signed slash
command or button press can be replayed within its five-minute window. In memory the ids are kept
per process; with PostgreSQL (``slack_requests``) every instance behind a load balancer shares
them. Ids are stored as hashes and dropped after an hour.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.storage.postgres import Database

__all__ = ["KEEP_SECONDS", "MemoryRecentRequests", "PostgresRecentRequests", "RecentRequests"]

KEEP_SECONDS = 3600.0
"""Longer than any retry (Slack's last is after about five minutes) or signature window."""
_MEMORY_SIZE = 10_000
_PURGE_EVERY = 500


class RecentRequests(Protocol):
    """Remembers request ids."""

    async def first_time(self, request_id: str) -> bool:
        """True the first time ``request_id`` is seen; False for a retry or a replay."""
        ...


class MemoryRecentRequests:
    """The last ids of this process (bounded: the oldest are forgotten first)."""

    def __init__(self, size: int = _MEMORY_SIZE) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    async def first_time(self, request_id: str) -> bool:
        if request_id in self._ids:
            return False
        self._ids[request_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


class PostgresRecentRequests:
    """Ids in the deployment's database, shared by its instances."""

    def __init__(self, database: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._clock = clock
        self._inserts = 0

    async def first_time(self, request_id: str) -> bool:
        digest = hashlib.sha256(request_id.encode()).hexdigest()
        now = self._clock()
        async with self._database.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO slack_requests (id, seen) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                (digest, now),
            )
            first = cursor.rowcount == 1
            self._inserts += 1
            if self._inserts % _PURGE_EVERY == 0:
                await conn.execute(
                    "DELETE FROM slack_requests WHERE seen < %s", (now - KEEP_SECONDS,)
                )
        return first
