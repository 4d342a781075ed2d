"""The consultation flows behind one seam: the conversation hands flow targets and the request
form here ("Ik pak dit op" is dialogs.consultation.pickup's; the notice it leads to offers the
record under the same reference, ``after_pickup``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from dialogs.consultation.fields import ClientData, pii_only
from dialogs.consultation.labels import STAGES, URGENCIES, kind_label
from dialogs.consultation.record import RecordFlow
from dialogs.consultation.request import RequestFlow
from dialogs.consultation.requester import MemoryRequesterBook, RequesterBook
from dialogs.consultation.state import FormWait, waiting_for
from dialogs.consultation.steps import RECORD_NODE, SUBMIT, FlowResult, Steps
from dialogs.intake import IntakeDesk
from dialogs.openrequests import (
    OpenRequest,
    find_request,
    picked_up,
    read_sealed_request,
    seal_request,
)
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.phrases import PICKED_UP
from dialogs.register import ConsultationRecord, Kind
from dialogs.session import Session
from dialogs.targets import (
    Asker,
    ChildPlace,
    Flow,
    FlowTarget,
    Reach,
    Step,
    Target,
    decode,
    encode,
)
from dialogs.turn import Button, Payload, Reply, Turn
from knowledge.library import KnowledgeBase
from knowledge.model import RegionPack
from knowledge.normalise import normalise

__all__ = ["ConsultationFlows"]

LABEL_LIMIT = 40
"""The longest button label a phone shows in full (as for content labels)."""

_REQUEST_KINDS = {
    "bevraging": LABEL["ask-info"],
    "terugkoppeling": LABEL["feedback"],
    "opschalen": LABEL["scale-up"],
    "afschalen": LABEL["scale-down"],
    "procesevaluatie": LABEL["evaluation"],
}
"""How a request of a kind is started (the Veilig Thuis / SAVE menu, the kind question)."""
_ASKERS = {
    Asker.FIXED: LABEL["confirm"],
    Asker.ME: LABEL["i-asked"],
    Asker.OTHER: LABEL["they-asked"],
}
_PLACES = {ChildPlace.SAME: LABEL["same-child"], ChildPlace.OTHER: LABEL["other-child"]}
_FIXED_STEPS = {
    Step.CANCEL: LABEL["cancel"],
    Step.SUBMIT: LABEL["submit"],
    Step.UNLINKED: LABEL["record-other"],
    Step.CONFIRM_LINKED: LABEL["confirm"],
}


_PLACE_WORDS = frozenset("gemeente gemeenten plaats woonplaats kind regio".split())
"""With "ander(e)": a typed answer that asks for the child's place again."""
_OTHER = frozenset("ander andere anders".split())


class ConsultationFlows:
    """Record a consultation, request one (both ways), pick one up."""

    @staticmethod
    def typed_step(offer: tuple[str, ...], text: str) -> FlowTarget | None:
        """A typed answer that names another step of the flow on ``offer`` ("Andere gemeente"
        at the kind question: the child's place asked again), or None."""
        flows = {t.flow for raw in offer if isinstance(t := decode(raw), FlowTarget)}
        words = set(normalise(text).split())
        if len(flows) != 1 or not (words & _OTHER and words & _PLACE_WORDS) or len(words) > 4:
            return None
        return FlowTarget(flows.pop(), Step.PLACE, ChildPlace.OTHER)

    @staticmethod
    def in_flow(offer: tuple[str, ...]) -> bool:
        """True when ``offer`` holds a consultation flow's choices."""
        return any(isinstance(decode(raw), FlowTarget) for raw in offer)

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        key: bytes,
        requesters: RequesterBook | None = None,
        client_data: ClientData | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._knowledge = knowledge
        self._key = key
        self._clock = clock
        self._names = Steps(knowledge, intakes=intakes, label=self.label, clock=clock)
        self._record = RecordFlow(knowledge, intakes=intakes, label=self.label, clock=clock)
        self._request = RequestFlow(
            knowledge,
            intakes=intakes,
            key=key,
            label=self.label,
            requesters=requesters if requesters is not None else MemoryRequesterBook(),
            client_data=client_data or pii_only,
            clock=clock,
        )

    # -- naming --------------------------------------------------------------------------------

    def label(self, target: Target, pack: RegionPack | None = None) -> str | None:
        """The button label of a flow target for a child in ``pack``'s region (None:
        anywhere), or None when it is not a flow target; never longer than a phone shows."""
        label = self._label(target, pack) if isinstance(target, FlowTarget) else None
        if label is not None and len(label) > LABEL_LIMIT:
            label = label[: LABEL_LIMIT - 1].rstrip() + "…"
        return label

    def _label(self, target: FlowTarget, pack: RegionPack | None) -> str | None:
        step, value = target.step, target.value
        if step in _FIXED_STEPS:
            return _FIXED_STEPS[step]
        if step is Step.START:
            return LABEL["record"] if target.flow is Flow.RECORD else LABEL["request"]
        if step is Step.KIND:
            if target.flow is Flow.REQUEST and value in _REQUEST_KINDS:
                return _REQUEST_KINDS[value]
            return kind_label(value, pack)
        named: dict[Step, Callable[[], str]] = {
            Step.LINKED: lambda: LABEL["record-linked"].format(reference=value),
            Step.TO: lambda: self._request_to(value),
            Step.PARTNER: lambda: self.partner_name(value, short=True),
            Step.INVITE: lambda: self.partner_name(value, short=True),
            Step.ON_BEHALF: lambda: self.partner_name(value, short=True),
            Step.URGENCY: lambda: URGENCIES.get(value, value),
            Step.STAGE: lambda: self._stage(value, pack),
            Step.REACH: lambda: (
                LABEL["by-phone"]
                if value == Reach.PHONE
                else LABEL["by-channel"].format(reach=value)
            ),
            Step.DIRECTION: lambda: next(
                (t for a, t in _ASKERS.items() if a.value == value), value
            ),
            Step.PLACE: lambda: next((t for p, t in _PLACES.items() if p.value == value), value),
        }
        return named[step]() if step in named else None

    @staticmethod
    def _stage(stage: str, pack: RegionPack | None) -> str:
        if stage == "jeugdbescherming" and pack is not None and stage in pack.kind_names:
            return f"Overgedragen: {kind_label(stage, pack)}"
        return STAGES.get(stage, stage)

    def _request_to(self, partner: str) -> str:
        """The "Overleg aanvragen: …" label with the partner's name; when that is longer than
        a phone shows (40 characters), its shortest alias, else the name cut short with "…"."""
        label = LABEL["request-to"].format(partner=self.partner_name(partner))
        organisation = self._knowledge.organisations.get(partner)
        if len(label) > LABEL_LIMIT and organisation is not None and organisation.aliases:
            label = LABEL["request-to"].format(partner=min(organisation.aliases, key=len))
        if len(label) > LABEL_LIMIT:
            label = label[: LABEL_LIMIT - 1].rstrip() + "…"
        return label

    def partner_name(self, partner: str, *, short: bool = False) -> str:
        """How a partner is named to the user."""
        return self._names.partner_name(partner, short=short)

    def partners_with_intake(self) -> tuple[str, ...]:
        """Organisations a request can be sent to from this deployment."""
        return self._request.with_intake()

    # -- routing -------------------------------------------------------------------------------

    def start_record(self, session: Session) -> FlowResult:
        """Start recording a consultation."""
        return self._record.start(session)

    def start_request(
        self, session: Session, turn: Turn, *, partner: str | None = None, kind: Kind | None = None
    ) -> FlowResult:
        """Start a request: to ``partner``, or of ``kind`` ("procesevaluatie", "bevraging": the
        typed entry for a Veilig Thuis / SAVE action), when given."""
        return self._request.start(session, turn, partner=partner, kind=kind)

    def on_step(self, session: Session, target: FlowTarget, turn: Turn) -> FlowResult:
        """A step of a flow was chosen."""
        if target.flow is Flow.RECORD:
            if target.step is Step.START:
                return self.start_record(session)
            return self._record.on_step(session, target, turn.channel)
        return self._request.on_step(session, target, turn)

    def accepts(self, session: Session, target: Target) -> bool:
        """True for a flow target that may be chosen outside the offer on screen: recording a
        picked-up request of this session (its notice may have come in another message)."""
        return (
            isinstance(target, FlowTarget)
            and target.step is Step.LINKED
            and find_request(session, target.value) is not None
        )

    def wants_form(self, session: Session) -> bool:
        """True when the session waits for a form (typed text then fills its first field)."""
        return session.offer is not None and SUBMIT in session.offer.targets

    def form_again(self, session: Session, turn: Turn) -> FlowResult | None:
        """The form ``session`` waits for, drawn anew (after "help", an old button, …): its
        submit button is only ever shown with its fields. What was typed in it before is not
        kept, so the fields show what the flow fills in (the gemeente, the requester's name);
        None when no form waits."""
        if not self.wants_form(session):
            return None
        waiting = waiting_for(session)
        if waiting is FormWait.RECORD_GEMEENTE:
            return self._record.ask_gemeente(session, Flow.RECORD)
        if waiting is FormWait.REQUEST_GEMEENTE:
            return self._request.ask_gemeente(session, Flow.REQUEST)
        if waiting is FormWait.REQUEST:
            return self._request.form_again(session, turn)
        return None

    def submit(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        """A form came back: the child's gemeente for a record, or a request."""
        if waiting_for(session) is FormWait.RECORD_GEMEENTE:
            return self._record.submit(session, values, turn.channel)
        return self._request.submit(session, turn, values)

    # -- after a pick-up ---------------------------------------------------------------------

    def pickup_notice(self, request: OpenRequest) -> Reply:
        """The requester's notice that ``request`` was picked up — the same message whether it
        comes at once (proactively) or with their next turn — with the button that records the
        consultation under the same reference, so request and record count once. The button
        carries the request sealed: it works after the session ended too (see
        ``sealed_request``)."""
        name = self.partner_name(request.partner)
        text = "\n".join(
            (PICKED_UP.format(reference=request.reference, partner=name), SAY["notice-record"])
        )
        sealed = FlowTarget(Flow.RECORD, Step.LINKED, seal_request(request, self._key))
        label = LABEL["record-linked"].format(reference=request.reference)
        return Reply(text, buttons=(Button(label, Payload(RECORD_NODE, encode(sealed))),))

    def already_recorded(self, session: Session, kept: ConsultationRecord) -> FlowResult:
        """The answer to recording a request's consultation once the register holds it already
        (``kept``): when it was recorded; it counts once, nothing more to do."""
        return self._record.already_recorded(session, kept)

    def after_pickup(self, session: Session, request: OpenRequest) -> tuple[Session, Reply]:
        """The session once its requester is told that ``request`` was picked up (it stays,
        for its record under the same reference), and the notice that tells them."""
        return picked_up(session, request.reference), self.pickup_notice(request)

    def sealed_request(self, payload: Payload) -> OpenRequest | None:
        """The picked-up request a notice's record button carries, or None for any other
        button (a linked record offered from the session carries the bare reference)."""
        target = decode(payload.choice)
        if not isinstance(target, FlowTarget) or target.step is not Step.LINKED:
            return None
        return read_sealed_request(target.value, self._key)

    @staticmethod
    def confirmed_reference(payload: Payload) -> str | None:
        """The reference a linked record's confirm button carries, or None for any other."""
        target = decode(payload.choice)
        if not isinstance(target, FlowTarget) or target.step is not Step.CONFIRM_LINKED:
            return None
        return target.value

    @staticmethod
    def linked_payload(reference: str) -> Payload:
        """The button payload that records the consultation of this session's picked-up
        request ``reference``."""
        return Payload(RECORD_NODE, encode(FlowTarget(Flow.RECORD, Step.LINKED, reference)))
