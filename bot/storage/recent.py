"""Request ids already handled, so a platform's retries and replays are answered once.

Slack retries an event it thinks was not acknowledged (``X-Slack-Retry-Num``, after about 0 s,
1 min and 5 min) and a signed slash command or button press can be replayed within its
five-minute window; Teams sends an install as two events (installationUpdate and
conversationUpdate) that must make one welcome. An id is remembered for ``KEEP_SECONDS``
whatever else arrives meanwhile: the memory is bounded by time, never by a count that a burst of
other requests could push an id out of. In memory the ids are kept per process; with PostgreSQL
(the ``slack_requests`` table, which holds every kind) every instance behind a load balancer
shares them. Ids are kept as hashes only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.storage.postgres import Database

__all__ = ["KEEP_SECONDS", "MemoryRecentRequests", "PostgresRecentRequests", "RecentRequests"]

KEEP_SECONDS = 3600.0
"""Longer than any retry (Slack's last is after about five minutes) or signature window."""
PURGE_EVERY_SECONDS = 60.0
"""How often an instance deletes expired ids from PostgreSQL."""


class RecentRequests(Protocol):
    """Remembers request ids."""

    async def first_time(self, request_id: str) -> bool:
        """True the first time ``request_id`` is seen within KEEP_SECONDS; False for a retry
        or a replay."""
        ...


def _digest(request_id: str) -> str:
    return hashlib.sha256(request_id.encode()).hexdigest()


class MemoryRecentRequests:
    """The ids this process saw in the last ``keep`` seconds (dropped as they expire)."""

    def __init__(
        self, *, keep: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seen: dict[str, float] = {}
        """Digest → when first seen; insertion order is time order (a monotonic clock)."""
        self._keep = keep
        self._clock = clock

    def __len__(self) -> int:
        return len(self._seen)

    async def first_time(self, request_id: str) -> bool:
        now = self._clock()
        self._forget(before=now - self._keep)
        digest = _digest(request_id)
        if digest in self._seen:
            return False
        self._seen[digest] = now
        return True

    def _forget(self, *, before: float) -> None:
        """Drop the ids seen before ``before``: the oldest come first."""
        while self._seen:
            oldest = next(iter(self._seen))
            if self._seen[oldest] >= before:
                return
            del self._seen[oldest]


class PostgresRecentRequests:
    """Ids in the deployment's database, shared by its instances."""

    def __init__(
        self,
        database: Database,
        *,
        keep: float = KEEP_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._database = database
        self._keep = keep
        self._clock = clock
        self._purged = float("-inf")

    async def first_time(self, request_id: str) -> bool:
        now = self._clock()
        async with self._database.connection() as conn:
            # New, or seen so long ago that it expired (a row the purge has not reached yet):
            # the row is (re)written and counts as the first time.
            cursor = await conn.execute(
                "INSERT INTO slack_requests (id, seen) VALUES (%s, %s) "
                "ON CONFLICT (id) DO UPDATE SET seen = EXCLUDED.seen "
                "WHERE slack_requests.seen < %s",
                (_digest(request_id), now, now - self._keep),
            )
            first = cursor.rowcount == 1
            if now - self._purged >= PURGE_EVERY_SECONDS:
                self._purged = now
                await conn.execute(
                    "DELETE FROM slack_requests WHERE seen < %s", (now - self._keep,)
                )
        return first
