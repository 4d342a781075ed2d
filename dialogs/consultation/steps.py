"""What every consultation step shares: its result, how partners and kinds are named, the
child's place (asked or confirmed for each record and request), and how a record gets its
region."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dialogs import profession
from dialogs.commands import Command
from dialogs.consultation.fields import GEMEENTE_FIELD, check_field, gemeente_candidates
from dialogs.consultation.labels import SUBJECTS, kind_label
from dialogs.consultation.requester import Requester
from dialogs.consultation.state import ChildFacts, FormWait, awaiting, without_flow
from dialogs.intake import ConsultationRequest, IntakeDesk, Pickup
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.phrases import MENU_LABEL
from dialogs.register import ConsultationRecord, Direction, Kind, Status, minute, new_reference
from dialogs.session import Offer, Session
from dialogs.targets import (
    ChildPlace,
    CommandTarget,
    Flow,
    FlowTarget,
    Step,
    Target,
    decode,
    encode,
)
from dialogs.turn import Button, Form, FormField, Payload, Reply
from knowledge.library import KnowledgeBase
from knowledge.model import PARTNER_PROFESSION, Gemeente, RegionPack

__all__ = [
    "MENU",
    "PSEUDO_PARTNERS",
    "RECORD_NODE",
    "RECORD_START",
    "REQUEST_NODE",
    "REQUEST_START",
    "SUBMIT",
    "Effect",
    "FlowResult",
    "Labeller",
    "Steps",
]

RECORD_NODE = "_vl"
REQUEST_NODE = "_av"
RECORD_START = encode(FlowTarget(Flow.RECORD, Step.START))
REQUEST_START = encode(FlowTarget(Flow.REQUEST, Step.START))
SUBMIT = encode(FlowTarget(Flow.REQUEST, Step.SUBMIT))
"""The submit button of every consultation form."""
MENU = encode(CommandTarget(Command.MENU))
PSEUDO_PARTNERS = ("intern", "overig")
_NODES = {Flow.RECORD: RECORD_NODE, Flow.REQUEST: REQUEST_NODE}
_GEMEENTE_FORMS = {Flow.RECORD: FormWait.RECORD_GEMEENTE, Flow.REQUEST: FormWait.REQUEST_GEMEENTE}
_GEMEENTE_QUESTIONS = {Flow.RECORD: "ask-gemeente-record", Flow.REQUEST: "ask-gemeente-request"}

Labeller = Callable[[Target, RegionPack | None], str | None]
"""Names a button: a target, for a child in a region (its pack) or anywhere (None)."""


@dataclass(frozen=True)
class Effect:
    """What a turn still has to do once its session is saved (and only then)."""

    done: tuple[Reply, ...]
    failed: tuple[Reply, ...]
    record: ConsultationRecord | None = None
    once: bool = False
    """True when ``record`` continues a request's reference (its consultation, recorded once per
    reference: ``ConsultationRegister.record_once``; when another press recorded it first, the
    user is told so instead of ``done``); False for a record under a fresh reference, which is
    appended as it is."""
    request: ConsultationRequest | None = None
    pickup: Pickup | None = None
    notice: Reply | None = None
    """The requester's notice once the pick-up is recorded (with ``pickup``)."""
    requester: Requester | None = None
    """The requester's own details, kept for the conversation once the request went out."""


@dataclass(frozen=True)
class FlowResult:
    """The next session, replies and, perhaps, an effect."""

    session: Session
    replies: list[Reply]
    action: str
    effect: Effect | None = None


class Steps:
    """Helpers over one content snapshot; the record and request flows build on them."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        label: Labeller,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._knowledge = knowledge
        self._intakes = intakes
        self._label = label
        self._clock = clock

    # -- naming --------------------------------------------------------------------------------

    def partner_name(self, partner: str, *, short: bool = False) -> str:
        """How a partner is named to the user."""
        if partner == "intern":
            return "een collega"
        if partner == "overig":
            return "een andere organisatie"
        organisation = self._knowledge.organisations.get(partner)
        if organisation is None:
            return partner
        if short and organisation.aliases and len(organisation.name) > 40:
            return min(organisation.aliases, key=len)
        return organisation.name

    def subject(self, kind: Kind, partner: str, pack: RegionPack | None = None) -> str:
        """What a record is about, without doubled names: "Melding bij Veilig Thuis …",
        "Overleg met SAVE (Samen Veilig …)", "Collegiale consultatie"."""
        label = kind_label(kind, pack)
        if partner == "intern":
            return label
        name = self.partner_name(partner)
        if kind in SUBJECTS:
            return SUBJECTS[kind].format(partner=name)
        if name.casefold().startswith(label.casefold()) or label.casefold() in name.casefold():
            return f"Overleg met {name}"
        return f"{label} met {name}"

    # -- who is asking, and for which child ----------------------------------------------------

    @staticmethod
    def is_partner_professional(session: Session) -> bool:
        """True when the user works at Veilig Thuis or SAVE (the other direction)."""
        return session.facts.get(profession.PROFESSION_FACT) == PARTNER_PROFESSION

    def child_region(self, session: Session) -> str | None:
        """The region code (``VT20``) of the child's place, if the session knows it."""
        region = ChildFacts.read(session).region
        return region if region in self._knowledge.regions else None

    def pack(self, session: Session) -> RegionPack | None:
        """The pack of the child's region, once the session knows it."""
        region = self.child_region(session)
        return self._knowledge.pack_for(region) if region is not None else None

    def gemeente(self, session: Session) -> Gemeente | None:
        """The child's gemeente, if the session knows it."""
        code = ChildFacts.read(session).gemeente
        return self._knowledge.gemeenten.get(code) if code else None

    def place_step(self, session: Session, flow: Flow) -> FlowResult | None:
        """The question that settles the child's gemeente for this record or request: a form
        when it is unknown, "Voor een kind in Zeist?" when it was given for an earlier one;
        None when it was just given (a place answer, a typed gemeente)."""
        child = ChildFacts.read(session)
        gemeente = self.gemeente(session)
        if gemeente is not None and child.fresh:
            return None
        if gemeente is None:
            return self.ask_gemeente(session, flow)
        text = SAY["ask-child-place"].format(gemeente=gemeente.name)
        targets = (
            FlowTarget(flow, Step.PLACE, ChildPlace.SAME),
            FlowTarget(flow, Step.PLACE, ChildPlace.OTHER),
            FlowTarget(flow, Step.CANCEL),
        )
        return self.ask(session, flow, text, targets, f"{flow.name.lower()}-child-place")

    def confirm_place(self, session: Session, flow: Flow, answer: str) -> Session | FlowResult:
        """The answer to "Voor een kind in Zeist?": the session with the gemeente confirmed,
        or the form that asks another one."""
        if answer == ChildPlace.SAME and self.gemeente(session) is not None:
            return replace(ChildFacts.read(session), fresh=True).write(session)
        return self.ask_gemeente(session, flow)

    def with_gemeente(self, session: Session, typed: str) -> Session | str:
        """``session`` knowing the child's gemeente (its CBS code and region), or why ``typed``
        is not one (an address, an unknown name)."""
        problem = check_field("gemeente", typed)
        if problem is not None:
            return problem
        found = gemeente_candidates(self._knowledge, typed)
        if len(found) > 1:
            names = ", ".join(g.name for g in found)
            return SAY["ambiguous-gemeente"].format(typed=typed.strip(), gemeenten=names)
        gemeente = found[0] if found else None
        if gemeente is None:
            return SAY["unknown-gemeente"]
        return ChildFacts(gemeente.region, gemeente.code, fresh=True).write(session)

    @staticmethod
    def used_place(session: Session) -> Session:
        """``session`` once a record or request used the child's place: the next asks again."""
        return ChildFacts.read(session).used().write(session)

    # -- records -------------------------------------------------------------------------------

    def region_of(self, partner: str, session: Session) -> str | None:
        """The region of a record: the child's, else the only region whose pack names
        ``partner``."""
        region = self.child_region(session)
        if region is not None:
            return region
        regions = self._knowledge.organisation_regions(partner)
        return next(iter(regions)) if len(regions) == 1 else None

    def new_record(
        self,
        session: Session,
        kind: Kind,
        partner: str,
        direction: Direction,
        channel: str,
        status: Status,
        *,
        reference: str | None = None,
        region: str | None = None,
    ) -> ConsultationRecord:
        """A register entry, with its own reference code unless it continues ``reference``."""
        return ConsultationRecord(
            reference=reference or new_reference(),
            time=minute(self._clock()),
            kind=kind,
            partner=partner,
            region=region or self.region_of(partner, session),
            direction=direction,
            channel=channel,
            content_version=self._knowledge.meta.version,
            status=status,
        )

    def with_intake(self) -> tuple[str, ...]:
        """Organisations whose intake this deployment can reach."""
        known = self._knowledge.organisations
        return tuple(p for p in self._intakes.partners() if p in known)

    # -- replies -------------------------------------------------------------------------------

    def ask(
        self,
        session: Session,
        flow: Flow,
        text: str,
        targets: Sequence[Target],
        action: str,
        *,
        kind: str = "question",
    ) -> FlowResult:
        """A question (or ``kind`` of reply) with one button per target."""
        offer = Offer(_NODES[flow], tuple(encode(t) for t in targets))
        reply = Reply(text, kind=kind, buttons=self.buttons(offer, session))  # type: ignore[arg-type]
        return FlowResult(replace(session, offer=offer), [reply], action)

    def cancel(self, session: Session) -> FlowResult:
        """Leave the flow; nothing was kept."""
        after = self.after(session)
        reply = Reply(SAY["cancelled"], buttons=self.buttons(after.offer, after))
        return FlowResult(after, [reply], "cancelled")

    @staticmethod
    def after(session: Session) -> Session:
        """The session once a flow is done: back to the menu button."""
        offer = Offer(RECORD_NODE, (MENU,))
        return replace(without_flow(session), tree_id=None, answers=(), offer=offer)

    def buttons(self, offer: Offer | None, session: Session) -> tuple[Button, ...]:
        """One button per target of ``offer``, named for the child's region."""
        if offer is None:
            return ()
        pack = self.pack(session)
        buttons = []
        for raw in offer.targets:
            target = decode(raw)
            label = self._label(target, pack) if target is not None else None
            buttons.append(Button(label or MENU_LABEL, Payload(offer.node, raw)))
        return tuple(buttons)

    def form(
        self,
        session: Session,
        flow: Flow,
        *,
        text: str,
        fields: tuple[FormField, ...],
        submit: str,
        waits_for: FormWait,
        action: str,
        warning: str | None = None,
    ) -> FlowResult:
        """A form with its submit (primary) and cancel (secondary) buttons; the session notes
        which form it ``waits_for``. ``warning``: why the last attempt was not taken."""
        node = _NODES[flow]
        cancel = encode(FlowTarget(flow, Step.CANCEL))
        reply = Reply(
            text,
            kind="question",
            buttons=(Button(LABEL["cancel"], Payload(node, cancel)),),
            form=Form(fields, Button(submit, Payload(node, SUBMIT))),
        )
        replies = [Reply(warning, kind="warning")] if warning else []
        waiting = replace(awaiting(session, waits_for), offer=Offer(node, (SUBMIT, cancel)))
        return FlowResult(waiting, [*replies, reply], action)

    def ask_gemeente(
        self, session: Session, flow: Flow, *, warning: str | None = None
    ) -> FlowResult:
        """The one-field form that asks the child's gemeente (never an address)."""
        return self.form(
            session,
            flow,
            text=SAY[_GEMEENTE_QUESTIONS[flow]],
            fields=(GEMEENTE_FIELD,),
            submit=LABEL["next"],
            waits_for=_GEMEENTE_FORMS[flow],
            action=f"{flow.name.lower()}-gemeente",
            warning=warning,
        )
