"""The built-in partner inbox: on the embedded default, each partner of the region packs gets a
local inbox, so a request can be sent, read and picked up on one machine without any cloud.

What is kept, and for how long: a delivered request (reference, subject, urgency, the short
question, the requester's own name, organisation and callback, the child's gemeente when the
request needs it, the time, the sealed pick-up token) stays **in this process's memory only** —
never on disk, in the register or in a log — until it is picked up, until it is
``max_age_seconds`` old (the pick-up days, default 7), or until the server stops. At most
``per_partner`` open requests are kept per partner; older ones make way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.intake.intakes import IntakeTarget
from dialogs.intake import ConsultationRequest
from knowledge.library import KnowledgeBase

__all__ = ["Inbox", "InboxCourier", "InboxItem", "inbox_partners", "inbox_targets"]

DEFAULT_MAX_AGE = 7 * 24 * 3600.0
DEFAULT_PER_PARTNER = 200


@dataclass(frozen=True)
class InboxItem:
    """One open request in a partner's inbox."""

    request: ConsultationRequest
    arrived: float
    """POSIX time of delivery, for expiry."""


class Inbox:
    """Open requests per partner, in memory only."""

    def __init__(
        self,
        *,
        max_age_seconds: float = DEFAULT_MAX_AGE,
        per_partner: int = DEFAULT_PER_PARTNER,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._items: dict[str, dict[str, InboxItem]] = {}
        self._max_age = max_age_seconds
        self._per_partner = per_partner
        self._clock = clock

    def put(self, request: ConsultationRequest) -> None:
        """Keep ``request`` in its partner's inbox."""
        items = self._items.setdefault(request.partner, {})
        items[request.reference] = InboxItem(request, self._clock())
        while len(items) > self._per_partner:
            items.pop(next(iter(items)))

    def open(self, partner: str) -> tuple[InboxItem, ...]:
        """The partner's open requests, newest first (expired ones are dropped first)."""
        self._expire()
        return tuple(reversed(tuple(self._items.get(partner, {}).values())))

    def get(self, partner: str, reference: str) -> InboxItem | None:
        """One open request, or None."""
        self._expire()
        return self._items.get(partner, {}).get(reference)

    def remove(self, partner: str, reference: str) -> None:
        """Forget a request (it was picked up)."""
        self._items.get(partner, {}).pop(reference, None)

    def count(self, partner: str) -> int:
        """How many requests are open for ``partner``."""
        return len(self.open(partner))

    def _expire(self) -> None:
        cutoff = self._clock() - self._max_age
        for items in self._items.values():
            for reference in [r for r, item in items.items() if item.arrived < cutoff]:
                del items[reference]


class InboxCourier:
    """Delivers requests into the inbox. Requesters are told on their next turn."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    async def deliver(self, target: IntakeTarget, request: ConsultationRequest) -> None:
        """Put ``request`` in the inbox (cannot fail)."""
        self._inbox.put(request)

    async def notify(self, address: str, text: str) -> None:
        """Nothing to do: a web or terminal requester sees the pick-up on their next turn."""


def inbox_partners(knowledge: KnowledgeBase) -> tuple[str, ...]:
    """Every organisation a region pack names as a partner (Veilig Thuis, SAVE, JGZ, chain)."""
    named = (o for pack in knowledge.packs.values() for o in pack.partners)
    return tuple(o for o in dict.fromkeys(named) if o in knowledge.organisations)


def inbox_targets(knowledge: KnowledgeBase) -> tuple[IntakeTarget, ...]:
    """An inbox intake for each partner (the embedded default, without an intakes file)."""
    return tuple(IntakeTarget(p, "inbox", {}) for p in inbox_partners(knowledge))
