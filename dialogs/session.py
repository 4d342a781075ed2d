"""Session state (ids and timestamps only, never typed text) and the store port."""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Protocol

__all__ = [
    "DEFAULT_IDLE_SECONDS",
    "DEFAULT_MAX_SESSIONS",
    "MemorySessionStore",
    "Offer",
    "Session",
    "SessionConflictError",
    "SessionStore",
    "StorageUnavailableError",
    "StoredSession",
]

DEFAULT_IDLE_SECONDS = 30 * 60
DEFAULT_MAX_SESSIONS = 20_000
"""Memory sessions kept at most (a few KiB each); beyond it the least recently used goes."""

_FACT = re.compile(r"^[a-z0-9][a-z0-9:_-]{0,63}$")
"""Facts are ids (a profession, a chosen kind), never free text: the pattern enforces it."""


_CHECKED: dict[int, Mapping[str, str]] = {}
"""Facts mappings this module made, by identity (held here, so an id is not reused while it
is a key): a session derived from another (``replace``, ``touched``) keeps the same read-only
facts, which need no second check. Bounded by _CHECKED_KEPT."""
_CHECKED_KEPT = 4096


def _checked_facts(facts: Mapping[str, str]) -> Mapping[str, str]:
    if _CHECKED.get(id(facts)) is facts:
        return facts
    for key, value in facts.items():
        if not (isinstance(key, str) and isinstance(value, str)):
            raise ValueError("session facts are strings")
        if not (_FACT.match(key) and _FACT.match(value)):
            raise ValueError("session facts are ids, never free text")
    # A copy behind a read-only view: nobody holds the dict it shows, so it cannot change.
    checked = MappingProxyType(dict(facts))
    if len(_CHECKED) >= _CHECKED_KEPT:
        _CHECKED.clear()
    _CHECKED[id(checked)] = checked
    return checked


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
    facts: Mapping[str, str] = field(default_factory=dict)
    """Id-valued facts kept for the session, such as ``{"beroep": "jeugdarts"}``."""
    created: float = 0.0
    updated: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", _checked_facts(self.facts))

    def with_fact(self, key: str, value: str | None) -> Session:
        """This session with ``key`` set to ``value`` (None removes it)."""
        facts = {k: v for k, v in self.facts.items() if k != key}
        if value is not None:
            facts[key] = value
        return replace(self, facts=facts)

    def to_json(self) -> str:
        """The session as a JSON document."""
        data: dict[str, Any] = {
            "v": 1,
            "tree": self.tree_id,
            "answers": list(self.answers),
            "offer": None
            if self.offer is None
            else {"node": self.offer.node, "targets": list(self.offer.targets)},
            "facts": dict(self.facts),
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
            facts=dict(data.get("facts") or {}),
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


class StorageUnavailableError(Exception):
    """The session store cannot be reached now (a database is down); try again later.

    The channel shell answers "try again shortly" (HTTP 503) instead of an error page.
    """


class SessionStore(Protocol):
    """Where sessions live. Saves are compare-and-set on the etag."""

    async def load(self, key: str) -> StoredSession | None:
        """The live session for ``key``, or None (never saved, expired or deleted)."""
        ...

    async def save(self, key: str, session: Session, *, etag: str | None) -> str:
        """Store ``session``; ``etag`` None means create-only. Returns the new etag.

        Raises SessionConflictError when the stored etag differs (or, for create, a session exists),
        and StorageUnavailableError (from any method) when the store cannot be reached.
        """
        ...

    async def delete(self, key: str) -> None:
        """Forget the session for ``key``."""
        ...


@dataclass
class MemorySessionStore:
    """In-memory sessions as JSON documents with etags; idle sessions expire.

    At most ``max_sessions`` are kept: saving one more drops the least recently used (loaded or
    saved) session, so a flood of new conversations costs bounded memory; ``evicted`` counts
    them. An evicted conversation starts again at the menu, as after the idle time.

    The JSON document is what is kept; the last ``recent_sessions`` sessions saved are also
    kept as the (immutable) objects they were, so the next turn of an active conversation does
    not parse its document again."""

    idle_seconds: float = DEFAULT_IDLE_SECONDS
    clock: Callable[[], float] = time.time
    max_sessions: int = DEFAULT_MAX_SESSIONS
    evicted: int = 0
    recent_sessions: int = 1024
    _items: OrderedDict[str, tuple[str, str, float]] = field(
        default_factory=OrderedDict, repr=False
    )
    _recent: OrderedDict[str, Session] = field(default_factory=OrderedDict, repr=False)
    """Sessions as saved, by etag (an etag names one save of one key)."""
    _etags: Iterator[int] = field(default_factory=itertools.count, repr=False)
    _etag_prefix: str = field(default_factory=lambda: secrets.token_hex(4), repr=False)

    async def load(self, key: str) -> StoredSession | None:
        item = self._items.get(key)
        if item is None:
            return None
        document, etag, saved = item
        if self.clock() - saved > self.idle_seconds:
            self._drop(key)
            return None
        self._items.move_to_end(key)
        session = self._recent.get(etag)
        return StoredSession(session if session is not None else Session.from_json(document), etag)

    async def save(self, key: str, session: Session, *, etag: str | None) -> str:
        item = self._items.get(key)
        if item is not None and self.clock() - item[2] > self.idle_seconds:
            self._drop(key)
            item = None
        # The etag alone decides (compare-and-set); the stored document need not be read.
        if (item[1] if item is not None else None) != etag:
            raise SessionConflictError(key)
        # Unique per save within this store (compare-and-set is all an etag is for).
        new_etag = f"{self._etag_prefix}{next(self._etags):x}"
        self._items[key] = (session.to_json(), new_etag, self.clock())
        self._items.move_to_end(key)
        if etag is not None:
            self._recent.pop(etag, None)
        self._recent[new_etag] = session
        while len(self._recent) > max(0, self.recent_sessions):
            self._recent.popitem(last=False)
        while len(self._items) > max(1, self.max_sessions):
            self._drop(next(iter(self._items)))
            self.evicted += 1
        return new_etag

    def _drop(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self._recent.pop(item[1], None)

    async def delete(self, key: str) -> None:
        self._drop(key)

    async def purge(self) -> int:
        """Drop every expired session; returns how many were dropped."""
        now = self.clock()
        expired = [k for k, (_, _, saved) in self._items.items() if now - saved > self.idle_seconds]
        for key in expired:
            self._drop(key)
        return len(expired)

    async def count(self) -> int:
        """How many sessions are held (expired ones not yet purged included)."""
        return len(self._items)

    def __len__(self) -> int:
        return len(self._items)
