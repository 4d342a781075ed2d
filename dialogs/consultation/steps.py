"""What every consultation step shares: its result, the session facts it keeps, how partners
are named and how a record gets its region."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from dialogs import profession
from dialogs.consultation.fields import GEMEENTE_FIELD, check_field, find_gemeente
from dialogs.consultation.labels import SUBJECTS, kind_label
from dialogs.intake import ConsultationRequest, Pickup
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.register import ConsultationRecord, Direction, Kind, Status, minute, new_reference
from dialogs.session import Offer, Session
from dialogs.turn import Button, Form, FormField, Payload, Reply
from knowledge.library import KnowledgeBase
from knowledge.model import PARTNER_PROFESSION, RegionPack

__all__ = [
    "FORM_FACT",
    "GEMEENTE_FACT",
    "GEMEENTE_FORMS",
    "MENU",
    "PSEUDO_PARTNERS",
    "RECORD_NODE",
    "RECORD_START",
    "REGION_FACT",
    "REQUEST_NODE",
    "REQUEST_START",
    "SUBMIT",
    "Effect",
    "FlowResult",
    "Steps",
    "without_flow",
]

RECORD_NODE = "_vl"
REQUEST_NODE = "_av"
RECORD_START = "vl:start"
REQUEST_START = "av:start"
SUBMIT = "av:versturen"
MENU = "_cmd:menu"
FORM_FACT = "formulier"
"""Which form the session waits for: ``verzoek`` (a request) or ``gemeente-vl``/``gemeente-av``."""
REGION_FACT = "regio"
"""A coarse Veilig Thuis region code (one of 25), kept to fill in register entries."""
GEMEENTE_FACT = "gemeente"
"""The CBS code of the child's gemeente (``GM0355``), asked once; never an address."""
GEMEENTE_FORMS = {RECORD_NODE: "gemeente-vl", REQUEST_NODE: "gemeente-av"}
"""The :data:`FORM_FACT` value while a flow waits for the child's gemeente."""
PSEUDO_PARTNERS = ("intern", "overig")
_FLOW_FACTS = (
    "vl-soort",
    "vl-partner",
    "vl-richting",
    "av-partner",
    "av-urgentie",
    "av-bereik",
    "av-soort",
    "av-fase",
    "av-namens",
    FORM_FACT,
)


@dataclass(frozen=True)
class Effect:
    """What a turn still has to do once its session is saved (and only then)."""

    done: tuple[Reply, ...]
    failed: tuple[Reply, ...]
    record: ConsultationRecord | None = None
    request: ConsultationRequest | None = None
    pickup: Pickup | None = None
    notice: str | None = None


@dataclass(frozen=True)
class FlowResult:
    """The next session, replies and, perhaps, an effect."""

    session: Session
    replies: list[Reply]
    action: str
    effect: Effect | None = None


def without_flow(session: Session) -> Session:
    """``session`` without the facts of an unfinished flow."""
    for fact in _FLOW_FACTS:
        session = session.with_fact(fact, None)
    return session


class Steps:
    """Helpers over one content snapshot; the record and request flows build on them."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        label: Callable[[str], str | None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._knowledge = knowledge
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
            return organisation.aliases[0]
        return organisation.name

    def subject(self, kind: Kind, partner: str) -> str:
        """What a record is about, without doubled names: "Melding bij Veilig Thuis …",
        "SAVE (Samen Veilig Midden-Nederland)", "Collegiale consultatie"."""
        label = kind_label(kind)
        if partner == "intern":
            return label
        name = self.partner_name(partner)
        if kind in SUBJECTS:
            return SUBJECTS[kind].format(partner=name)
        if name.casefold().startswith(label.casefold()):
            return f"Overleg met {name}"
        return f"{label} met {name}"

    # -- regions -------------------------------------------------------------------------------

    def child_region(self, session: Session) -> str | None:
        """The region code (``VT20``) of the place or gemeente asked about, if any."""
        fact = (session.facts.get(REGION_FACT) or "").upper()
        return fact if fact in self._knowledge.regions else None

    def region_of(self, partner: str, session: Session) -> str | None:
        """The region of a record: the partner's pack, else the place or gemeente asked about."""
        for pack in self._knowledge.packs.values():
            if partner in pack.partners:
                return pack.region
        return self.child_region(session)

    def packs(self, session: Session) -> tuple[RegionPack, ...]:
        """The packs that apply: the region of a place looked up in this session, else all."""
        region = self.child_region(session)
        if region is not None:
            return (self._knowledge.pack_for(region),)
        return tuple(self._knowledge.packs.values())

    @staticmethod
    def is_partner_professional(session: Session) -> bool:
        """True when the user works at Veilig Thuis or SAVE (the other direction)."""
        return session.facts.get(profession.PROFESSION_FACT) == PARTNER_PROFESSION

    # -- records and replies -------------------------------------------------------------------

    def new_record(
        self,
        session: Session,
        kind: Kind,
        partner: str,
        direction: Direction,
        channel: str,
        status: Status,
    ) -> ConsultationRecord:
        """A fresh register entry with its own reference code."""
        return ConsultationRecord(
            reference=new_reference(),
            time=minute(self._clock()),
            kind=kind,
            partner=partner,
            region=self.region_of(partner, session),
            direction=direction,
            channel=channel,
            content_version=self._knowledge.meta.version,
            status=status,
        )

    def ask(
        self, session: Session, node: str, text: str, targets: tuple[str, ...], action: str
    ) -> FlowResult:
        """A question with one button per target."""
        offer = Offer(node, targets)
        reply = Reply(text, kind="question", buttons=self.buttons(offer))
        return FlowResult(replace(session, offer=offer), [reply], action)

    def cancel(self, session: Session) -> FlowResult:
        """Leave the flow; nothing was kept."""
        after = self.after(session)
        reply = Reply(SAY["cancelled"], buttons=self.buttons(after.offer))
        return FlowResult(after, [reply], "cancelled")

    @staticmethod
    def after(session: Session) -> Session:
        """The session once a flow is done: back to the menu button."""
        offer = Offer(RECORD_NODE, (MENU,))
        return replace(without_flow(session), tree_id=None, answers=(), offer=offer)

    def buttons(self, offer: Offer | None) -> tuple[Button, ...]:
        """One button per target of ``offer``."""
        if offer is None:
            return ()
        return tuple(
            Button(self._label(t) or "Menu", Payload(offer.node, t)) for t in offer.targets
        )

    def form(
        self,
        session: Session,
        node: str,
        *,
        text: str,
        fields: tuple[FormField, ...],
        submit: str,
        waits_for: str,
        action: str,
        warning: str | None = None,
    ) -> FlowResult:
        """A form with its submit (primary) and cancel (secondary) buttons; the session notes
        which form it ``waits_for``. ``warning``: why the last attempt was not taken."""
        cancel = f"{'vl' if node == RECORD_NODE else 'av'}:annuleer"
        reply = Reply(
            text,
            kind="question",
            buttons=(Button(LABEL["cancel"], Payload(node, cancel)),),
            form=Form(fields, Button(submit, Payload(node, SUBMIT))),
        )
        replies = [Reply(warning, kind="warning")] if warning else []
        waiting = replace(
            session.with_fact(FORM_FACT, waits_for), offer=Offer(node, (SUBMIT, cancel))
        )
        return FlowResult(waiting, [*replies, reply], action)

    def ask_gemeente(
        self, session: Session, node: str, *, submit: str, warning: str | None = None
    ) -> FlowResult:
        """The one-field form that asks the child's gemeente (never an address)."""
        flow = "record" if node == RECORD_NODE else "request"
        return self.form(
            session,
            node,
            text=SAY["ask-gemeente"],
            fields=(GEMEENTE_FIELD,),
            submit=submit,
            waits_for=GEMEENTE_FORMS[node],
            action=f"{flow}-gemeente",
            warning=warning,
        )

    def with_gemeente(self, session: Session, typed: str) -> Session | str:
        """``session`` knowing the child's gemeente (its CBS code and region), or why ``typed``
        is not one (an address, an unknown name)."""
        problem = check_field("gemeente", typed)
        gemeente = find_gemeente(self._knowledge, typed) if problem is None else None
        if gemeente is None:
            return problem or SAY["unknown-gemeente"]
        known = session.with_fact(REGION_FACT, gemeente.region.lower())
        return known.with_fact(GEMEENTE_FACT, gemeente.code.lower())
