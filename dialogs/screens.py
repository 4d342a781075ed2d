"""What the user sees: a tree's question or advice, the menu, an answer beside the tree, and
the buttons of an offer (labelled by the target handlers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

from dialogs import phrases, profession
from dialogs.commands import Command
from dialogs.consultation import (
    RECORD_START,
    REQUEST_START,
    SUBMIT,
    ChildFacts,
    Effect,
    FlowResult,
    request_target,
)
from dialogs.consultation.state import OWN_ORGANISATION_FACT
from dialogs.contacts import contact_cards, source_notes
from dialogs.intake import IntakeDesk
from dialogs.session import Offer, Session
from dialogs.targets import (
    CommandTarget,
    Flow,
    FlowTarget,
    IntentTarget,
    ProfessionTarget,
    ResumeTarget,
    Step,
    TreeTarget,
    encode,
)
from dialogs.turn import Button, ContactCard, Payload, Reply, SourceNote, Turn
from knowledge.engine import Position, RouteStep, Walk, walk
from knowledge.library import KnowledgeBase
from knowledge.model import (
    CONTINUE_ID,
    PARTNER_PROFESSION,
    AdviceNode,
    DecisionTree,
    NodeHook,
    QuestionNode,
)

__all__ = [
    "CHOOSE",
    "FAQ",
    "MENU",
    "Forms",
    "Here",
    "Labels",
    "Result",
    "Screens",
    "flow_result",
    "overview",
    "partner_side",
    "safety_line",
]

MENU = "_menu"
CHOOSE = "_kies"
FAQ = "_faq"
_END = "_einde"
_CONSULT = ("melden", "hulp", "contact")
"""Outcomes after which "Overleg vastleggen" is offered."""
_PARTNER_ACTIONS = ("bevraging", "terugkoppeling", "opschalen", "afschalen")
"""What a Veilig Thuis / SAVE professional's menu offers first (the covenant's other way)."""


def partner_side(session: Session) -> bool:
    """True when the user works at Veilig Thuis or SAVE (answers face the JGZ)."""
    return session.facts.get(profession.PROFESSION_FACT) == PARTNER_PROFESSION


def safety_line(session: Session) -> str:
    """The 112 line beside help, trees and fallbacks: with "bel Veilig Thuis" for the JGZ,
    without it for Veilig Thuis / SAVE themselves (as every place answer for that role)."""
    return phrases.DANGER if partner_side(session) else phrases.SAFETY_LINE


@dataclass(frozen=True)
class Here:
    """The tree and walk of a session that is inside a tree."""

    tree: DecisionTree
    walk: Walk


@dataclass(frozen=True)
class Result:
    """What a turn decided: the next session (None: forget it) and the replies."""

    session: Session | None
    replies: list[Reply]
    action: str
    effect: Effect | None = None


def flow_result(result: FlowResult) -> Result:
    """A consultation flow's result as a turn's result."""
    return Result(result.session, result.replies, result.action, result.effect)


class Labels(Protocol):
    """Button labels for stored target ids (the handlers know each kind)."""

    def label(self, raw: str, here: Here | None) -> str:
        """The label of target ``raw`` for a session at ``here``."""
        ...


class Forms(Protocol):
    """Draws a waiting form again (the consultation flows)."""

    def form_again(self, session: Session, turn: Turn) -> FlowResult | None:
        """The form ``session`` waits for, with its fields and its submit button; None when
        it waits for no form."""
        ...


class Screens:
    """Builds the replies for a session; ``labels`` names the buttons of offers, ``forms``
    draws a waiting form again."""

    def __init__(
        self, knowledge: KnowledgeBase, intakes: IntakeDesk, labels: Labels, forms: Forms
    ) -> None:
        self.knowledge = knowledge
        self._intakes = intakes
        self._labels = labels
        self._forms = forms

    # -- where the session is ------------------------------------------------------------------

    def here(self, session: Session) -> Here | None:
        """The tree and walk of ``session``; KeyError or StepError when content changed."""
        if session.tree_id is None:
            return None
        tree = self.knowledge.trees[session.tree_id]
        return Here(tree, walk(tree, Position(tree.id, session.answers)))

    def buttons(self, session: Session, here: Here | None) -> tuple[Button, ...]:
        """The buttons on offer now: the session's offer, else the current node's answers."""
        if session.offer is not None:
            return self.offer_buttons(session.offer, here)
        if here is not None:
            node = here.walk.node
            return tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        return ()

    def offer_buttons(self, offer: Offer, here: Here | None) -> tuple[Button, ...]:
        """One button per target of ``offer``; never a form's submit, which is drawn only with
        its form (``Reply.form``)."""
        roles = {encode(ProfessionTarget(p)) for p in profession.CHOICES}
        mixed = any(t not in roles for t in offer.targets)
        return tuple(
            Button(
                self._labels.label(t, here),
                Payload(offer.node, t),
                phrases.ROLE_GROUP if mixed and t in roles else "",
            )
            for t in offer.targets
            if t != SUBMIT
        )

    def prompt(self, session: Session, here: Here | None, turn: Turn) -> list[Reply]:
        """Show again where the user is, so the next step is one tap away: the question that
        goes with the buttons on offer (the menu's question only with the menu's buttons), or
        the form that waits, whole."""
        form = self._forms.form_again(session, turn)
        if form is not None:
            return form.replies
        if session.offer is not None:
            buttons = self.offer_buttons(session.offer, here)
            return [
                Reply(
                    _OFFER_QUESTIONS.get(session.offer.node, phrases.NEXT_STEP),
                    kind="question",
                    buttons=buttons,
                )
            ]
        if here is not None:
            return self.show(session, here.tree, session.answers, action="prompt").replies
        return self.menu(session, welcome=False).replies

    # -- trees ---------------------------------------------------------------------------------

    def show(
        self, session: Session, tree: DecisionTree, answers: tuple[str, ...], *, action: str
    ) -> Result:
        """The node reached by ``answers`` in ``tree``: its question, or its advice."""
        current = walk(tree, Position(tree.id, answers))
        node = current.node
        if isinstance(node, AdviceNode):
            return self._advice(session, tree, answers, current, node, action)
        question = node.text_for(session.facts.get(profession.PROFESSION_FACT))
        text = f"{question}\n\n{node.info}" if node.info else question
        hook = self.hook(session, tree, node)
        if hook is not None and hook.line:
            text = f"{text}\n\n{hook.line}"
        buttons = tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        reply = Reply(
            text,
            kind="question",
            buttons=buttons,
            contacts=self.contacts(hook.contacts if hook else (), session=session),
        )
        return Result(
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
    ) -> Result:
        offer: Offer | None = None
        text = node.text_for(session.facts.get(profession.PROFESSION_FACT))
        hook = self.hook(session, tree, node)
        contacts = [*node.contacts, *(hook.contacts if hook else ())]
        if hook is not None and hook.line:
            text = f"{text}\n\n{hook.line}"
        shown = [c for c in contacts if self.knowledge.shown_in(c, self.region(session))]
        if current.finished:
            consult = self.consultation_targets(shown, session) if node.outcome in _CONSULT else ()
            related = (
                encode(TreeTarget(t)) for t in (*node.related, *(hook.related if hook else ()))
            )
            commands = (encode(CommandTarget(c)) for c in (Command.RESTART, Command.MENU))
            offer = Offer(_END, (*related, *consult, *commands))
            text = f"{text}\n\n{_route_summary(tree, current)}"
            buttons = self.offer_buttons(offer, None)
        else:
            buttons = tuple(Button(o.label, Payload(node.id, o.key)) for o in node.options)
        reply = Reply(
            text,
            kind="advice",
            buttons=buttons,
            contacts=self.contacts(shown),
            sources=self.sources(
                [*self._national(node.sources, session), *(hook.sources if hook else ())]
            ),
            outcome=node.outcome,
            tree=tree.id if current.finished else None,
            emergency=node.acute,
        )
        return Result(
            replace(session, tree_id=tree.id, answers=answers, offer=offer), [reply], action
        )

    # -- beside the tree -----------------------------------------------------------------------

    def menu_targets(self, session: Session) -> tuple[str, ...]:
        """The main menu for this user: the national menu trees and the covenant of their
        child's (or own organisation's) region, finding a contact and the consultation actions
        — for Veilig Thuis / SAVE their messages to the JGZ first; and, while the role is not
        known, the roles to choose in one tap."""
        regions = self.regions(session)
        trees = tuple(encode(TreeTarget(t.id)) for t in self.knowledge.menu_trees_for(regions))
        contact = encode(IntentTarget("contact"))
        if partner_side(session):
            actions = (
                *(encode(FlowTarget(Flow.REQUEST, Step.KIND, k)) for k in _PARTNER_ACTIONS),
                contact,
                encode(FlowTarget(Flow.REQUEST, Step.KIND, "procesevaluatie")),
                RECORD_START,
            )
            return (*actions, *trees)
        roles: tuple[str, ...] = ()
        if profession.PROFESSION_FACT not in session.facts:
            roles = tuple(encode(ProfessionTarget(p)) for p in profession.CHOICES)
        return (*trees, contact, REQUEST_START, RECORD_START, *roles)

    def menu(self, session: Session, *, welcome: bool) -> Result:
        """The main menu (with the welcome on a first turn); the session leaves any tree."""
        offer = Offer(MENU, self.menu_targets(session))
        text = f"{phrases.WELCOME}\n{phrases.MENU_PROMPT}" if welcome else phrases.MENU_PROMPT
        if profession.PROFESSION_FACT not in session.facts:
            text = f"{text}\n{phrases.ROLE_ASK}"
        reply = Reply(text, kind="question", buttons=self.offer_buttons(offer, None))
        return Result(replace(session, tree_id=None, answers=(), offer=offer), [reply], "menu")

    # -- the child's region ------------------------------------------------------------------

    def region(self, session: Session) -> str | None:
        """The Veilig Thuis region of the child the user asked about, if known."""
        region = ChildFacts.read(session).region
        return region if region in self.knowledge.regions else None

    def regions(self, session: Session) -> frozenset[str]:
        """The regions whose own content applies: the child's, and the user's own
        organisation's (a Veilig Thuis / SAVE professional who said whom they work for)."""
        own = self.knowledge.organisation_regions(session.facts.get(OWN_ORGANISATION_FACT, ""))
        child = self.region(session)
        return frozenset({*own, *((child,) if child else ())})

    def _national(self, sources: Sequence[str], session: Session) -> list[str]:
        """A national node's sources for this child: for a child known to live elsewhere, not a
        region's own (its protocol), unless nothing else would be left to cite; where the
        child's region is not known, every source the content cites."""
        region = self.region(session)
        if region is None:
            return list(sources)
        shown = [s for s in sources if self.knowledge.source_shown_in(s, region)]
        return shown or list(sources)

    def hook(
        self, session: Session, tree: DecisionTree, node: QuestionNode | AdviceNode
    ) -> NodeHook | None:
        """What the child's region's pack adds to ``node`` (national trees only)."""
        region = self.region(session)
        if region is None or self.knowledge.tree_region(tree.id) is not None:
            return None
        return self.knowledge.pack_for(region).hook(tree.id, node.id)

    def faq_hook(self, session: Session, faq: str) -> NodeHook | None:
        """What the child's region's pack adds to the FAQ entry ``faq`` (national ones only)."""
        region = self.region(session)
        if region is None or self.knowledge.faq_region(faq) is not None:
            return None
        return self.knowledge.pack_for(region).faq_hook(faq)

    def applies(self, session: Session, region: str | None) -> bool:
        """Whether content of ``region`` (None: national) is for this user: a region's own
        content only for a child — or a professional's own organisation — in that region."""
        return region is None or region in self.regions(session)

    def aside(
        self,
        session: Session,
        here: Here | None,
        *,
        action: str,
        text: str,
        related: tuple[str, ...] = (),
        contacts: Sequence[str] = (),
        sources: Sequence[str] = (),
        outcome: str | None = None,
        extra: tuple[str, ...] = (),
        regional: bool = True,
        offer_node: str = FAQ,
    ) -> Result:
        """An answer beside the tree (FAQ, partner, place): the place in the tree is kept,
        and the follow-ups are the related trees, ``extra``, "Verder met …" and the menu.
        With ``regional``, a region's own organisations are shown only for a child known to
        live in that region (a card asked for by name, or a region's own answer given in its
        region, is always shown)."""
        targets = [*(encode(TreeTarget(t)) for t in related), *extra]
        if here is not None and not here.walk.finished:
            targets.append(encode(ResumeTarget()))
        offer = Offer(offer_node, (*targets, encode(CommandTarget(Command.MENU))))
        reply = Reply(
            text,
            kind="advice",
            buttons=self.offer_buttons(offer, here),
            contacts=self.contacts(contacts, session=session if regional else None),
            sources=self.sources(
                self._national([s for s in sources if s in self.knowledge.sources], session)
                if regional and self.region(session)
                else [s for s in sources if s in self.knowledge.sources]
            ),
            outcome=outcome,
        )
        return Result(replace(session, offer=offer), [reply], action)

    def ask_profession(
        self, session: Session, *, then_open: str | None, first: Sequence[Reply] = ()
    ) -> Result:
        """Ask the profession (after ``first``), then open tree ``then_open``."""
        asked = profession.asking(session, then_open=then_open)
        assert asked.offer is not None
        buttons = self.offer_buttons(asked.offer, None)
        reply = Reply(profession.ASK_PROFESSION, kind="question", buttons=buttons)
        return Result(asked, [*first, reply], "ask-profession")

    def consultation_targets(self, contacts: Sequence[str], session: Session) -> tuple[str, ...]:
        """Follow-ups after advice that involves partners. For the JGZ: request the first
        partner shown that has an intake (never a JGZ organisation), record the talk. For
        Veilig Thuis / SAVE: a bevraging or terugkoppeling to the JGZ (never a request to their
        own side), record the talk."""
        if partner_side(session):
            kinds = ("bevraging", "terugkoppeling")
            return (*(encode(FlowTarget(Flow.REQUEST, Step.KIND, k)) for k in kinds), RECORD_START)
        partners = self._intakes.partners()
        jgz = self._jgz_organisations
        with_intake = [c for c in contacts if c in partners and c not in jgz]
        return (*(encode(request_target(c)) for c in with_intake[:1]), RECORD_START)

    @cached_property
    def _jgz_organisations(self) -> frozenset[str]:
        """Every region pack's JGZ organisations (the content is fixed for these screens)."""
        return frozenset(o for p in self.knowledge.packs.values() for o in p.jgz)

    def contacts(
        self, ids: Sequence[str], *, session: Session | None = None
    ) -> tuple[ContactCard, ...]:
        """Contact cards for organisation ``ids``; with ``session``, a region's own
        organisations only for a child in that region, and one that serves certain gemeenten
        only for a child there."""
        if session is not None:
            region = self.region(session)
            gemeente = ChildFacts.read(session).gemeente
            ids = [
                i
                for i in ids
                if self.knowledge.shown_in(i, region) and self.knowledge.serves(i, gemeente)
            ]
        return contact_cards(self.knowledge, ids)

    def sources(self, ids: Sequence[str]) -> tuple[SourceNote, ...]:
        """Source notes for source ``ids``."""
        return source_notes(self.knowledge, ids)


_OFFER_QUESTIONS = {
    MENU: phrases.MENU_PROMPT,
    CHOOSE: phrases.AMBIGUOUS,
    profession.PROFESSION_NODE: profession.ASK_PROFESSION,
}
"""The question shown again with an offer's buttons; any other offer (after an outcome, beside
the tree, a step of a request) gets the neutral ``phrases.NEXT_STEP``."""


def overview(tree: DecisionTree) -> str:
    """The tree's title and summary, and its steps in one list ("Stap 1 — …") where it has them."""
    texts = (node.advice if isinstance(node, AdviceNode) else node.question for node in tree.nodes)
    steps = list(dict.fromkeys(t.split(".")[0] for t in texts if t.startswith("Stap ")))
    lines = [f"{tree.title}: {tree.summary}"]
    if steps:
        lines += [phrases.STEPS_FIRST, *(f"- {s}" for s in steps)]
    return "\n".join(lines)


def _route_summary(tree: DecisionTree, current: Walk) -> str:
    lines = [phrases.ROUTE_HEADER]
    for route_step in current.route:
        if route_step.answer_key == CONTINUE_ID or _is_detour(tree, route_step):
            continue
        node = tree.node(route_step.node_id)
        short = getattr(node, "short", None) or route_step.question
        lines.append(f"- {short} {route_step.answer_label}")
    return "\n".join(lines)


def _is_detour(tree: DecisionTree, route_step: RouteStep) -> bool:
    """An answer that only explains and then leads back ("Wat is acuut of structureel?"): an
    advice marked as a cycle. It is help along the way, not an answer on the route."""
    node = tree.node(route_step.node_id)
    chosen = next((o for o in node.options if o.key == route_step.answer_key), None)
    if chosen is None:
        return False
    target = tree.node(chosen.next)
    return isinstance(target, AdviceNode) and target.cycle
