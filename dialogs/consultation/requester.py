"""The requester's own name and organisation, remembered for one conversation.

Sessions hold ids only and are written to a database; what a professional types about
themselves is text, so it is kept apart: in this process's memory, under the conversation's
opaque key, for as long as a session lives without a turn (30 minutes by default), for at most
``max_entries`` conversations, never on disk, in the register or in a log. ``stop`` forgets it
at once. With several instances each keeps its own: on another instance the form is simply
empty again. It fills the next request form in the same conversation, so the name is typed once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from dialogs.session import DEFAULT_IDLE_SECONDS

__all__ = ["MemoryRequesterBook", "Requester", "RequesterBook"]

DEFAULT_MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class Requester:
    """A professional's own name and organisation as they typed them (either may be empty)."""

    name: str = ""
    organisation: str = ""


class RequesterBook(Protocol):
    """Where a conversation's requester details are kept between its turns."""

    def recall(self, key: str) -> Requester | None:
        """The details kept for conversation ``key``, if any (and still fresh)."""
        ...

    def keep(self, key: str, requester: Requester) -> None:
        """Keep ``requester`` for conversation ``key``."""
        ...

    def forget(self, key: str) -> None:
        """Drop what is kept for conversation ``key``."""
        ...


@dataclass
class MemoryRequesterBook:
    """Requester details in this process's memory, expiring like sessions, bounded in count."""

    idle_seconds: float = DEFAULT_IDLE_SECONDS
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.time
    _items: OrderedDict[str, tuple[Requester, float]] = field(
        default_factory=OrderedDict, repr=False
    )

    def recall(self, key: str) -> Requester | None:
        """The details for ``key``; None when unknown or idle longer than a session lives."""
        item = self._items.get(key)
        if item is None:
            return None
        if self.clock() - item[1] > self.idle_seconds:
            del self._items[key]
            return None
        self.keep(key, item[0])  # in use: it lives as long as the conversation does
        return item[0]

    def keep(self, key: str, requester: Requester) -> None:
        """Keep ``requester`` for ``key``; the least recently kept go beyond ``max_entries``."""
        self._items[key] = (requester, self.clock())
        self._items.move_to_end(key)
        while len(self._items) > max(1, self.max_entries):
            self._items.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drop ``key``'s details."""
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
