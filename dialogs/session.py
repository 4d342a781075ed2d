"""Session state (ids and timestamps only, never typed text) and the store port."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

__all__ = [
    "DEFAULT_IDLE_SECONDS",
    "MemorySessionStore",
    "Offer",
    "Session",
    "SessionConflictError",
    "SessionStore",
    "StoredSession",
]

DEFAULT_IDLE_SECONDS = 30 * 60


@dataclass(frozen=True)
class Offer:
    """Choices offered outside a tree node (menu, "bedoelt u…", follow-ups), as target ids."""

    node: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    """Where one conversation stands. Holds ids and timestamps only."""

    tree_id: str | None = None
    answers: tuple[str, ...] = ()
    offer: Offer | None = None
    created: float = 0.0
    updated: float = 0.0

    def to_json(self) -> str:
        """The session as a JSON document."""
        data: dict[str, Any] = {
            "v": 1,
            "tree": self.tree_id,
            "answers": list(self.answers),
            "offer": None
            if self.offer is None
            else {"node": self.offer.node, "targets": list(self.offer.targets)},
            "created": self.created,
            "updated": self.updated,
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Session:
        """Read a session written by ``to_json``; ValueError if it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("not a version 1 session")
        offer = data.get("offer")
        return cls(
            tree_id=data["tree"],
            answers=tuple(str(a) for a in data["answers"]),
            offer=None
            if offer is None
            else Offer(str(offer["node"]), tuple(str(t) for t in offer["targets"])),
            created=float(data["created"]),
            updated=float(data["updated"]),
        )

    def touched(self, now: float) -> Session:
        """This session with its timestamps brought up to ``now``."""
        return replace(self, created=self.created or now, updated=now)


@dataclass(frozen=True)
class StoredSession:
    """A session as loaded, with the etag that a later save must present."""

    session: Session
    etag: str


class SessionConflictError(Exception):
    """Another turn saved the session first (compare-and-set failed)."""


class SessionStore(Protocol):
    """Where sessions live. Saves are compare-and-set on the etag."""

    async def load(self, key: str) -> StoredSession | None:
        """The live session for ``key``, or None (never saved, expired or deleted)."""
        ...

    async def save(self, key: str, session: Session, *, etag: str | None) -> str:
        """Store ``session``; ``etag`` None means create-only. Returns the new etag.

        Raises SessionConflictError when the stored etag differs (or, for create, a session exists).
        """
        ...

    async def delete(self, key: str) -> None:
        """Forget the session for ``key``."""
        ...


@dataclass
class MemorySessionStore:
    """In-memory sessions as JSON documents with etags; idle sessions expire."""

    idle_seconds: float = DEFAULT_IDLE_SECONDS
    clock: Callable[[], float] = time.time
    _items: dict[str, tuple[str, str, float]] = field(default_factory=dict, repr=False)

    async def load(self, key: str) -> StoredSession | None:
        item = self._items.get(key)
        if item is None:
            return None
        document, etag, saved = item
        if self.clock() - saved > self.idle_seconds:
            del self._items[key]
            return None
        return StoredSession(Session.from_json(document), etag)

    async def save(self, key: str, session: Session, *, etag: str | None) -> str:
        current = await self.load(key)
        if (current.etag if current else None) != etag:
            raise SessionConflictError(key)
        new_etag = uuid.uuid4().hex
        self._items[key] = (session.to_json(), new_etag, self.clock())
        return new_etag

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    def purge(self) -> int:
        """Drop every expired session; returns how many were dropped."""
        now = self.clock()
        expired = [k for k, (_, _, saved) in self._items.items() if now - saved > self.idle_seconds]
        for key in expired:
            del self._items[key]
        return len(expired)

    def __len__(self) -> int:
        return len(self._items)
