"""The conversation core: one turn in, neutral replies out.

The flow of a turn: load the session, apply a button or a global command, match typed text to
the answers on offer, otherwise route free text; step the pure engine; save the session
(compare-and-set) and return replies. No channel code and no I/O but the session store.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dialogs import phrases, profession
from dialogs.commands import Command, parse_command
from dialogs.consultation import (
    PICKUP_NODE,
    RECORD_START,
    REQUEST_START,
    SUBMIT,
    ConsultationFlows,
    Effect,
    FlowResult,
    open_requests,
    request_target,
)
from dialogs.contacts import contact_cards, source_notes
from dialogs.intake import IntakeDesk, IntakeUnavailableError, NoIntakes, Notifier
from dialogs.matching import match_choice
from dialogs.pii import find_pii
from dialogs.places import (
    NATIONAL_VEILIG_THUIS,
    PLACE_KINDS,
    place_contact_ids,
    place_label,
    place_sources,
    place_text,
    resolve_place,
)
from dialogs.register import ConsultationRegister, MemoryRegister, RegisterUnavailableError
from dialogs.router import Router, Routing
from dialogs.session import Offer, Session, SessionConflictError, SessionStore, StoredSession
from dialogs.turn import Button, ContactCard, Payload, Reply, SourceNote, Turn
from knowledge.engine import Position, StepError, Walk, back, step, walk
from knowledge.intents import IntentIndex
from knowledge.library import KnowledgeBase
from knowledge.model import CONTINUE_ID, PROFESSIONS, AdviceNode, DecisionTree
from knowledge.normalise import normalise
from knowledge.search import SearchIndex

__all__ = ["MAX_TEXT_LENGTH", "Conversation", "clean_text"]

MAX_TEXT_LENGTH = 1000
"""Longer messages are refused with a helpful reply (and never stored)."""

_log = logging.getLogger("verbind.conversation")

_MENU = "_menu"
_CHOOSE = "_kies"
_END = "_einde"
_FAQ = "_faq"
_CMD = "_cmd"
_RESUME = "_verder"
_LABEL_LIMIT = 75
_INTENT = "intent"
_CONTACT_SEARCH = f"{_INTENT}:contact"
_CONSULT = ("melden", "hulp", "contact")
"""Outcomes after which "Overleg vastleggen" is offered."""


@dataclass(frozen=True)
class _Content:
    """The content in force and everything derived from it; replaced as one (``reload``)."""

    knowledge: KnowledgeBase
    router: Router
    flows: ConsultationFlows
    intents: IntentIndex


@dataclass(frozen=True)
class _Here:
    """The tree and walk of a session that is inside a tree."""

    tree: DecisionTree
    walk: Walk


@dataclass(frozen=True)
class _Result:
    """What a turn decided: the next session (None: forget it) and the replies."""

    session: Session | None
    replies: list[Reply]
    action: str
    effect: Effect | None = None


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
        key: bytes = b"",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._register: ConsultationRegister = (
            register if register is not None else MemoryRegister()
        )
        self._intakes: IntakeDesk = intakes if intakes is not None else NoIntakes()
        self._notifier = notifier
        self._key = key or secrets.token_bytes(32)
        self._clock = clock
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
        index = router if router is not None else SearchIndex(knowledge)
        flows = ConsultationFlows(
            knowledge, intakes=self._intakes, key=self._key, clock=self._clock
        )
        return _Content(knowledge, index, flows, IntentIndex(knowledge.intents))

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

    async def handle(self, turn: Turn) -> list[Reply]:
        """Handle one turn and return the replies to show, in order."""
        started = time.perf_counter()
        stored = await self._sessions.load(turn.key)
        session = stored.session if stored is not None else None
        notices, session = await self._notices(session)
        result = self._decide(session, turn)
        try:
            etag = stored.etag if stored is not None else None
            if result.session is None:
                await self._sessions.delete(turn.key)
            else:
                etag = await self._sessions.save(
                    turn.key, result.session.touched(self._clock()), etag=etag
                )
        except SessionConflictError:
            _log.info("turn conflict channel=%s", turn.channel)
            return [Reply(phrases.CONFLICT)]
        replies = result.replies
        if result.effect is not None:
            replies = await self._apply(result.effect, turn, stored, etag)
        elapsed = (time.perf_counter() - started) * 1000
        _log.info("turn channel=%s action=%s ms=%.1f", turn.channel, result.action, elapsed)
        return [*notices, *replies]

    async def pick_up(self, token: str, *, channel: str) -> str:
        """A pick-up from outside a chat (a webhook partner's link); returns what to show."""
        result = self._flows.pick_up(Session(), token, channel)
        if result.effect is None:
            return result.replies[0].text
        replies = await self._apply(result.effect, Turn(key="", channel=channel), None, None)
        return replies[0].text

    async def _notices(self, session: Session | None) -> tuple[list[Reply], Session | None]:
        """Tell the user about their requests that were picked up since the last turn."""
        notices: list[Reply] = []
        for reference in open_requests(session) if session is not None else ():
            try:
                status = await self._register.status(reference)
            except RegisterUnavailableError:
                return notices, session
            if status == "opgepakt":
                assert session is not None
                session = session.with_fact(f"aanvraag:{reference.lower()}", None)
                notices.append(Reply(phrases.PICKED_UP.format(reference=reference)))
        return notices, session

    async def _apply(
        self, effect: Effect, turn: Turn, before: StoredSession | None, etag: str | None
    ) -> list[Reply]:
        """Do what the turn decided, now that its session is saved; on failure, undo the step."""
        try:
            pickup = effect.pickup
            if pickup and await self._register.status(pickup.reference) == "opgepakt":
                return list(effect.failed)
            if effect.request is not None:
                await self._intakes.deliver(effect.request)
            if effect.record is not None:
                await self._register.append(effect.record)
        except (IntakeUnavailableError, RegisterUnavailableError) as exc:
            _log.warning("effect failed channel=%s error=%s", turn.channel, type(exc).__name__)
            if before is not None and etag is not None:
                with contextlib.suppress(SessionConflictError):
                    await self._sessions.save(turn.key, before.session, etag=etag)
            return list(effect.failed)
        if effect.pickup is not None and effect.pickup.address and self._notifier is not None:
            await self._notifier.notify(effect.pickup.address, effect.notice or "")
        return list(effect.done)

    # -- deciding ------------------------------------------------------------------------------

    def _decide(self, session: Session | None, turn: Turn) -> _Result:
        current = session or Session()
        try:
            here = self._here(current)
        except (KeyError, StepError):
            return self._restart(current)
        if not self._offer_in_force(current):
            return self._restart(current)
        if turn.payload is not None:
            return self._on_payload(current, here, turn.payload, turn)
        text = clean_text(turn.text)
        if len(text) > MAX_TEXT_LENGTH:
            notice = Reply(phrases.TOO_LONG.format(limit=MAX_TEXT_LENGTH), kind="warning")
            return _Result(current, [notice, *self._prompt(current, here)], "too-long")
        if not text:
            if session is None:
                return self._menu(current, welcome=True)
            return _Result(current, [Reply(phrases.EMPTY), *self._prompt(current, here)], "empty")
        return self._on_text(current, here, turn, text, new=session is None)

    def _restart(self, session: Session) -> _Result:
        """The session points at content that is gone (a reload): say so, show the menu."""
        menu = self._menu(session, welcome=False)
        warning = Reply(phrases.CONTENT_CHANGED, kind="warning")
        return _Result(menu.session, [warning, *menu.replies], "content-changed")

    def _on_text(
        self, session: Session, here: _Here | None, turn: Turn, text: str, *, new: bool
    ) -> _Result:
        if self._flows.wants_form(session) and parse_command(text, self._content.intents) is None:
            # Typed instead of the form: the text is the question (never echoed or kept); the
            # flow's own guard refuses client data there.
            return _flow(self._flows.submit(session, turn, {"vraag": text}))
        result = self._understand(session, here, turn, text, new=new)
        if find_pii(text) or self._router.understand(text).person:
            # Client data typed: a reminder first; nothing of it is kept (sessions hold ids).
            reminder = Reply(phrases.CLIENT_DATA, kind="warning")
            return replace(result, replies=[reminder, *result.replies])
        return result

    def _understand(
        self, session: Session, here: _Here | None, turn: Turn, text: str, *, new: bool
    ) -> _Result:
        buttons = self._buttons(session, here)
        index = match_choice(text, [b.label for b in buttons])
        command = parse_command(text, self._content.intents)
        exact = index is not None and normalise(text) == normalise(buttons[index].label)
        if command is not None and not exact:
            return self._on_command(session, here, command, new=new)
        if index is not None:
            return self._on_payload(session, here, buttons[index].payload, turn)
        chosen = profession.typed(text)
        if chosen is not None:
            return self._profession_chosen(session, chosen, then=here)
        return self._on_free_text(session, here, text)

    def _on_payload(
        self, session: Session, here: _Here | None, payload: Payload, turn: Turn
    ) -> _Result:
        if payload.node == PICKUP_NODE:
            return _flow(self._flows.pick_up(session, payload.choice, turn.channel))
        offered = session.offer is not None and payload.choice in session.offer.targets
        if payload.choice == SUBMIT and offered:
            return _flow(self._flows.submit(session, turn, turn.form or {}))
        command = next((c for c in Command if c.value == payload.choice), None)
        if payload.node == _CMD and command is not None:
            return self._on_command(session, here, command, new=False)
        if payload.node == _MENU and payload.choice in self._menu_targets():
            return self._open(session, here, payload.choice)
        offer = session.offer
        if offer and payload.node == offer.node and payload.choice in offer.targets:
            return self._open(session, here, payload.choice, turn)
        if here is not None and _offers(here, payload):
            position = step(here.tree, self._position(session), payload.choice)
            return self._show(session, here.tree, position.answers, action="step")
        stale = Reply(phrases.STALE_BUTTON, kind="warning")
        return _Result(session, [stale, *self._prompt(session, here)], "stale-button")

    def _on_command(
        self, session: Session, here: _Here | None, command: Command, *, new: bool
    ) -> _Result:
        action = f"command-{command.value}"
        if command is Command.STOP:
            return _Result(None, [Reply(phrases.STOPPED)], action)
        if command is Command.MENU:
            return self._menu(session, welcome=new)
        if command is Command.PROFESSION:
            return self._ask_profession(session, then_open=here.tree.id if here else None)
        if command is Command.RECORD:
            return _flow(self._flows.start_record(session))
        if command is Command.REQUEST:
            return _flow(self._flows.start_request(session))
        if command is Command.HELP:
            meta = self._knowledge.meta
            text = phrases.HELP.format(version=meta.version, reviewed=meta.reviewed.isoformat())
            help_reply = Reply(f"{text}\n{phrases.SAFETY_LINE}")
            return _Result(session, [help_reply, *self._prompt(session, here)], action)
        if here is None:
            if command is Command.BACK:
                menu = self._menu(session, welcome=False)
                return _Result(menu.session, [Reply(phrases.NO_PREVIOUS), *menu.replies], action)
            return self._menu(session, welcome=False)
        if command is Command.RESTART:
            return self._show(session, here.tree, (), action=action)
        if session.offer is not None and session.offer.node == _FAQ:
            return self._show(session, here.tree, session.answers, action=action)
        if not session.answers:
            shown = self._show(session, here.tree, (), action=action)
            return _Result(shown.session, [Reply(phrases.BACK_AT_START), *shown.replies], action)
        return self._show(session, here.tree, back(self._position(session)).answers, action=action)

    def _on_free_text(self, session: Session, here: _Here | None, text: str) -> _Result:
        routing = self._router.understand(text)
        if routing.intent is not None:
            return self._on_intent(session, here, routing.intent)
        targets = tuple(t for t in routing.targets if self._known(t))
        if len(targets) == 1:
            return self._with_place(self._open(session, here, targets[0]), routing)
        if targets:
            offer = Offer(_CHOOSE, targets)
            reply = Reply(
                phrases.AMBIGUOUS, kind="question", buttons=self._offer_buttons(offer, here)
            )
            kept = replace(session, offer=offer)
            return _Result(kept, [reply], "ambiguous")
        if routing.unknown_place:
            unknown = Reply(f"{phrases.UNKNOWN_PLACE}\n{phrases.SAFETY_LINE}", kind="warning")
            return _Result(session, [unknown, *self._prompt(session, here)], "unknown-place")
        fallback = Reply(f"{phrases.FALLBACK}\n{phrases.SAFETY_LINE}", kind="warning")
        if here is not None and not here.walk.finished:
            shown = self._show(session, here.tree, session.answers, action="not-understood")
            return _Result(shown.session, [fallback, *shown.replies], "not-understood")
        menu = self._menu(session, welcome=False)
        return _Result(menu.session, [fallback, *menu.replies], "fallback")

    def _on_intent(self, session: Session, here: _Here | None, intent: str) -> _Result:
        """An action asked for in words: a command, a contact search, the report, "verder"."""
        if intent == "contact":
            national = self._contacts(
                [i for i in (NATIONAL_VEILIG_THUIS,) if i in self._knowledge.organisations]
            )
            offer = Offer(_FAQ, (f"{_CMD}:{Command.MENU.value}",))
            reply = Reply(
                f"{phrases.CONTACT_ASK}\n{phrases.SAFETY_LINE}",
                kind="question",
                buttons=self._offer_buttons(offer, here),
                contacts=national,
            )
            return _Result(replace(session, offer=offer), [reply], "contact-search")
        if intent == "rapport":
            return _Result(session, [Reply(phrases.REPORT), *self._prompt(session, here)], "report")
        if intent == "verder":
            pick = Reply(phrases.PICK_ANSWER)
            if here is not None and not here.walk.finished:
                return _Result(session, [pick, *self._prompt(session, here)], "pick-answer")
            return self._menu(session, welcome=False)
        command = next((c for c in Command if c.value == intent), Command.MENU)
        return self._on_command(session, here, command, new=False)

    def _with_place(self, result: _Result, routing: Routing) -> _Result:
        """A place found in a story is shown beside the answer, with its contacts."""
        place = resolve_place(self._knowledge, routing.beside[0]) if routing.beside else None
        if place is None or result.session is None:
            return result
        reply = Reply(
            place_text(self._knowledge, place),
            kind="advice",
            contacts=self._contacts(place_contact_ids(self._knowledge, place)),
            outcome="contact",
        )
        session = result.session.with_fact("regio", place.region.code.lower())
        return replace(result, session=session, replies=[*result.replies, reply])

    # -- targets -------------------------------------------------------------------------------

    def _known(self, target: str) -> bool:
        kind, _, ident = target.partition(":")
        if kind == "tree":
            return ident in self._knowledge.trees
        if kind == "faq":
            return ident in self._knowledge.faq
        if kind == "org":
            return ident in self._knowledge.organisations
        if kind in PLACE_KINDS:
            return resolve_place(self._knowledge, target) is not None
        return False

    def _offer_in_force(self, session: Session) -> bool:
        """False when the session offers a tree, FAQ, partner or place that a reload removed."""
        content_kinds = ("tree", "faq", "org", *PLACE_KINDS)
        return session.offer is None or all(
            self._known(t) for t in session.offer.targets if t.partition(":")[0] in content_kinds
        )

    def _open(
        self, session: Session, here: _Here | None, target: str, turn: Turn | None = None
    ) -> _Result:
        """Show ``target``. Flow steps past their start need the ``turn`` (its channel goes
        into the register); without one they start over."""
        kind, _, ident = target.partition(":")
        step, _, value = ident.partition(":")
        if kind == "vl":
            if step == "start" or turn is None:
                return _flow(self._flows.start_record(session))
            return _flow(self._flows.on_record(session, step, value, turn.channel))
        if kind == "av":
            if step == "start" or turn is None:
                return _flow(self._flows.start_request(session))
            return _flow(self._flows.on_request(session, step, value, turn))
        if kind == _CMD:
            command = next((c for c in Command if c.value == ident), Command.MENU)
            return self._on_command(session, here, command, new=False)
        if kind == _INTENT:
            return self._on_intent(session, here, ident)
        if kind == profession.PROFESSION_TARGET and ident in PROFESSIONS:
            return self._profession_chosen(session, ident)
        if kind == "tree" and ident in self._knowledge.trees:
            tree = self._knowledge.trees[ident]
            if tree.asks_profession and profession.PROFESSION_FACT not in session.facts:
                asked = self._ask_profession(session, then_open=tree.id)
                overview = Reply(_overview(tree))
                return _Result(asked.session, [overview, *asked.replies], asked.action)
            shown = self._show(session, tree, (), action="open-tree")
            intro = Reply(f"{tree.title}: {tree.summary}")
            return _Result(shown.session, [intro, *shown.replies], "open-tree")
        if kind == "faq" and ident in self._knowledge.faq:
            return self._faq(session, here, ident)
        if kind == "org" and ident in self._knowledge.organisations:
            return self._organisation(session, here, ident)
        if kind in PLACE_KINDS and self._known(target):
            return self._place(session, here, target)
        if target == _RESUME and here is not None:
            return self._show(session, here.tree, session.answers, action="resume")
        return self._menu(session, welcome=False)

    def _aside(
        self,
        session: Session,
        here: _Here | None,
        *,
        action: str,
        text: str,
        related: tuple[str, ...] = (),
        contacts: Sequence[str] = (),
        sources: Sequence[str] = (),
        outcome: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> _Result:
        """An answer beside the tree (FAQ, partner, place): the place in the tree is kept,
        and the follow-ups are the related trees, ``extra``, "Verder met …" and the menu."""
        targets = [*(f"tree:{t}" for t in related), *extra]
        if here is not None and not here.walk.finished:
            targets.append(_RESUME)
        offer = Offer(_FAQ, (*targets, f"{_CMD}:{Command.MENU.value}"))
        reply = Reply(
            text,
            kind="advice",
            buttons=self._offer_buttons(offer, here),
            contacts=self._contacts(contacts),
            sources=self._sources([s for s in sources if s in self._knowledge.sources]),
            outcome=outcome,
        )
        return _Result(replace(session, offer=offer), [reply], action)

    def _ask_profession(self, session: Session, *, then_open: str | None) -> _Result:
        asked = profession.asking(session, then_open=then_open)
        assert asked.offer is not None
        reply = Reply(
            profession.ASK_PROFESSION,
            kind="question",
            buttons=self._offer_buttons(asked.offer, None),
        )
        return _Result(asked, [reply], "ask-profession")

    def _profession_chosen(
        self, session: Session, chosen: str, *, then: _Here | None = None
    ) -> _Result:
        updated, pending = profession.chosen(session, chosen)
        if then is not None and pending is None:
            # Typed at a question: the same question again, in this profession's words.
            notice = Reply(profession.PROFESSION_SET.format(label=profession.label(chosen)))
            shown = self._show(updated, then.tree, updated.answers, action="profession")
            return _Result(shown.session, [notice, *shown.replies], "profession")
        notice = Reply(profession.PROFESSION_SET.format(label=profession.label(chosen)))
        if pending in self._knowledge.trees:
            opened = self._open(replace(updated, offer=None), None, f"tree:{pending}")
            return _Result(opened.session, [notice, *opened.replies], "profession")
        here = self._here(updated) if updated.tree_id else None
        cleared = replace(updated, offer=None)
        return _Result(cleared, [notice, *self._prompt(cleared, here)], "profession")

    def _faq(self, session: Session, here: _Here | None, faq_id: str) -> _Result:
        entry = self._knowledge.faq[faq_id]
        return self._aside(
            session,
            here,
            action="faq",
            text=entry.answer,
            related=entry.related,
            contacts=entry.contacts,
            sources=entry.sources,
        )

    def _organisation(self, session: Session, here: _Here | None, org_id: str) -> _Result:
        organisation = self._knowledge.organisations[org_id]
        return self._aside(
            session,
            here,
            action="contact",
            text=phrases.CONTACT_HEADER,
            contacts=(org_id,),
            sources=organisation.sources,
            outcome="contact",
            extra=self._consultation_targets((org_id,)),
        )

    def _place(self, session: Session, here: _Here | None, target: str) -> _Result:
        place = resolve_place(self._knowledge, target)
        assert place is not None
        # A coarse region code (one of 25), kept to fill in a later register entry.
        session = session.with_fact("regio", place.region.code.lower())
        return self._aside(
            session,
            here,
            action="place",
            text=place_text(self._knowledge, place),
            contacts=place_contact_ids(self._knowledge, place),
            sources=place_sources(self._knowledge, place),
            outcome="contact",
        )

    def contacts_for(self, text: str, *, limit: int = 5) -> tuple[ContactCard, ...]:
        """Contact cards for a partner or a place (the compose-box search), best first."""
        ids: list[str] = []
        routing = self._router.understand(clean_text(text)[:MAX_TEXT_LENGTH])
        for target in (*routing.beside, *routing.targets):
            kind, _, ident = target.partition(":")
            if kind == "org" and ident in self._knowledge.organisations:
                ids.append(ident)
            place = resolve_place(self._knowledge, target) if kind in PLACE_KINDS else None
            if place is not None:
                ids += place_contact_ids(self._knowledge, place)
        return self._contacts(list(dict.fromkeys(ids))[:limit])

    def _menu_targets(self) -> tuple[str, ...]:
        trees = tuple(f"tree:{t.id}" for t in self._knowledge.menu_trees)
        return (*trees, _CONTACT_SEARCH, REQUEST_START, RECORD_START)

    def _menu(self, session: Session, *, welcome: bool) -> _Result:
        offer = Offer(_MENU, self._menu_targets())
        text = f"{phrases.WELCOME}\n{phrases.MENU_PROMPT}" if welcome else phrases.MENU_PROMPT
        reply = Reply(text, kind="question", buttons=self._offer_buttons(offer, None))
        return _Result(replace(session, tree_id=None, answers=(), offer=offer), [reply], "menu")

    # -- showing -------------------------------------------------------------------------------

    def _here(self, session: Session) -> _Here | None:
        if session.tree_id is None:
            return None
        tree = self._knowledge.trees[session.tree_id]
        return _Here(tree, walk(tree, self._position(session)))

    @staticmethod
    def _position(session: Session) -> Position:
        assert session.tree_id is not None
        return Position(session.tree_id, session.answers)

    def _show(
        self, session: Session, tree: DecisionTree, answers: tuple[str, ...], *, action: str
    ) -> _Result:
        current = walk(tree, Position(tree.id, answers))
        node = current.node
        if isinstance(node, AdviceNode):
            return self._advice(session, tree, answers, current, node, action)
        question = node.text_for(session.facts.get(profession.PROFESSION_FACT))
        text = f"{question}\n\n{node.info}" if node.info else question
        buttons = tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        reply = Reply(text, kind="question", buttons=buttons)
        return _Result(
            replace(session, tree_id=tree.id, answers=answers, offer=None), [reply], action
        )

    def _advice(
        self,
        session: Session,
        tree: DecisionTree,
        answers: tuple[str, ...],
        current: Walk,
        node: AdviceNode,
        action: str,
    ) -> _Result:
        offer: Offer | None = None
        text = node.text_for(session.facts.get(profession.PROFESSION_FACT))
        if current.finished:
            consult = self._consultation_targets(node.contacts) if node.outcome in _CONSULT else ()
            offer = Offer(
                _END,
                (
                    *(f"tree:{t}" for t in node.related),
                    *consult,
                    f"{_CMD}:opnieuw",
                    f"{_CMD}:menu",
                ),
            )
            text = f"{text}\n\n{self._route_summary(tree, current)}"
            buttons = self._offer_buttons(offer, None)
        else:
            buttons = tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        reply = Reply(
            text,
            kind="advice",
            buttons=buttons,
            contacts=self._contacts(node.contacts),
            sources=self._sources(node.sources),
            outcome=node.outcome,
            tree=tree.id if current.finished else None,
        )
        return _Result(
            replace(session, tree_id=tree.id, answers=answers, offer=offer), [reply], action
        )

    def _route_summary(self, tree: DecisionTree, current: Walk) -> str:
        lines = [phrases.ROUTE_HEADER]
        for route_step in current.route:
            if route_step.answer_key == CONTINUE_ID:
                continue
            node = tree.node(route_step.node_id)
            short = getattr(node, "short", None) or route_step.question
            lines.append(f"- {short} {route_step.answer_label}")
        return "\n".join(lines)

    def _prompt(self, session: Session, here: _Here | None) -> list[Reply]:
        """Show again where the user is, so the next step is one tap away."""
        if session.offer is not None:
            buttons = self._offer_buttons(session.offer, here)
            return [Reply(phrases.MENU_PROMPT, kind="question", buttons=buttons)]
        if here is not None:
            return self._show(session, here.tree, session.answers, action="prompt").replies
        return self._menu(session, welcome=False).replies

    def _buttons(self, session: Session, here: _Here | None) -> tuple[Button, ...]:
        if session.offer is not None:
            return self._offer_buttons(session.offer, here)
        if here is not None:
            node = here.walk.node
            return tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        return ()

    def _offer_buttons(self, offer: Offer, here: _Here | None) -> tuple[Button, ...]:
        return tuple(Button(self._label(t, here), Payload(offer.node, t)) for t in offer.targets)

    def _label(self, target: str, here: _Here | None) -> str:
        flow_label = self._flows.label(target)
        if flow_label is not None:
            return flow_label
        kind, _, ident = target.partition(":")
        if kind == "tree" and ident in self._knowledge.trees:
            return self._knowledge.trees[ident].title
        if kind == "faq" and ident in self._knowledge.faq:
            return _shorten(self._knowledge.faq[ident].question)
        if kind == "org" and ident in self._knowledge.organisations:
            return _shorten(self._knowledge.organisations[ident].name)
        place = resolve_place(self._knowledge, target) if kind in PLACE_KINDS else None
        if place is not None:
            return _shorten(place_label(place))
        if target == _RESUME and here is not None:
            return _shorten(phrases.FAQ_RESUME.format(title=here.tree.title))
        if kind == profession.PROFESSION_TARGET:
            return profession.label(ident)
        if target == _CONTACT_SEARCH:
            return phrases.CONTACT_SEARCH_LABEL
        if kind == _CMD:
            return phrases.RESTART_LABEL if ident == Command.RESTART.value else phrases.MENU_LABEL
        return target

    def _consultation_targets(self, contacts: Sequence[str]) -> tuple[str, ...]:
        """Follow-ups after advice that involves partners: request one, record the talk."""
        with_intake = [c for c in contacts if c in self._intakes.partners()]
        return (*(request_target(c) for c in with_intake[:1]), RECORD_START)

    def _contacts(self, ids: Sequence[str]) -> tuple[ContactCard, ...]:
        return contact_cards(self._knowledge, ids)

    def _sources(self, ids: Sequence[str]) -> tuple[SourceNote, ...]:
        return source_notes(self._knowledge, ids)


def _offers(here: _Here, payload: Payload) -> bool:
    """True when ``payload`` answers the current node of ``here``."""
    node = here.walk.node
    return payload.node == node.id and any(o.key == payload.choice for o in node.options)


def _overview(tree: DecisionTree) -> str:
    """The tree's title and summary, and its steps in one list ("Stap 1 — …") where it has them."""
    texts = (node.advice if isinstance(node, AdviceNode) else node.question for node in tree.nodes)
    steps = list(dict.fromkeys(t.split(".")[0] for t in texts if t.startswith("Stap ")))
    lines = [f"{tree.title}: {tree.summary}"]
    if steps:
        lines += [phrases.STEPS_FIRST, *(f"- {s}" for s in steps)]
    return "\n".join(lines)


def _flow(result: FlowResult) -> _Result:
    return _Result(result.session, result.replies, result.action, result.effect)


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1].rstrip() + "…"
