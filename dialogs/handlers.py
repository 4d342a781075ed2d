"""One small handler per kind of target: whether it still exists, its button label, and what
opening it shows. ``Desk`` picks the handler by the target's type; adding a kind of target (or
an intent) is one handler here and one entry in ``Desk``."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any, Protocol

from dialogs import phrases, profession
from dialogs.commands import Command
from dialogs.consultation import ChildFacts, ConsultationFlows
from dialogs.intake import IntakeDesk
from dialogs.places import (
    NATIONAL_VEILIG_THUIS,
    Place,
    place_contact_ids,
    place_label,
    place_sources,
    place_text,
    resolve_place,
)
from dialogs.screens import (
    FAQ,
    Here,
    Result,
    Screens,
    flow_result,
    overview,
    partner_side,
    safety_line,
)
from dialogs.session import Offer, Session
from dialogs.targets import (
    CommandTarget,
    FaqTarget,
    FlowTarget,
    IntentTarget,
    OrgTarget,
    PlaceTarget,
    ProfessionTarget,
    ResumeTarget,
    Target,
    TreeTarget,
    decode,
    encode,
)
from dialogs.turn import Reply, Turn
from knowledge.dates import dutch_date
from knowledge.engine import Position, back, walk
from knowledge.library import KnowledgeBase
from knowledge.model import NURSE_PROFESSION, DecisionTree, FaqEntry

__all__ = ["ASKED_SIDE_FACT", "OTHER_PLACE", "Desk", "Handler"]

_LABEL_LIMIT = 75
OTHER_PLACE = "andere-plaats"
"""The intent of the "Een andere plaats" button beside a spelling-corrected place."""


class Handler(Protocol):
    """What the conversation needs of one kind of target."""

    def known(self, target: Any) -> bool:
        """False when the content in force has no such target (after a reload)."""
        ...

    def label(self, target: Any, here: Here | None) -> str:
        """The button label."""
        ...

    def open(self, session: Session, here: Here | None, target: Any, turn: Turn) -> Result:
        """What choosing the target shows."""
        ...


class Desk:
    """The handlers for one loaded content, and the screens they share."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        flows: ConsultationFlows,
        intakes: IntakeDesk,
        *,
        report_url: str | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.flows = flows
        self.report_url = report_url
        """Where this deployment serves the manager's report, when it does."""
        self.screens = Screens(knowledge, intakes, self, flows)
        self.commands = _Commands(self)
        self.professions = _Professions(self)
        self._handlers: dict[type, Handler] = {
            TreeTarget: _Trees(self),
            FaqTarget: _Faqs(self),
            OrgTarget: _Organisations(self),
            PlaceTarget: _Places(self),
            FlowTarget: _Flows(self),
            CommandTarget: self.commands,
            IntentTarget: _Intents(self),
            ProfessionTarget: self.professions,
            ResumeTarget: _Resume(self),
        }

    def known(self, target: Target) -> bool:
        """Whether ``target`` exists in the content in force."""
        return self._handlers[type(target)].known(target)

    def label(self, raw: str, here: Here | None) -> str:
        """The button label of stored target ``raw`` (implements ``screens.Labels``)."""
        target = decode(raw)
        if target is None or not self.known(target):
            return raw
        return _shorten(self._handlers[type(target)].label(target, here))

    def open(self, session: Session, here: Here | None, target: Target, turn: Turn) -> Result:
        """Show ``target`` (the menu when it no longer exists)."""
        handler = self._handlers[type(target)]
        if not handler.known(target):
            return self.screens.menu(session, welcome=False)
        return handler.open(session, here, target, turn)

    def place_beside(self, result: Result, target: PlaceTarget) -> Result:
        """``result`` with the answer for a place found in the same message after it."""
        place = resolve_place(self.knowledge, target)
        if place is None or result.session is None:
            return result
        waiting = self.waiting(result.session)
        session = at_place(result.session.with_fact(AFTER_PLACE_FACT, None), place)
        if waiting is not None:
            # The region's own question waited only for the gemeente named beside it: answered
            # for that gemeente instead of asking. A question or tree reads no turn.
            result = self.open(session, self.screens.here(session), waiting, _NO_TURN)
            session = result.session or session
        side = partner_side(session)
        reply = Reply(
            self.place_text(session, place, side),
            kind="advice",
            contacts=self.screens.contacts(
                place_contact_ids(self.knowledge, place, partner_side=side)
            ),
            outcome="contact",
        )
        return replace(result, session=session, replies=[*result.replies, reply])

    def open_at_place(
        self, session: Session, here: Here | None, target: Target, place: PlaceTarget, turn: Turn
    ) -> Result:
        """Open ``target`` for a child at ``place`` named in the same message ("overleg
        aanvragen voor een kind in Zwolle"): the place is the child's before the target opens."""
        found = resolve_place(self.knowledge, place)
        return self.open(at_place(session, found) if found else session, here, target, turn)

    def not_here(
        self, session: Session, here: Here | None, target: Target, *, national: str | None
    ) -> Result:
        """A region's own question or tree (``target``) asked by a user it is not for. For a
        child (or own organisation) in another region: that it applies elsewhere, then the
        ``national`` entry that answers the question there, or the menu. While the region is
        not known: the national answer (if any) and the question which gemeente the child
        lives in; the next place typed answers ``target`` for it."""
        faqs = self._handlers[FaqTarget]
        assert isinstance(faqs, _Faqs)
        entry = self.knowledge.faq.get(national) if national is not None else None
        regions = self.screens.regions(session)
        if regions:
            child = self.screens.region(session)
            name = self.knowledge.regions[child or sorted(regions)[0]].name
            lead = phrases.REGION["elsewhere"].format(region=name)
            if entry is not None:
                return faqs.answer(
                    session, here, entry, before=f"{lead} {phrases.REGION['national']}"
                )
            text = f"{lead} {phrases.REGION['none']}"
            return self.screens.aside(session, here, action="region-elsewhere", text=text)
        asking = session.with_fact(AFTER_PLACE_FACT, encode(target))
        if entry is not None:
            after = phrases.REGION["ask-more"]
            return faqs.answer(asking, here, entry, after=after, offer_node=REGION_NODE)
        return self.screens.aside(
            asking, here, action="region-ask", text=phrases.REGION["ask"], offer_node=REGION_NODE
        )

    def waiting(self, session: Session) -> Target | None:
        """The question or tree waiting for the child's gemeente, if the user was just asked
        for it (the offer of that question is still the session's)."""
        raw = session.facts.get(AFTER_PLACE_FACT)
        if raw is None or session.offer is None or session.offer.node != REGION_NODE:
            return None
        target = decode(raw)
        return target if target is not None and self.known(target) else None

    def place_text(self, session: Session, place: Place, side: bool) -> str:
        """The place answer for the user's side of the covenant."""
        jgz_inbox = False
        if side and place.gemeente is not None and place.gemeente.code in self.knowledge.coverage:
            jgz = self.knowledge.coverage[place.gemeente.code].jgz
            jgz_inbox = jgz in self.flows.partners_with_intake()
        nurse = session.facts.get(profession.PROFESSION_FACT) == NURSE_PROFESSION
        return place_text(
            self.knowledge, place, partner_side=side, jgz_inbox=jgz_inbox, nurse=nurse
        )


ASKED_SIDE_FACT = "gevraagde-kant"
"""For the next place answer only: whose contact was asked (``jgz`` or ``veilig-thuis``)."""
ASKED_JGZ = "jgz"
AFTER_PLACE_FACT = "na-plaats"
"""The session fact holding a region's own question or tree (an encoded target) that waits for
the child's gemeente, asked for while the child's region was not known."""
_NO_TURN = Turn(key="", channel="")
REGION_NODE = "_regio"
"""The offer of an answer that asks for the child's gemeente; a place typed next answers the
waiting question."""


def at_place(session: Session, place: Place) -> Session:
    """``session`` about a child at ``place``: its region (one of 25, for register entries) and
    its gemeente (a CBS code, for requests), given now for this child."""
    gemeente = place.gemeente.code if place.gemeente is not None else None
    return ChildFacts(place.region.code, gemeente, fresh=gemeente is not None).write(session)


class _Kind:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.knowledge = desk.knowledge
        self.screens = desk.screens


class _Trees(_Kind):
    def known(self, target: TreeTarget) -> bool:
        tree = self.knowledge.trees.get(target.tree)
        return tree is not None and (not target.node or _path_to(tree, target.node) is not None)

    def label(self, target: TreeTarget, here: Here | None) -> str:
        tree = self.knowledge.trees[target.tree]
        if not target.node:
            return tree.title
        node = tree.node(target.node)
        short = getattr(node, "short", None)
        if short:
            return f"{tree.title}: {short}"
        # An advice: the question and the answer that lead to it ("… — Ik twijfel").
        answers = _path_to(tree, target.node) or ()
        route = walk(tree, Position(tree.id, answers)).route
        if not route:
            return tree.title
        asked = getattr(tree.node(route[-1].node_id), "short", None) or route[-1].question
        return f"{tree.title}: {asked} — {route[-1].answer_label}"

    def open(self, session: Session, here: Here | None, target: TreeTarget, turn: Turn) -> Result:
        tree = self.knowledge.trees[target.tree]
        if not self.screens.applies(session, self.knowledge.tree_region(tree.id)):
            return self.desk.not_here(session, here, target, national=None)
        answers = _path_to(tree, target.node) if target.node else None
        if answers is not None:
            # A typed way into one node ("ik twijfel bij vraag 2"): the tree as if answered
            # there, so the route shows how it was reached and "terug" goes a step back.
            return self.screens.show(session, tree, answers, action="open-node")
        if tree.asks_profession and profession.PROFESSION_FACT not in session.facts:
            # The steps first, then the profession for their wording; the safety line comes
            # with the steps, so acute danger never waits for the profession question.
            first = Reply(f"{overview(tree)}\n{safety_line(session)}")
            return self.screens.ask_profession(session, then_open=tree.id, first=[first])
        shown = self.screens.show(session, tree, (), action="open-tree")
        intro = Reply(f"{tree.title}: {tree.summary}\n{safety_line(session)}")
        return Result(shown.session, [intro, *shown.replies], "open-tree")


def _path_to(tree: DecisionTree, node: str) -> tuple[str, ...] | None:
    """The fewest answers (option keys) from the start of ``tree`` to ``node``; None when no
    way leads there. Marked cycles are not followed."""
    seen = {tree.start}
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(tree.start, ())])
    while queue:
        at, answers = queue.popleft()
        if at == node:
            return answers
        for option in tree.node(at).options:
            if not option.cycle and option.next not in seen:
                seen.add(option.next)
                queue.append((option.next, (*answers, option.key)))
    return None


class _Faqs(_Kind):
    def known(self, target: FaqTarget) -> bool:
        return target.faq in self.knowledge.faq

    def label(self, target: FaqTarget, here: Here | None) -> str:
        return self.knowledge.faq[target.faq].question

    def open(self, session: Session, here: Here | None, target: FaqTarget, turn: Turn) -> Result:
        entry = self.knowledge.faq[target.faq]
        region = self.knowledge.faq_region(entry.id)
        if not self.screens.applies(session, region):
            return self.desk.not_here(session, here, target, national=entry.national)
        return self.answer(session, here, entry)

    def answer(
        self,
        session: Session,
        here: Here | None,
        entry: FaqEntry,
        *,
        before: str = "",
        after: str = "",
        offer_node: str = FAQ,
    ) -> Result:
        """``entry``'s answer (between ``before`` and ``after``). A national entry gets what the
        child's region's pack adds to it (its hook) and shows no other region's cards; a
        region's own entry, asked in its region, shows its own cards."""
        national = self.knowledge.faq_region(entry.id) is None
        hook = self.screens.faq_hook(session, entry.id) if national else None
        text = f"{entry.answer}\n\n{hook.line}" if hook is not None and hook.line else entry.answer
        return self.screens.aside(
            session,
            here,
            action="faq",
            text="\n\n".join(part for part in (before, text, after) if part),
            related=(*entry.related, *(hook.related if hook else ())),
            contacts=(*entry.contacts, *(hook.contacts if hook else ())),
            sources=(*entry.sources, *(hook.sources if hook else ())),
            regional=national,
            offer_node=offer_node,
        )


class _Organisations(_Kind):
    def known(self, target: OrgTarget) -> bool:
        return target.org in self.knowledge.organisations

    def label(self, target: OrgTarget, here: Here | None) -> str:
        return self.knowledge.organisations[target.org].name

    def open(self, session: Session, here: Here | None, target: OrgTarget, turn: Turn) -> Result:
        organisation = self.knowledge.organisations[target.org]
        return self.screens.aside(
            session,
            here,
            action="contact",
            text=phrases.CONTACT_HEADER,
            contacts=(target.org,),
            sources=organisation.sources,
            outcome="contact",
            extra=self.screens.consultation_targets((target.org,), session),
            regional=False,
        )


class _Places(_Kind):
    def known(self, target: PlaceTarget) -> bool:
        return resolve_place(self.knowledge, target) is not None

    def label(self, target: PlaceTarget, here: Here | None) -> str:
        place = resolve_place(self.knowledge, target)
        assert place is not None
        return place_label(place)

    def open(self, session: Session, here: Here | None, target: PlaceTarget, turn: Turn) -> Result:
        place = resolve_place(self.knowledge, target)
        assert place is not None
        waiting = self.desk.waiting(session)
        asked = session.facts.get(ASKED_SIDE_FACT)
        session = at_place(session.with_fact(AFTER_PLACE_FACT, None), place)
        session = session.with_fact(ASKED_SIDE_FACT, None)
        # "welke jgz hoort bij …" is answered JGZ-first whatever the role, "welk veilig thuis
        # …" Veilig Thuis-first; otherwise the role decides.
        side = partner_side(session) if asked is None else asked == ASKED_JGZ
        contacts = place_contact_ids(self.knowledge, place, partner_side=side)
        answered = self.screens.aside(
            session,
            here,
            action="place",
            text=self.desk.place_text(session, place, side),
            contacts=contacts,
            sources=place_sources(self.knowledge, place),
            outcome="contact",
            extra=self.screens.consultation_targets(contacts, session),
        )
        if waiting is None or answered.session is None:
            return answered
        # The question that waited for the child's gemeente, answered for it now.
        then = self.desk.open(answered.session, here, waiting, turn)
        return replace(then, replies=[*answered.replies, *then.replies], action="place")


class _Flows(_Kind):
    """The consultation flows, through their seam (dialogs/consultation/)."""

    def known(self, target: FlowTarget) -> bool:
        return True

    def label(self, target: FlowTarget, here: Here | None) -> str:
        return self.desk.flows.label(target) or encode(target)

    def open(self, session: Session, here: Here | None, target: FlowTarget, turn: Turn) -> Result:
        return flow_result(self.desk.flows.on_step(session, target, turn))


class _Commands(_Kind):
    """The global commands: menu, back, restart, stop, help, profession, record, request."""

    def known(self, target: CommandTarget) -> bool:
        return True

    def label(self, target: CommandTarget, here: Here | None) -> str:
        return phrases.RESTART_LABEL if target.command is Command.RESTART else phrases.MENU_LABEL

    def open(
        self, session: Session, here: Here | None, target: CommandTarget, turn: Turn
    ) -> Result:
        return self.run(session, here, target.command, new=False, turn=turn)

    def run(
        self,
        session: Session,
        here: Here | None,
        command: Command,
        *,
        new: bool,
        turn: Turn,
    ) -> Result:
        """Carry out ``command`` (``new``: the first turn of a conversation)."""
        action = f"command-{command.value}"
        flows = self.desk.flows
        if command is Command.STOP:
            return Result(None, [Reply(phrases.STOPPED)], action)
        if command is Command.MENU:
            return self.screens.menu(session, welcome=new)
        if command is Command.PROFESSION:
            return self.screens.ask_profession(session, then_open=here.tree.id if here else None)
        if command is Command.RECORD:
            return flow_result(flows.start_record(session))
        if command is Command.REQUEST:
            return flow_result(flows.start_request(session, turn))
        if command is Command.HELP:
            return self._help(session, here, action, turn)
        if here is None:
            return self._no_tree(session, command, action)
        return self._in_tree(session, here, command, action)

    def _help(self, session: Session, here: Here | None, action: str, turn: Turn) -> Result:
        meta = self.knowledge.meta
        text = phrases.HELP.format(version=meta.version, reviewed=dutch_date(meta.reviewed))
        help_reply = Reply(f"{text}\n{safety_line(session)}")
        return Result(session, [help_reply, *self.screens.prompt(session, here, turn)], action)

    def _no_tree(self, session: Session, command: Command, action: str) -> Result:
        menu = self.screens.menu(session, welcome=False)
        if command is Command.BACK:
            return Result(menu.session, [Reply(phrases.NO_PREVIOUS), *menu.replies], action)
        return menu

    def _in_tree(self, session: Session, here: Here, command: Command, action: str) -> Result:
        show = self.screens.show
        if command is Command.RESTART:
            return show(session, here.tree, (), action=action)
        if session.offer is not None and session.offer.node == FAQ:
            return show(session, here.tree, session.answers, action=action)
        if not session.answers:
            shown = show(session, here.tree, (), action=action)
            return Result(shown.session, [Reply(phrases.BACK_AT_START), *shown.replies], action)
        position = back(Position(here.tree.id, session.answers))
        return show(session, here.tree, position.answers, action=action)


class _Intents(_Kind):
    """Actions in words that are not commands: find a contact, the report, "verder"."""

    def known(self, target: IntentTarget) -> bool:
        return True

    def label(self, target: IntentTarget, here: Here | None) -> str:
        if target.intent == OTHER_PLACE:
            return phrases.OTHER_PLACE
        return phrases.CONTACT_SEARCH_LABEL if target.intent == "contact" else target.intent

    def open(self, session: Session, here: Here | None, target: IntentTarget, turn: Turn) -> Result:
        command = next((c for c in Command if c.value == target.intent), None)
        if command is not None:
            return self.desk.commands.run(session, here, command, new=False, turn=turn)
        if target.intent in ("contact", OTHER_PLACE):
            return self._contact(session, here)
        if target.intent in phrases.SMALL_TALK:
            # "dank je wel!", "hoi hoe gaat het": a short reply, then on where it was.
            talk = [Reply(phrases.SMALL_TALK[target.intent])]
            if here is not None and not here.walk.finished:
                talk.extend(self.screens.prompt(session, here, turn))
            return Result(session, talk, "small-talk")
        if target.intent == "rapport":
            url = self.desk.report_url
            text = phrases.REPORT_LINK.format(url=url) if url else phrases.REPORT
            replies = [Reply(text), *self.screens.prompt(session, here, turn)]
            return Result(session, replies, "report")
        if here is not None and not here.walk.finished:  # "verder" at a question
            pick = [Reply(phrases.PICK_ANSWER), *self.screens.prompt(session, here, turn)]
            return Result(session, pick, "pick-answer")
        return self.screens.menu(session, welcome=False)

    def _contact(self, session: Session, here: Here | None) -> Result:
        offer = Offer(FAQ, (encode(CommandTarget(Command.MENU)),))
        if partner_side(session):
            # Veilig Thuis / SAVE look for the JGZ: no "bel Veilig Thuis", no card of their own.
            text, national = f"{phrases.CONTACT_ASK_JGZ}\n{phrases.DANGER}", []
        else:
            text = f"{phrases.CONTACT_ASK}\n{safety_line(session)}"
            national = [i for i in (NATIONAL_VEILIG_THUIS,) if i in self.knowledge.organisations]
        reply = Reply(
            text,
            kind="question",
            buttons=self.screens.offer_buttons(offer, here),
            contacts=self.screens.contacts(national),
        )
        return Result(replace(session, offer=offer), [reply], "contact-search")


class _Professions(_Kind):
    def known(self, target: ProfessionTarget) -> bool:
        return target.profession in profession.KNOWN

    def label(self, target: ProfessionTarget, here: Here | None) -> str:
        return profession.label(target.profession)

    def open(
        self, session: Session, here: Here | None, target: ProfessionTarget, turn: Turn
    ) -> Result:
        return self.chosen(session, target.profession, here=None, turn=turn)

    def chosen(self, session: Session, chosen: str, *, here: Here | None, turn: Turn) -> Result:
        """Keep the profession; open the tree that waited for it, or show ``here`` again in
        this profession's words (typed at a question), or where the user was."""
        updated, pending = profession.chosen(session, chosen)
        notice = Reply(profession.PROFESSION_SET.format(label=profession.label(chosen)))
        screens = self.screens
        if pending is not None and pending in self.knowledge.trees:
            cleared = replace(updated, offer=None)
            opened = self.desk.open(cleared, None, TreeTarget(pending), turn)
            return Result(opened.session, [notice, *opened.replies], "profession")
        if here is not None:
            shown = screens.show(updated, here.tree, updated.answers, action="profession")
            return Result(shown.session, [notice, *shown.replies], "profession")
        cleared = replace(updated, offer=None)
        where = screens.here(cleared)
        return Result(cleared, [notice, *screens.prompt(cleared, where, turn)], "profession")


class _Resume(_Kind):
    def known(self, target: ResumeTarget) -> bool:
        return True

    def label(self, target: ResumeTarget, here: Here | None) -> str:
        title = here.tree.title if here is not None else ""
        return phrases.FAQ_RESUME.format(title=title)

    def open(self, session: Session, here: Here | None, target: ResumeTarget, turn: Turn) -> Result:
        if here is None:
            return self.screens.menu(session, welcome=False)
        return self.screens.show(session, here.tree, session.answers, action="resume")


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1].rstrip() + "…"
