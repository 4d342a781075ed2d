"""The conversation core: one turn in, neutral replies out.

The flow of a turn: load the session, apply a button or a global command, match typed text to
the answers on offer, otherwise understand free text (the router: an intent, a place, a topic or a
case story); open the target through its handler (dialogs/handlers.py) or step the pure engine;
save the session (compare-and-set) and return replies. No channel code and no I/O but the session
store and, after the save, the register and intakes.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from dialogs import phrases, profession
from dialogs.commands import parse_command
from dialogs.consultation import (
    PICKUP_NODE,
    SUBMIT,
    ConsultationFlows,
    Effect,
    MemoryRequesterBook,
    RequesterBook,
    open_requests,
)
from dialogs.consultation.pickup import (
    DEFAULT_PICKUP_DAYS,
    IntakePlaces,
    NoticeOnce,
    PickupFlow,
    PickupOutcome,
    PickupRefusal,
    PickupRule,
    Press,
    claimed,
)
from dialogs.consultation.state import OWN_ORGANISATION_FACT
from dialogs.freetext import RUNNER_UP_NODE, FreeText
from dialogs.handlers import Desk
from dialogs.intake import IntakeDesk, IntakeUnavailableError, NoIntakes, Notifier, Pickup
from dialogs.matching import answer_words, match_choice
from dialogs.openrequests import find_request, open_request
from dialogs.pii import PiiHit, find_pii
from dialogs.places import place_contact_ids, resolve_place
from dialogs.register import ConsultationRegister, MemoryRegister, RegisterUnavailableError
from dialogs.router import Reading, Router
from dialogs.screens import MENU, Here, Result, flow_result
from dialogs.session import Session, SessionConflictError, SessionStore, StoredSession
from dialogs.targets import (
    COMMAND_NODE,
    CommandTarget,
    OrgTarget,
    PlaceTarget,
    decode,
)
from dialogs.turn import ContactCard, Payload, Reply, Turn
from dialogs.understanding import IntentIndex, Understanding
from knowledge.engine import Position, StepError, step
from knowledge.library import KnowledgeBase
from knowledge.normalise import normalise

__all__ = ["MAX_TEXT_LENGTH", "Conversation", "clean_text"]

MAX_TEXT_LENGTH = 1000
"""Longer messages are refused with a helpful reply (and never stored)."""

_log = logging.getLogger("verbind.conversation")


@dataclass(frozen=True)
class _Content:
    """The content in force and everything derived from it; replaced as one (``reload``)."""

    knowledge: KnowledgeBase
    router: Router
    flows: ConsultationFlows
    intents: IntentIndex
    desk: Desk
    pickups: PickupFlow
    free_text: FreeText
    answers: Mapping[str, str]
    """Words people type for a word of an answer's label (content: synonyms)."""


def clean_text(text: str) -> str:
    """Control characters become spaces; surrounding white space goes."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text).strip()


class Conversation:
    """Handles turns for every channel alike."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        sessions: SessionStore,
        router: Router | None = None,
        register: ConsultationRegister | None = None,
        intakes: IntakeDesk | None = None,
        notifier: Notifier | None = None,
        requesters: RequesterBook | None = None,
        key: bytes = b"",
        clock: Callable[[], float] = time.time,
        pickup_days: float = DEFAULT_PICKUP_DAYS,
        intake_places: IntakePlaces | None = None,
        report_url: str | None = None,
    ) -> None:
        """``pickup_days``: how long a request can be picked up; ``intake_places``: where each
        partner's intake is, so a pick-up counts only there (see dialogs.consultation.pickup)."""
        self._sessions = sessions
        # The requester's own name and organisation: typed text, so in memory, not in sessions.
        self._requesters: RequesterBook = (
            requesters if requesters is not None else MemoryRequesterBook(clock=clock)
        )
        self._report_url = report_url  # the deployment's /rapport, passed in: no URL is ours
        self._register: ConsultationRegister = (
            register if register is not None else MemoryRegister()
        )
        self._intakes: IntakeDesk = intakes if intakes is not None else NoIntakes()
        self._key = key or secrets.token_bytes(32)
        self._clock = clock
        self._rule = PickupRule(
            self._key, max_age_days=pickup_days, places=intake_places, clock=clock
        )
        self._notice = NoticeOnce(sessions, notifier)
        self._content = self._derive(knowledge, router)

    @property
    def knowledge(self) -> KnowledgeBase:
        """The content in force."""
        return self._content.knowledge

    def reload(self, knowledge: KnowledgeBase, *, router: Router | None = None) -> None:
        """Put ``knowledge`` in force, with its search index (``router``, else built here) and
        flows, all in one assignment. Call it between turns, on the thread that runs them.

        Sessions that point at trees, answers or targets no longer present are restarted
        politely at their next turn (see ``_decide``).
        """
        self._content = self._derive(knowledge, router)

    def _derive(self, knowledge: KnowledgeBase, router: Router | None) -> _Content:
        index = router if router is not None else Understanding(knowledge)

        def client_data(text: str, allowed: Iterable[str]) -> tuple[PiiHit, ...]:
            # The chat's own guard, so a form refuses what the chat reminds about: the PII
            # kinds and the names the understanding finds ("Sanne de Vries").
            hits = find_pii(text, allowed_numbers=allowed)
            if index.understand(text).person and all(h.kind != "naam" for h in hits):
                hits = (*hits, PiiHit("naam"))
            return hits

        flows = ConsultationFlows(
            knowledge,
            intakes=self._intakes,
            key=self._key,
            requesters=self._requesters,
            client_data=client_data,
            clock=self._clock,
        )
        desk = Desk(knowledge, flows, self._intakes, report_url=self._report_url)
        pickups = PickupFlow(knowledge, self._rule, notice=flows.pickup_notice, clock=self._clock)
        intents = IntentIndex(knowledge.intents)
        return _Content(
            knowledge,
            index,
            flows,
            intents,
            desk,
            pickups,
            FreeText(desk),
            answer_words(knowledge),
        )

    # One turn's decision is synchronous, so it sees one ``_Content`` from start to end.
    @property
    def _knowledge(self) -> KnowledgeBase:
        return self._content.knowledge

    @property
    def _router(self) -> Router:
        return self._content.router

    @property
    def _flows(self) -> ConsultationFlows:
        return self._content.flows

    @property
    def _desk(self) -> Desk:
        return self._content.desk

    async def handle(self, turn: Turn) -> list[Reply]:
        """Handle one turn and return the replies to show, in order."""
        started = time.perf_counter()
        stored = await self._sessions.load(turn.key)
        session = stored.session if stored is not None else None
        notices, session = await self._notices(session)
        session, turn, answered = await self._record_press(session, turn)
        result = answered if answered is not None else self._decide(session, turn)
        try:
            etag = stored.etag if stored is not None else None
            if result.session is None:
                await self._sessions.delete(turn.key)
                self._requesters.forget(turn.key)
            else:
                etag = await self._sessions.save(
                    turn.key, result.session.touched(self._clock()), etag=etag
                )
        except SessionConflictError:
            _log.info("turn conflict channel=%s", turn.channel)
            return [Reply(phrases.CONFLICT)]
        replies = result.replies
        if result.effect is not None:
            replies = await self._apply(result.effect, turn, stored, etag, result.session)
        elapsed = (time.perf_counter() - started) * 1000
        _log.info("turn channel=%s action=%s ms=%.1f", turn.channel, result.action, elapsed)
        return [*notices, *replies]

    def is_command(self, text: str) -> bool:
        """True when ``text`` is a global command ("help", "menu", "stop", …): typed while a
        form waits, it is that command, never a value of the form (every channel alike)."""
        return parse_command(clean_text(text), self._content.intents) is not None

    def check_pickup(self, press: Press) -> Pickup | PickupRefusal:
        """The one pick-up rule (dialogs.consultation.pickup) for a page that asks before it
        offers the button (the pick-up link's confirmation page)."""
        return self._rule.check(press)

    async def pick_up(self, press: Press) -> PickupOutcome:
        """A pick-up from a page (the built-in inbox, a webhook partner's link): the same rule
        and the same once-only record and notice as a chat button."""
        result = self._content.pickups.press(Session(), press)
        if result.effect is None:
            refusal = self._rule.check(press)
            reason = refusal.reason if isinstance(refusal, PickupRefusal) else None
            return PickupOutcome("geweigerd", result.replies[0].text, refusal=reason)
        return await self._apply_pickup(result.effect)

    async def _notices(self, session: Session | None) -> tuple[list[Reply], Session | None]:
        """Tell the user about their requests that were picked up since the last turn (unless
        the pick-up told them already, see NoticeOnce)."""
        notices: list[Reply] = []
        for request in open_requests(session) if session is not None else ():
            try:
                status = await self._register.status(request.reference)
            except RegisterUnavailableError:
                return notices, session
            if status == "opgepakt":
                assert session is not None
                # Told now (the NoticeOnce rule), with the offer to record it under its reference.
                session, notice = self._flows.after_pickup(session, request)
                notices.append(notice)
        return notices, session

    async def _record_press(
        self, session: Session | None, turn: Turn
    ) -> tuple[Session | None, Turn, Result | None]:
        """A notice's record button carries its request sealed: pressed after the session that
        sent the request ended (or in another one), the request is put back in the session —
        only while the register says it is picked up and not yet recorded, so it is recorded
        once — and the press becomes the session's own "Overleg vastleggen: VB-…". A record
        button (this one, or the "Vastleggen" that confirms it) pressed once the consultation
        is recorded — by anyone, in any window — is answered at once: it was recorded already."""
        payload = turn.payload
        opened = self._flows.sealed_request(payload) if payload is not None else None
        reference = opened.reference if opened is not None else None
        if opened is None and payload is not None:
            reference = self._flows.confirmed_reference(payload)
        if reference is None:
            return session, turn, None
        if opened is not None:
            turn = replace(turn, payload=self._flows.linked_payload(reference))
        if session is not None and find_request(session, reference) is not None:
            return session, turn, None
        try:
            status = await self._register.status(reference)
            recorded = status == "vastgelegd"
            kept = await self._register.kept(reference, "vastgelegd") if recorded else None
        except RegisterUnavailableError:
            return session, turn, None  # not put back: the press is answered as an old button
        if kept is not None:
            done = self._flows.already_recorded(session or Session(), kept)
            return session, turn, flow_result(done)
        if status != "opgepakt" or opened is None:
            return session, turn, None
        return open_request(session or Session(), opened), turn, None

    async def _apply_pickup(self, effect: Effect) -> PickupOutcome:
        """Record the pick-up unless another press won (atomically, in the register); the
        winner tells the requester, once."""
        assert effect.record is not None
        assert effect.pickup is not None
        try:
            claim = await self._register.record_once(effect.record)
        except RegisterUnavailableError as exc:
            _log.warning("pickup failed error=%s", type(exc).__name__)
            return PickupOutcome("mislukt", effect.failed[0].text, effect.pickup.reference)
        if claim.recorded and effect.notice is not None:
            await self._notice.deliver(effect.pickup, effect.notice)
        return claimed(claim, effect)

    async def _apply(
        self,
        effect: Effect,
        turn: Turn,
        before: StoredSession | None,
        etag: str | None,
        after: Session | None,
    ) -> list[Reply]:
        """Do what the turn decided, now that its session (``after``) is saved; on failure,
        undo the step."""
        if effect.pickup is not None:
            outcome = await self._apply_pickup(effect)
            won = outcome.result == "opgepakt"
            return [Reply(outcome.text, kind="info" if won else "warning")]
        claim = None
        try:
            if effect.request is not None:
                await self._intakes.deliver(effect.request)
            if effect.record is not None and effect.once:
                # A request's consultation: once per reference, whoever presses (atomically).
                claim = await self._register.record_once(effect.record)
            elif effect.record is not None:
                await self._register.append(effect.record)
            if effect.requester is not None:
                self._requesters.keep(turn.key, effect.requester)
        except (IntakeUnavailableError, RegisterUnavailableError) as exc:
            _log.warning("effect failed channel=%s error=%s", turn.channel, type(exc).__name__)
            if before is not None and etag is not None:
                with contextlib.suppress(SessionConflictError):
                    await self._sessions.save(turn.key, before.session, etag=etag)
            return list(effect.failed)
        if claim is not None and not claim.recorded:
            return self._flows.already_recorded(after or Session(), claim.kept).replies
        return list(effect.done)

    # -- deciding ------------------------------------------------------------------------------

    def _decide(self, session: Session | None, turn: Turn) -> Result:
        current = session or Session()
        screens = self._desk.screens
        try:
            here = screens.here(current)
        except (KeyError, StepError):
            return self._restart(current)
        if not self._offer_in_force(current):
            return self._restart(current)
        if turn.payload is not None:
            return self._on_payload(current, here, turn.payload, turn)
        text = clean_text(turn.text)
        if len(text) > MAX_TEXT_LENGTH:
            notice = Reply(phrases.TOO_LONG.format(limit=MAX_TEXT_LENGTH), kind="warning")
            return Result(current, [notice, *screens.prompt(current, here, turn)], "too-long")
        if not text:
            if session is None:
                return screens.menu(current, welcome=True)
            return Result(
                current, [Reply(phrases.EMPTY), *screens.prompt(current, here, turn)], "empty"
            )
        return self._on_text(current, here, turn, text, new=session is None)

    def _restart(self, session: Session) -> Result:
        """The session points at content that is gone (a reload): say so, show the menu."""
        menu = self._desk.screens.menu(session, welcome=False)
        warning = Reply(phrases.CONTENT_CHANGED, kind="warning")
        return Result(menu.session, [warning, *menu.replies], "content-changed")

    def _offer_in_force(self, session: Session) -> bool:
        """False when the session offers a target that a reload removed."""
        if session.offer is None:
            return True
        targets = (decode(raw) for raw in session.offer.targets)
        return all(t is None or self._desk.known(t) for t in targets)

    def _on_text(
        self, session: Session, here: Here | None, turn: Turn, text: str, *, new: bool
    ) -> Result:
        if self._flows.wants_form(session) and not self.is_command(text):
            typed = normalise(text)
            buttons = self._desk.screens.buttons(session, here)
            pressed = [b for b in buttons if normalise(b.label) == typed]
            if pressed:  # the name of a button beside the form ("Annuleren")
                return self._on_payload(session, here, pressed[0].payload, turn)
            # Typed instead of the form: the text is the question (never echoed or kept); the
            # flow's own guard refuses client data there. Danger in it still comes first.
            result = flow_result(self._flows.submit(session, turn, {"vraag": text}))
            reading = Reading(danger=self._understand(session, text).danger)
            return self._content.free_text.safety(result, reading)
        answered = self._typed_answer(session, here, turn, text, new=new)
        if answered is not None:
            return self._reminded(answered, text, person=False)
        reading = self._understand(session, text)
        offer = session.offer.targets if session.offer is not None else ()
        if self._flows.in_flow(offer) and not (reading.targets or reading.danger or reading.role):
            # A typed answer in a flow that matches no choice and asks nothing else: said so,
            # with the choices again — never taken as one of them.
            replies = [
                Reply(phrases.NOT_UNDERSTOOD_CHOICE, kind="warning"),
                *self._desk.screens.prompt(session, here, turn),
            ]
            return self._reminded(Result(session, replies, "not-understood"), text, person=False)
        result = self._content.free_text.answer(session, here, turn, reading)
        return self._reminded(result, text, person=reading.person)

    def _understand(self, session: Session, text: str) -> Reading:
        """``text`` read for this user: their role, and the regions whose own answers apply
        (the child's, their own organisation's)."""
        own = session.facts.get(OWN_ORGANISATION_FACT, "")
        return self._router.understand(
            text,
            role=session.facts.get(profession.PROFESSION_FACT),
            region=self._desk.screens.region(session),
            own_regions=self.knowledge.organisation_regions(own),
        )

    @staticmethod
    def _reminded(result: Result, text: str, *, person: bool) -> Result:
        """Client data typed: a reminder (after any danger line); nothing of it is kept."""
        if not (find_pii(text) or person):
            return result
        reminder = Reply(phrases.CLIENT_DATA, kind="warning")
        replies = result.replies
        first = 1 if replies and replies[0].emergency else 0
        return replace(result, replies=[*replies[:first], reminder, *replies[first:]])

    def _typed_answer(
        self, session: Session, here: Here | None, turn: Turn, text: str, *, new: bool
    ) -> Result | None:
        """Typed text that answers what is on offer, is a command or names a profession."""
        buttons = self._desk.screens.buttons(session, here)
        index = match_choice(text, [b.label for b in buttons], synonyms=self._content.answers)
        command = parse_command(text, self._content.intents)
        exact = index is not None and normalise(text) == normalise(buttons[index].label)
        if command is not None and not exact:
            return self._desk.commands.run(session, here, command, new=new, turn=turn)
        if index is not None:
            return self._on_payload(session, here, buttons[index].payload, turn)
        other = self._flows.typed_step(session.offer.targets, text) if session.offer else None
        if other is not None:  # "Andere gemeente" at the kind question: the place step
            return self._desk.open(session, here, other, turn)
        chosen = profession.typed(text)
        if chosen is not None:
            return self._desk.professions.chosen(session, chosen, here=here, turn=turn)
        return None

    def _on_payload(
        self, session: Session, here: Here | None, payload: Payload, turn: Turn
    ) -> Result:
        if payload.node == PICKUP_NODE:
            press = Press(payload.choice, turn.channel, turn.place)
            return flow_result(self._content.pickups.press(session, press))
        if payload.node == RUNNER_UP_NODE:
            return self._content.free_text.runner_up(session, here, payload.choice, turn)
        offer = session.offer
        offered = offer is not None and payload.choice in offer.targets
        if payload.choice == SUBMIT and offered:
            return flow_result(self._flows.submit(session, turn, turn.form or {}))
        target = decode(payload.choice)
        menu = payload.node == MENU and payload.choice in self._desk.screens.menu_targets(session)
        from_offer = offered and offer is not None and payload.node == offer.node
        command = isinstance(target, CommandTarget) and payload.node == COMMAND_NODE
        accepted = target is not None and self._flows.accepts(session, target)
        if target is not None and (menu or from_offer or command or accepted):
            return self._desk.open(session, here, target, turn)
        if here is not None and _offers(here, payload):
            position = step(here.tree, Position(here.tree.id, session.answers), payload.choice)
            return self._desk.screens.show(session, here.tree, position.answers, action="step")
        stale = Reply(phrases.STALE_BUTTON, kind="warning")
        return Result(
            session, [stale, *self._desk.screens.prompt(session, here, turn)], "stale-button"
        )

    def contacts_for(self, text: str, *, limit: int = 5) -> tuple[ContactCard, ...]:
        """Contact cards for a partner or a place (the compose-box search), best first."""
        routing = self._router.understand(clean_text(text)[:MAX_TEXT_LENGTH])
        ids: list[str] = []
        beside = (routing.beside,) if routing.beside is not None else ()
        for target in (*beside, *routing.targets):
            if isinstance(target, OrgTarget) and target.org in self.knowledge.organisations:
                ids.append(target.org)
            place = (
                resolve_place(self.knowledge, target) if isinstance(target, PlaceTarget) else None
            )
            if place is not None:
                ids += place_contact_ids(self.knowledge, place)
        return self._desk.screens.contacts(list(dict.fromkeys(ids))[:limit])


def _offers(here: Here, payload: Payload) -> bool:
    """True when ``payload`` answers the current node of ``here``."""
    node = here.walk.node
    return payload.node == node.id and any(o.key == payload.choice for o in node.options)
