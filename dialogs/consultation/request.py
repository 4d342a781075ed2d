"""Requesting a consultation, both ways, and asking for a process evaluation.

- A JGZ professional asks a partner of the child's region (its Veilig Thuis, its vertrouwensarts,
  a child-protection team, a local team) for a consultation: the child's gemeente (asked, or
  confirmed for a second child), the partner, urgency, how to be reached, a short form. Recorded
  JGZ → partner, with the kind the partner stands for (advice, vertrouwensarts, …).
- A Veilig Thuis or SAVE professional sends the JGZ of the child's gemeente a bevraging,
  terugkoppeling (started, finished, handed over to whom) or an op-/afschaling. Recorded
  partner → JGZ with the JGZ organisation as partner and the gemeente's region.
- Either asks for a procesevaluatie of a case where they got stuck.

Where a partner has no intake, the reply gives the phone route that exists (0800-2000, or the
partner's own confirmed number), never a promise without a number. The session keeps ids only;
what is typed in the form is checked (every problem at once), forwarded and forgotten; the
requester's own name and organisation are remembered for the conversation
(:mod:`dialogs.consultation.requester`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from dialogs.commands import Command
from dialogs.consultation.fields import (
    ClientData,
    FormProblem,
    check_form,
    filled,
    find_gemeente,
    request_fields,
)
from dialogs.consultation.labels import REQUEST_KINDS, STAGES, URGENCIES, kind_label
from dialogs.consultation.requester import Requester, RequesterBook
from dialogs.consultation.state import (
    OWN_ORGANISATION_FACT,
    STATED_ORGANISATION_FACT,
    FormWait,
    RequestState,
    waiting_for,
    without_flow,
)
from dialogs.consultation.steps import Effect, FlowResult, Labeller, Steps
from dialogs.contacts import contact_cards
from dialogs.intake import ConsultationRequest, IntakeDesk, Pickup, seal_pickup
from dialogs.openrequests import OpenRequest, open_request
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.plaintext import UNCONFIRMED
from dialogs.profession import PROFESSION_FACT
from dialogs.register import Direction, Kind
from dialogs.session import Session
from dialogs.targets import CommandTarget, Flow, FlowTarget, Reach, Step
from dialogs.turn import FormField, Reply, Turn
from knowledge.library import KnowledgeBase
from knowledge.model import NURSE_PROFESSION, Gemeente
from knowledge.normalise import normalise

__all__ = ["EVALUATION", "RequestFlow", "request_target"]

EVALUATION: Kind = "procesevaluatie"
_CONSULTATION_SUBJECT = "Consultatieverzoek"
_START_KINDS: tuple[Kind, ...] = (*REQUEST_KINDS, EVALUATION)


def request_target(partner: str) -> FlowTarget:
    """The button target that starts a request to ``partner``."""
    return FlowTarget(Flow.REQUEST, Step.TO, partner)


class RequestFlow(Steps):
    """The request flow's steps."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        key: bytes,
        label: Labeller,
        requesters: RequesterBook,
        client_data: ClientData,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(knowledge, intakes=intakes, label=label, clock=clock)
        self._key = key
        self._requesters = requesters
        self._client_data = client_data

    # -- steps ---------------------------------------------------------------------------------

    def start(
        self, session: Session, turn: Turn, *, partner: str | None = None, kind: Kind | None = None
    ) -> FlowResult:
        """Start a request, to ``partner`` or of ``kind`` when given."""
        state = RequestState(kind=kind, partner=partner)
        return self._next(state.write(without_flow(session)), turn)

    def on_step(self, session: Session, target: FlowTarget, turn: Turn) -> FlowResult:
        """A button of the request flow was pressed."""
        step, value = target.step, target.value
        state = RequestState.read(session)
        if step is Step.CANCEL:
            return self.cancel(session)
        if step is Step.START:
            return self.start(session, turn)
        if step is Step.TO:
            return self.start(session, turn, partner=value)
        if step is Step.KIND and value in _START_KINDS:
            return self.start(session, turn, kind=value)
        if step is Step.PLACE:
            settled = self.confirm_place(session, Flow.REQUEST, value)
            return settled if isinstance(settled, FlowResult) else self._next(settled, turn)
        chosen = self._chosen(session, state, step, value)
        return self._next(chosen.write(session), turn) if chosen else self.start(session, turn)

    def _chosen(
        self, session: Session, state: RequestState, step: Step, value: str
    ) -> RequestState | None:
        """The state after choosing ``value`` at ``step``; None for a choice not on offer."""
        if step is Step.STAGE and value in STAGES and state.kind == "terugkoppeling":
            return replace(state, stage=value)
        if step in (Step.PARTNER, Step.INVITE) and value in self._partners(session, state):
            return replace(state, partner=value)
        if step is Step.ON_BEHALF and value in self._own_side(session) and not state.on_behalf:
            return replace(state, on_behalf=value)
        if step is Step.URGENCY and value in URGENCIES and state.partner:
            return replace(state, urgency=value)
        if step is Step.REACH and state.urgency:
            return replace(state, reach=Reach.PHONE if value == Reach.PHONE else Reach.CHANNEL)
        return None

    def _next(
        self,
        session: Session,
        turn: Turn,
        *,
        values: Mapping[str, str] | None = None,
        warning: str | None = None,
    ) -> FlowResult:
        """The next question of the request, or its form."""
        state = RequestState.read(session)
        partner_side = self.is_partner_professional(session)
        if partner_side and state.kind is None:
            targets = (
                *(FlowTarget(Flow.REQUEST, Step.KIND, k) for k in _START_KINDS),
                FlowTarget(Flow.REQUEST, Step.CANCEL),
            )
            return self.ask(session, Flow.REQUEST, SAY["ask-jgz-kind"], targets, "request-kind")
        if state.kind == "terugkoppeling" and state.stage is None:
            targets = (
                *(FlowTarget(Flow.REQUEST, Step.STAGE, s) for s in STAGES),
                FlowTarget(Flow.REQUEST, Step.CANCEL),
            )
            return self.ask(session, Flow.REQUEST, SAY["ask-stage"], targets, "request-stage")
        place = self.place_step(session, Flow.REQUEST)
        if place is not None:
            return place
        settled = self._partner_step(session, state)
        if isinstance(settled, FlowResult):
            return settled
        session = settled
        state = RequestState.read(session)
        if partner_side and state.on_behalf is None:
            return self._on_behalf(session, state, turn)
        if state.urgency is None:
            targets = (
                *(FlowTarget(Flow.REQUEST, Step.URGENCY, u) for u in URGENCIES),
                FlowTarget(Flow.REQUEST, Step.CANCEL),
            )
            return self.ask(session, Flow.REQUEST, SAY["ask-urgency"], targets, "request-urgency")
        if state.reach is None:
            if turn.reach is None or turn.address is None:
                return self._next(replace(state, reach=Reach.PHONE).write(session), turn)
            text = SAY["ask-reach"].format(partner=self.partner_name(state.partner or ""))
            targets = (
                FlowTarget(Flow.REQUEST, Step.REACH, turn.reach),
                FlowTarget(Flow.REQUEST, Step.REACH, Reach.PHONE),
                FlowTarget(Flow.REQUEST, Step.CANCEL),
            )
            return self.ask(session, Flow.REQUEST, text, targets, "request-reach")
        return self._form(session, turn, values=values, warning=warning)

    # -- who receives it -----------------------------------------------------------------------

    def _partner_step(self, session: Session, state: RequestState) -> FlowResult | Session:
        """Settle who receives the request in the child's region: the session holding it, or
        the question to ask, or the phone route where no one can receive it here."""
        gemeente = self.gemeente(session)
        assert gemeente is not None
        candidates = self._partners(session, state)
        if self.is_partner_professional(session):
            recipient = self._recipient(session, state)
            if recipient is None or recipient not in candidates:
                return self._by_phone(session, gemeente, recipient)
            return replace(state, partner=recipient).write(session)
        warning: Reply | None = None
        if state.partner is not None:
            if state.partner in candidates:
                return session
            if self._in_region(state.partner, gemeente) or not self._regional(state.partner):
                return self._by_phone(session, gemeente, state.partner)
            text = SAY["other-region"].format(
                gemeente=gemeente.name,
                region=self._knowledge.regions[gemeente.region].name,
                partner=self.partner_name(state.partner),
            )
            warning = Reply(text, kind="warning")
            state = replace(state, partner=None)
            session = state.write(session)
        if len(candidates) == 1 and warning is None:
            return replace(state, partner=candidates[0]).write(session)
        if candidates:
            evaluation = state.kind == EVALUATION
            step = Step.INVITE if evaluation else Step.PARTNER
            text = SAY["ask-invite"] if evaluation else SAY["ask-request-partner"]
            # A stuck case is asked about beside the partners: a process evaluation.
            evaluate = () if evaluation else (FlowTarget(Flow.REQUEST, Step.KIND, EVALUATION),)
            targets = (
                *(FlowTarget(Flow.REQUEST, step, p) for p in candidates),
                *evaluate,
                FlowTarget(Flow.REQUEST, Step.CANCEL),
            )
            result = self.ask(session, Flow.REQUEST, text, targets, "request-partner")
        else:
            result = self._by_phone(session, gemeente, None)
        if warning is None:
            return result
        return replace(result, replies=[warning, *result.replies])

    def _regional(self, partner: str) -> bool:
        return bool(self._knowledge.organisation_regions(partner))

    def _partners(self, session: Session, state: RequestState) -> tuple[str, ...]:
        """Who may receive this request, with an intake: for Veilig Thuis / SAVE the JGZ of the
        child's gemeente; for the JGZ the partners of the child's region (never its JGZ, never
        another region's)."""
        recipient = self._recipient(session, state)
        with_intake = self.with_intake()
        if self.is_partner_professional(session):
            return (recipient,) if recipient in with_intake else ()
        pack = self.pack(session)
        if pack is None:
            return ()
        named = (pack.veilig_thuis, pack.vertrouwensarts, *pack.protection, *pack.chain)
        own = {*pack.jgz, *(o for o in self._own_side(session))}
        gemeente = self.gemeente(session)
        code = gemeente.code if gemeente else None
        return tuple(
            dict.fromkeys(
                p
                for p in named
                if p and p in with_intake and p not in own and self._knowledge.serves(p, code)
            )
        )

    def _recipient(self, session: Session, state: RequestState) -> str | None:
        """The organisation a request should reach: the JGZ of the child's gemeente for a
        Veilig Thuis / SAVE professional, the chosen partner otherwise."""
        if not self.is_partner_professional(session):
            return state.partner
        gemeente = self.gemeente(session)
        coverage = self._knowledge.coverage.get(gemeente.code) if gemeente else None
        return coverage.jgz if coverage is not None else None

    def _in_region(self, partner: str, gemeente: Gemeente) -> bool:
        return gemeente.region in self._knowledge.organisation_regions(partner)

    def _own_side(self, session: Session) -> tuple[str, ...]:
        """The organisations a Veilig Thuis / SAVE professional may send for: the Veilig Thuis
        and child-protection teams of the child's region."""
        pack = self.pack(session)
        if pack is None or not self.is_partner_professional(session):
            return ()
        return tuple(o for o in (pack.veilig_thuis, *pack.protection) if o)

    def _on_behalf(self, session: Session, state: RequestState, turn: Turn) -> FlowResult:
        ours = self._own_side(session)
        own = session.facts.get(OWN_ORGANISATION_FACT) or self._stated(session, ours)
        # Who they work for was said once in this conversation (any region: the sender).
        if own in self._knowledge.organisations or len(ours) <= 1:
            chosen = own if own in self._knowledge.organisations else (ours[0] if ours else None)
            return self._next(replace(state, on_behalf=chosen or "overig").write(session), turn)
        targets = (
            *(FlowTarget(Flow.REQUEST, Step.ON_BEHALF, p) for p in ours),
            FlowTarget(Flow.REQUEST, Step.CANCEL),
        )
        return self.ask(session, Flow.REQUEST, SAY["ask-on-behalf"], targets, "request-on-behalf")

    def _stated(self, session: Session, ours: tuple[str, ...]) -> str | None:
        """The one organisation of ``ours`` called what the professional said they work for
        ("ik werk bij SAVE": SAVE Jeugdbescherming), or None."""
        said = session.facts.get(STATED_ORGANISATION_FACT, "").replace("-", " ")
        if not said:
            return None
        named = [
            o
            for o in ours
            if said == normalise(o)
            or f" {said} " in f" {normalise(self._knowledge.organisations[o].name)} "
        ]
        return named[0] if len(named) == 1 else None

    def _by_phone(self, session: Session, gemeente: Gemeente, partner: str | None) -> FlowResult:
        """No intake for this request: the phone route that exists, then the record."""
        organisation = self._knowledge.organisations.get(partner or "")
        phone = (
            organisation.phone
            if organisation is not None
            and organisation.phone
            and "phone" not in organisation.unconfirmed
            else None
        )
        name = self.partner_name(partner) if partner else ""
        if self.is_partner_professional(session):
            name = name or SAY["jgz-of"].format(gemeente=gemeente.name)
            text = (
                SAY["no-jgz-intake-phone"].format(jgz=name, phone=phone)
                if phone
                else SAY["no-jgz-intake"].format(jgz=name, unconfirmed=UNCONFIRMED)
            )
        elif phone and phone != "0800-2000":
            text = SAY["no-partner-intake"].format(partner=name, phone=phone)
        else:
            # A procesevaluatie is no consultation of the vertrouwensarts; a nurse consults
            # the vertrouwensarts through the jeugdarts (doctor to doctor).
            region = self._knowledge.regions[gemeente.region].name
            state = RequestState.read(session)
            key = (
                "no-region-evaluation"
                if state.kind == EVALUATION
                else "no-region-intake-nurse"
                if session.facts.get(PROFESSION_FACT) == NURSE_PROFESSION
                else "no-region-intake"
            )
            text = SAY[key].format(region=region, gemeente=gemeente.name)
        targets = (FlowTarget(Flow.RECORD, Step.START), CommandTarget(Command.MENU))
        result = self.ask(session, Flow.REQUEST, text, targets, "request-by-phone", kind="info")
        cards = contact_cards(self._knowledge, (organisation.id,) if organisation else ())
        reply = replace(result.replies[0], contacts=cards)
        return replace(result, session=without_flow(result.session), replies=[reply])

    # -- the form ------------------------------------------------------------------------------

    def _fields(self, session: Session, turn: Turn) -> tuple[FormField, ...]:
        state = RequestState.read(session)
        gemeente = self.gemeente(session)
        fields = request_fields(
            message=self.is_partner_professional(session),
            organisation=not self.is_partner_professional(session),
            by_phone=state.reach == Reach.PHONE,
            gemeente=gemeente.name if gemeente else "",
        )
        known = self._requesters.recall(turn.key)
        if known is None:
            return fields
        remembered = {"naam": known.name, "organisatie": known.organisation}
        return tuple(replace(f, value=remembered.get(f.name, f.value)) for f in fields)

    def form_again(self, session: Session, turn: Turn) -> FlowResult | None:
        """The request form once more, as it was first shown; None when the session lacks
        what the form is for."""
        state = RequestState.read(session)
        if state.partner is None or state.urgency is None or state.reach is None:
            return None
        return self._form(session, turn)

    def _form(
        self,
        session: Session,
        turn: Turn,
        *,
        values: Mapping[str, str] | None = None,
        warning: str | None = None,
        cleared: tuple[str, ...] = (),
    ) -> FlowResult:
        state = RequestState.read(session)
        partner = self.partner_name(state.partner or "")
        fields = self._fields(session, turn)
        if values is not None:
            fields = filled(fields, values, cleared=cleared)
        if state.reach == Reach.PHONE:
            text = SAY["ask-form"].format(partner=partner)
        else:
            text = SAY["ask-form-channel"].format(partner=partner, reach=turn.reach or "de chat")
        return self.form(
            session,
            Flow.REQUEST,
            text=text,
            fields=fields,
            submit=LABEL["submit"],
            waits_for=FormWait.REQUEST,
            action="request-form",
            warning=warning,
        )

    def submit(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        """A form came back: the gemeente, or the request (checked, forwarded, never stored)."""
        if waiting_for(session) is FormWait.REQUEST_GEMEENTE:
            typed = values.get("gemeente") or values.get("vraag", "")
            known = self.with_gemeente(session, typed)
            if isinstance(known, str):
                return self.ask_gemeente(session, Flow.REQUEST, warning=known)
            return self._next(known, turn)
        state = RequestState.read(session)
        if state.partner is None or state.urgency is None or state.reach is None:
            return self.start(session, turn)
        fields = self._fields(session, turn)
        # A field the channel did not send (text typed instead of the form) keeps what the form
        # showed in it; one sent empty was emptied by the user.
        values = {**{f.name: f.value for f in fields}, **values}
        allowed = tuple(o.phone for o in self._knowledge.organisations.values() if o.phone)
        problems = check_form(fields, values, allowed=allowed, client_data=self._client_data)
        moved = self._moved(session, values)
        if isinstance(moved, str) and all(name != "gemeente" for name, _ in problems):
            problems.append(("gemeente", moved))
            order = [f.name for f in fields]  # named in the order of the form's fields
            problems.sort(key=lambda problem: order.index(problem[0]))
        if problems:
            return self._refused(session, turn, values, problems)
        if isinstance(moved, Session):
            return self._next(moved, turn, values=values)
        return self._send(session, turn, values)

    def _moved(self, session: Session, values: Mapping[str, str]) -> Session | str | None:
        """The session for another gemeente typed in the form (None: the same one), or why it
        cannot be used. Another gemeente is settled again: its region's partner, its JGZ."""
        typed = " ".join(values.get("gemeente", "").split())
        current = self.gemeente(session)
        if not typed or (current is not None and find_gemeente(self._knowledge, typed) == current):
            return None
        known = self.with_gemeente(session, typed)
        if isinstance(known, str):
            return known
        state = RequestState.read(known)
        if self.is_partner_professional(known):
            # The JGZ follows the gemeente; a partner of the JGZ's choice is checked against
            # the new region when the flow goes on (and asked again there).
            known = replace(state, partner=None).write(known)
        return known

    def _refused(
        self,
        session: Session,
        turn: Turn,
        values: Mapping[str, str],
        problems: list[FormProblem],
    ) -> FlowResult:
        """The form again, with the user's values and every problem named at once."""
        lines = [SAY["form-problems"], *(f"- {message}" for _, message in problems)]
        # What may hold client data is not written back into the chat: the question, and a
        # gemeente field with an address or other client data in it.
        private = (SAY["gemeente-client-data"], SAY["address-not-gemeente"])
        cleared = tuple(name for name, message in problems if name == "vraag" or message in private)
        if "vraag" in cleared:
            lines.append(SAY["question-cleared"])
        return self._form(session, turn, values=values, warning="\n".join(lines), cleared=cleared)

    def _send(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        state = RequestState.read(session)
        recipient = state.partner or ""
        kind, direction = self._what(session, state)
        gemeente = self.gemeente(session)
        region = gemeente.region if gemeente else None
        record = self.new_record(
            session, kind, recipient, direction, turn.channel, "aangevraagd", region=region
        )
        by_phone = state.reach == Reach.PHONE
        pickup = Pickup(
            record.reference,
            kind,
            recipient,
            record.region,
            direction,
            turn.channel,
            None if by_phone else turn.address,
            None,  # the register's partner is who receives it, and picks it up
            turn.key,
        )
        requester = self._requester(session, state, values)
        request = ConsultationRequest(
            reference=record.reference,
            partner=recipient,
            partner_name=self.partner_name(recipient),
            urgency=URGENCIES[state.urgency or ""],
            question=" ".join(values.get("vraag", "").split()) or None,
            callback=self._callback(turn, values, by_phone=by_phone),
            requested_at=record.time,
            pickup=seal_pickup(pickup, self._key),
            subject=self._subject(state, kind),
            requester=_requester_line(requester),
            gemeente=gemeente.name if gemeente else None,
            phone=values.get("telefoon", "").strip() or None if by_phone else None,
            reach=None if by_phone else turn.reach,
            sender=None if by_phone else turn.sender,
        )
        after = self.after(self.used_place(session))
        if state.on_behalf and state.on_behalf in self._knowledge.organisations:
            after = after.with_fact(OWN_ORGANISATION_FACT, state.on_behalf)
        opened = OpenRequest(record.reference, kind, recipient, record.region, direction)
        after = open_request(after, opened)
        name = self.partner_name(recipient)
        done = Reply(
            SAY["sent"].format(partner=name, reference=record.reference),
            kind="advice",
            buttons=self.buttons(after.offer, after),
        )
        failed = Reply(SAY["send-failed"].format(partner=name), kind="warning")
        effect = Effect(
            done=(done,), failed=(failed,), record=record, request=request, requester=requester
        )
        return FlowResult(after, [], "requested", effect)

    def _what(self, session: Session, state: RequestState) -> tuple[Kind, Direction]:
        """Kind and direction of the request; the register's partner is always who receives it
        (the JGZ organisation for a message from Veilig Thuis / SAVE)."""
        if self.is_partner_professional(session):
            return state.kind or "bevraging", "partner-jgz"
        return state.kind or self._kind_for(state.partner or "", session), "jgz-partner"

    def _kind_for(self, partner: str, session: Session) -> Kind:
        """The kind a consultation with ``partner`` is: what the partner stands for."""
        pack = self.pack(session)
        if pack is None:
            return "overig"
        if partner == pack.vertrouwensarts:
            return "vertrouwensarts"
        if partner == pack.veilig_thuis:
            return "advies-veilig-thuis"
        if partner in pack.protection:
            return "jeugdbescherming"
        return "overig"

    def _subject(self, state: RequestState, kind: Kind) -> str:
        if kind in _START_KINDS:
            label = kind_label(kind)
            stage = STAGES.get(state.stage or "")
            return f"{label}: {stage}" if stage else label
        if kind == "vertrouwensarts":
            return f"{_CONSULTATION_SUBJECT} vertrouwensarts"
        return _CONSULTATION_SUBJECT

    def _requester(
        self, session: Session, state: RequestState, values: Mapping[str, str]
    ) -> Requester:
        """The requester's own name and organisation (their own data, for the partner)."""
        name = " ".join(values.get("naam", "").split())
        if self.is_partner_professional(session) and state.on_behalf:
            organisation = self.partner_name(state.on_behalf)
        else:
            organisation = " ".join(values.get("organisatie", "").split())
        return Requester(name, organisation)

    @staticmethod
    def _callback(turn: Turn, values: Mapping[str, str], *, by_phone: bool) -> str:
        if by_phone:
            return f"telefoon {values.get('telefoon', '').strip()}"
        return f"via {turn.reach or turn.channel}: {turn.sender or 'de aanvrager'}"


def _requester_line(requester: Requester) -> str | None:
    if requester.name and requester.organisation:
        return f"{requester.name} ({requester.organisation})"
    return requester.name or requester.organisation or None
