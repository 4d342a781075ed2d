"""The built-in partner inbox: on the embedded default, each partner of the region packs gets a
local inbox, so a request can be sent, read and picked up on one machine without any cloud.

What is kept, and for how long: a delivered request (reference, subject, urgency, the short
question, the requester's own name, organisation and callback, the child's gemeente when the
request needs it, the time, the sealed pick-up token) and, once picked up, who of the partner's
colleagues has it (their session id and the name they gave) — **in this process's memory
only**, never on disk, in the register, a session or a log. An open request stays until it is
picked up; a picked-up one stays (with the callback details, for the colleague who has it) until
that colleague closes it. Either way it is gone once it is ``max_age_seconds`` old (the pick-up
days, default 7) or the server stops. At most ``per_partner`` requests are kept per partner;
beyond that the oldest open ones make way first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.intake.intakes import IntakeTarget
from dialogs.intake import ConsultationRequest
from dialogs.turn import Reply
from knowledge.library import KnowledgeBase

__all__ = ["Inbox", "InboxCourier", "InboxItem", "PickedUp", "inbox_partners", "inbox_targets"]

DEFAULT_MAX_AGE = 7 * 24 * 3600.0
DEFAULT_PER_PARTNER = 200


@dataclass(frozen=True)
class PickedUp:
    """Who of the partner's colleagues has a request."""

    colleague: str
    """Their staff session id (``bot.access.Colleague.id``)."""
    name: str
    """The name they gave at the login ("" when none)."""
    at: str | None = None
    """The register time (UTC) of the pick-up; None while it is being recorded."""


@dataclass(frozen=True)
class InboxItem:
    """One request in a partner's inbox."""

    request: ConsultationRequest
    arrived: float
    """POSIX time of delivery, for expiry."""
    picked: PickedUp | None = None


class Inbox:
    """Requests per partner, in memory only. Every method is synchronous: on the event loop a
    check and its change cannot be interleaved with another request's."""

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
            oldest_open = next((r for r, i in items.items() if i.picked is None), None)
            items.pop(oldest_open if oldest_open is not None else next(iter(items)))

    def open(self, partner: str) -> tuple[InboxItem, ...]:
        """The partner's requests nobody has picked up, newest first."""
        return tuple(i for i in self._all(partner) if i.picked is None)

    def picked(self, partner: str) -> tuple[InboxItem, ...]:
        """The partner's picked-up requests not yet closed, newest first."""
        return tuple(i for i in self._all(partner) if i.picked is not None)

    def get(self, partner: str, reference: str) -> InboxItem | None:
        """One request, or None."""
        self._expire()
        return self._items.get(partner, {}).get(reference)

    def reserve(self, partner: str, reference: str, who: PickedUp) -> InboxItem | None:
        """Mark an open request as being picked up by ``who``; the item when this call did it,
        None when it is gone or someone has it already."""
        item = self.get(partner, reference)
        if item is None or item.picked is not None:
            return None
        self._items[partner][reference] = replace(item, picked=who)
        return item

    def confirm(self, partner: str, reference: str, at: str) -> None:
        """The register holds the pick-up (at ``at``): the reservation stands."""
        item = self._items.get(partner, {}).get(reference)
        if item is not None and item.picked is not None:
            self._items[partner][reference] = replace(item, picked=replace(item.picked, at=at))

    def release(self, partner: str, reference: str) -> None:
        """The pick-up could not be recorded: the request is open again."""
        item = self._items.get(partner, {}).get(reference)
        if item is not None:
            self._items[partner][reference] = replace(item, picked=None)

    def close(self, partner: str, reference: str, mine: Callable[[PickedUp], bool]) -> bool:
        """Wipe a picked-up request when ``mine`` says the one closing has it; False otherwise
        (not theirs, not picked up, or gone)."""
        item = self.get(partner, reference)
        if item is None or item.picked is None or not mine(item.picked):
            return False
        self.remove(partner, reference)
        return True

    def remove(self, partner: str, reference: str) -> None:
        """Forget a request."""
        self._items.get(partner, {}).pop(reference, None)

    def count(self, partner: str) -> int:
        """How many requests are open (not picked up) for ``partner``."""
        return len(self.open(partner))

    def _all(self, partner: str) -> tuple[InboxItem, ...]:
        self._expire()
        return tuple(reversed(tuple(self._items.get(partner, {}).values())))

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

    async def notify(self, address: str, notice: Reply) -> None:
        """Nothing to do: a web or terminal requester sees the pick-up on their next turn."""


def inbox_partners(knowledge: KnowledgeBase) -> tuple[str, ...]:
    """Every organisation a region pack names as a partner (Veilig Thuis, SAVE, JGZ, chain)."""
    named = (o for pack in knowledge.packs.values() for o in pack.partners)
    return tuple(o for o in dict.fromkeys(named) if o in knowledge.organisations)


def inbox_targets(knowledge: KnowledgeBase) -> tuple[IntakeTarget, ...]:
    """An inbox intake for each partner (the embedded default, without an intakes file)."""
    return tuple(IntakeTarget(p, "inbox", {}) for p in inbox_partners(knowledge))
