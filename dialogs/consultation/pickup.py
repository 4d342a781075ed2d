"""May this request be picked up? The one rule, for every channel and page, and the pick-up.

Every "Ik pak dit op" comes here as a :class:`Press`: a Teams or Slack button in the partner's
intake chat (through ``Conversation.handle``), the built-in inbox and the pick-up link page
(through ``Conversation.pick_up``). :class:`PickupRule` answers, in this order:

1. the sealed token is genuine (else ``ongeldig``);
2. it is at most ``VERBIND_PICKUP_DAYS`` old (else ``verlopen``: a forwarded or leaked button or
   link stops working);
3. it is pressed through the intake the request was delivered to: the same kind of intake
   (Teams, Slack, inbox, webhook link) and, for a chat, the same conversation or channel (a
   thread in it counts) — else ``elders``. Without a :class:`IntakePlaces` port (a terminal chat,
   tests) only 1 and 2 apply.

Whether it was picked up already is not read here: the register decides that atomically when
the pick-up is recorded (``ConsultationRegister.record_once``), so of two presses at once
exactly one wins. :class:`NoticeOnce` then tells the requester exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from dialogs.consultation.steps import Effect, FlowResult
from dialogs.intake import Notifier, Pickup, read_pickup, shown_time
from dialogs.openrequests import OpenRequest, find_request, picked_up, reopened
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import PICKUP
from dialogs.register import Claim, ConsultationRecord, minute
from dialogs.session import Session, SessionConflictError, SessionStore
from dialogs.turn import Reply
from knowledge.library import KnowledgeBase

__all__ = [
    "DEFAULT_PICKUP_DAYS",
    "IntakePlace",
    "IntakePlaces",
    "NoticeOnce",
    "PickupFlow",
    "PickupOutcome",
    "PickupRefusal",
    "PickupRule",
    "Press",
    "Refusal",
    "claimed",
    "told",
    "waiting",
]

DEFAULT_PICKUP_DAYS = 7.0
"""How long a request can be picked up (``VERBIND_PICKUP_DAYS``)."""
_CAS_ATTEMPTS = 5

Refusal = Literal["ongeldig", "verlopen", "elders"]
Result = Literal["opgepakt", "al-opgepakt", "geweigerd", "mislukt"]


@dataclass(frozen=True)
class IntakePlace:
    """Where a partner's requests arrive."""

    channel: str
    """The kind of intake, named as the pressing channel names itself: ``teams``, ``slack``,
    ``inbox`` or ``webhook`` (the pick-up link page)."""
    chat: str | None = None
    """The Teams conversation id, Slack channel id or inbox partner id; None for a link."""


class IntakePlaces(Protocol):
    """Tells where each partner's intake is (the deployment's intakes)."""

    def intake_place(self, partner: str) -> IntakePlace | None:
        """The intake of ``partner``, or None when it has none here."""
        ...


@dataclass(frozen=True)
class Press:
    """One press of "Ik pak dit op"."""

    token: str
    """The sealed :class:`dialogs.intake.Pickup` the button or link carries."""
    channel: str
    """Through what it was pressed: ``teams``, ``slack``, ``inbox``, ``webhook`` (the link)."""
    place: str | None = None
    """Where, when the channel tells: a Teams conversation id (``19:…;messageid=…``), a Slack
    channel id, the inbox's partner id; None for a link."""


@dataclass(frozen=True)
class PickupRefusal:
    """Why a press is refused, and what to tell the one who pressed."""

    reason: Refusal
    text: str


@dataclass(frozen=True)
class PickupOutcome:
    """What one press came to, for a page to show."""

    result: Result
    text: str
    """Dutch, for the one who pressed."""
    reference: str | None = None
    refusal: Refusal | None = None
    picked_at: str | None = None
    """The register time (UTC) of the pick-up in force, once there is one."""


class PickupRule:
    """The one answer to "may this request be picked up here and now?"."""

    def __init__(
        self,
        key: bytes,
        *,
        max_age_days: float = DEFAULT_PICKUP_DAYS,
        places: IntakePlaces | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self.max_age_days = max_age_days
        self._places = places
        self._clock = clock

    def check(self, press: Press) -> Pickup | PickupRefusal:
        """The pick-up the press carries, or why it is refused (see the module docstring)."""
        sealed = read_pickup(press.token, self._key)
        if sealed is None:
            return PickupRefusal("ongeldig", SAY["bad-pickup"])
        pickup, issued = sealed
        if self._clock() - issued > self.max_age_days * 86400:
            return PickupRefusal("verlopen", PICKUP["expired"].format(days=self._days()))
        if self._places is None:
            return pickup
        # A request partner → JGZ is picked up in the intake of the JGZ (its recipient).
        intake = self._places.intake_place(pickup.recipient or pickup.partner)
        if intake is None or intake.channel != press.channel:
            return PickupRefusal("elders", PICKUP["elsewhere"])
        if intake.chat is not None and _chat(press.place) != _chat(intake.chat):
            return PickupRefusal("elders", PICKUP["elsewhere"])
        return pickup

    def _days(self) -> str:
        return f"{self.max_age_days:g}"


def _chat(place: str | None) -> str | None:
    """A Teams channel thread is ``19:…;messageid=…``: the channel is the part before ``;``."""
    return None if place is None else place.split(";", 1)[0]


class PickupFlow:
    """Turns a press into what the conversation does: refuse it, or record it and tell."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        rule: PickupRule,
        *,
        notice: Callable[[OpenRequest], Reply],
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``notice``: the requester's notice for a picked-up request (the one the next-turn
        path gives too)."""
        self._knowledge = knowledge
        self._rule = rule
        self._notice = notice
        self._clock = clock

    def press(self, session: Session, press: Press) -> FlowResult:
        """A refusal, or the effect that records the pick-up once the session is saved."""
        checked = self._rule.check(press)
        if isinstance(checked, PickupRefusal):
            refused = Reply(checked.text, kind="warning")
            return FlowResult(session, [refused], f"pickup-{checked.reason}")
        record = ConsultationRecord(
            reference=checked.reference,
            time=minute(self._clock()),
            kind=checked.kind,  # type: ignore[arg-type]
            partner=checked.partner,
            region=checked.region,
            direction=checked.direction,  # type: ignore[arg-type]
            channel=checked.channel,
            content_version=self._knowledge.meta.version,
            status="opgepakt",
        )
        done = Reply(SAY["picked-up"].format(reference=checked.reference))
        failed = Reply(PICKUP["unavailable"].format(reference=checked.reference), kind="warning")
        request = OpenRequest(
            checked.reference,
            checked.kind,  # type: ignore[arg-type]
            checked.partner,
            checked.region,
            checked.direction,  # type: ignore[arg-type]
            picked_up=True,
        )
        notice = self._notice(request)
        effect = Effect(
            done=(done,), failed=(failed,), record=record, pickup=checked, notice=notice
        )
        return FlowResult(session, [], "pickup", effect)


def claimed(claim: Claim, effect: Effect) -> PickupOutcome:
    """The outcome once the register has answered ``record_once`` for the pick-up ``effect``."""
    reference = claim.kept.reference
    if claim.recorded:
        return PickupOutcome("opgepakt", effect.done[0].text, reference, None, claim.kept.time)
    text = PICKUP["already"].format(reference=reference, when=shown_time(claim.kept.time))
    return PickupOutcome("al-opgepakt", text, reference, None, claim.kept.time)


def waiting(session: Session, reference: str) -> bool:
    """True while ``session`` still waits to hear that ``reference`` was picked up."""
    request = find_request(session, reference)
    return request is not None and not request.picked_up


def told(session: Session, reference: str) -> Session:
    """``session`` once the requester has been told that ``reference`` was picked up (the
    request stays, as picked up, so its consultation can be recorded under its reference)."""
    return picked_up(session, reference)


class NoticeOnce:
    """Tells a requester exactly once that their request was picked up: proactively where their
    channel can (an address and a notifier: Teams, Slack), else on their next turn — never both.

    The requester's session holds the open request (a fact) until they are told. Whoever takes
    that fact away with a compare-and-set save tells them: the pick-up before it sends the
    notice, or their own next turn (``Conversation._notices``). A failed send puts the fact
    back, so the next turn tells instead. Works across instances on a shared session store.
    """

    def __init__(self, sessions: SessionStore, notifier: Notifier | None) -> None:
        self._sessions = sessions
        self._notifier = notifier

    async def deliver(self, pickup: Pickup, notice: Reply) -> None:
        """Tell the requester of ``pickup`` (``notice``), once. Without their session (it
        ended) the notice is sent all the same: its record button carries the request."""
        if pickup.address is None or self._notifier is None:
            return  # the fact stays: their next turn tells them
        taken = await self._take(pickup) if pickup.session else None
        if taken is False:
            return  # their own turn told them already, or is about to
        if not await self._notifier.notify(pickup.address, notice) and taken:
            await self._put_back(pickup)

    async def _take(self, pickup: Pickup) -> bool | None:
        """True once this call removed the open-request fact; False when it was not there (or
        kept changing); None when the requester has no session any more."""
        key = pickup.session or ""
        for _ in range(_CAS_ATTEMPTS):
            stored = await self._sessions.load(key)
            if stored is None:
                return None
            if not waiting(stored.session, pickup.reference):
                return False
            try:
                await self._sessions.save(
                    key, told(stored.session, pickup.reference), etag=stored.etag
                )
            except SessionConflictError:
                continue
            return True
        return False

    async def _put_back(self, pickup: Pickup) -> None:
        key = pickup.session or ""
        for _ in range(_CAS_ATTEMPTS):
            stored = await self._sessions.load(key)
            if stored is None:
                return
            try:
                await self._sessions.save(
                    key, reopened(stored.session, pickup.reference), etag=stored.etag
                )
            except SessionConflictError:
                continue
            return
