"""Recording *that* a consultation took place: kind, partner, direction and region, nothing more.

Each record settles the child's gemeente first (asked, or confirmed when it was given for an
earlier one), so the kinds, the partners and the record's region are the child's region's. The
direction is asked only where it is not plain from the kind (a melding runs JGZ → Veilig Thuis,
terugkoppeling partner → JGZ). After a request was picked up, its consultation is recorded under
the request's own reference, so the two count once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from dialogs.consultation.labels import JGZ_KINDS, KIND_LABELS, PARTNER_KINDS, kind_label
from dialogs.consultation.state import RecordState, without_flow
from dialogs.consultation.steps import PSEUDO_PARTNERS, Effect, FlowResult, Steps
from dialogs.contacts import source_notes
from dialogs.intake import shown_time
from dialogs.openrequests import OpenRequest, close_request, find_request, open_requests
from dialogs.phrases import CONSULTATION as SAY
from dialogs.register import ConsultationRecord, Direction, Kind
from dialogs.session import Session
from dialogs.targets import Asker, Flow, FlowTarget, Step
from dialogs.turn import Reply
from knowledge.dates import dutch_date
from knowledge.library import KnowledgeBase
from knowledge.model import RegionPack

__all__ = ["RecordFlow", "register_partners"]

NATIONAL_VT = "veilig-thuis"
NATIONAL_VERTROUWENSARTS = "vertrouwensarts"
_FIXED: Mapping[Kind, Direction] = {
    "collegiale-consultatie": "intern",
    "aandachtsfunctionaris": "intern",
    "melding": "jgz-partner",
    "bevraging": "partner-jgz",
    "terugkoppeling": "partner-jgz",
}
"""Kinds whose direction is plain; the others ask who asked."""
_ADVICE: tuple[Kind, ...] = ("advies-veilig-thuis", "vertrouwensarts")
"""Kinds that may be anonymous: the dossier line reminds the user to say so."""
_OFFERED = frozenset(k for k in KIND_LABELS if k != "save")


def register_partners(knowledge: KnowledgeBase) -> tuple[str, ...]:
    """Directory ids the register can name as partner or JGZ organisation (the record flow's
    candidates over every region): the national Veilig Thuis and vertrouwensarts, every pack's
    partners and every gemeente's JGZ. Not emergency numbers, the police or one's own
    aandachtsfunctionaris, which are never a partner of a record."""
    named = [NATIONAL_VT, NATIONAL_VERTROUWENSARTS]
    for pack in knowledge.packs.values():
        named.extend(pack.partners)
    named.extend(c.jgz for c in knowledge.coverage.values() if c.jgz)
    return tuple(o for o in dict.fromkeys(named) if o in knowledge.organisations)


class RecordFlow(Steps):
    """The record flow's steps."""

    def start(self, session: Session) -> FlowResult:
        """Offer this conversation's picked-up requests first (recorded under their own
        reference, so each counts once); else settle the child's place and ask the kind."""
        cleared = without_flow(session)
        picked = open_requests(cleared, picked_up=True)[-3:]
        if not picked:
            return self._next(cleared, "")
        targets = (
            *(FlowTarget(Flow.RECORD, Step.LINKED, r.reference) for r in picked),
            FlowTarget(Flow.RECORD, Step.UNLINKED),
            FlowTarget(Flow.RECORD, Step.CANCEL),
        )
        return self.ask(cleared, Flow.RECORD, SAY["ask-linked"], targets, "record-linked-offer")

    def start_linked(self, session: Session, reference: str) -> FlowResult:
        """Record the consultation of this session's request ``reference`` (picked up)."""
        if find_request(session, reference) is None:
            return self.start(session)
        state = RecordState(reference=reference.lower())
        return self._next(state.write(without_flow(session)), "")

    def on_step(self, session: Session, target: FlowTarget, channel: str) -> FlowResult:
        """A button of the record flow was pressed."""
        step, value = target.step, target.value
        state = RecordState.read(session)
        if step is Step.CANCEL:
            return self.cancel(session)
        if step is Step.LINKED:
            return self.start_linked(session, value)
        if step is Step.CONFIRM_LINKED:
            if find_request(session, value) is None:
                return self.start(session)
            confirmed = RecordState(reference=value.lower(), asker=Asker.FIXED)
            return self._next(confirmed.write(without_flow(session)), channel)
        if step is Step.UNLINKED:
            return self._next(without_flow(session), channel)
        if step is Step.PLACE:
            settled = self.confirm_place(session, Flow.RECORD, value)
            return settled if isinstance(settled, FlowResult) else self._next(settled, channel)
        if step is Step.KIND and value in _OFFERED:
            chosen = RecordState(kind=value)
            return self._next(chosen.write(session), channel)
        if state.kind is None and state.reference is None:
            return self.start(session)
        if step is Step.PARTNER and value in self._candidates(state.kind, session):
            return self._next(replace(state, partner=value).write(session), channel)
        asker = next((a for a in Asker if a.value == value), None)
        if step is Step.DIRECTION and asker is not None and (state.partner or state.reference):
            return self._next(replace(state, asker=asker).write(session), channel)
        return self.start(session)

    def submit(self, session: Session, values: Mapping[str, str], channel: str) -> FlowResult:
        """The child's gemeente came back: go on with it."""
        known = self.with_gemeente(session, values.get("gemeente") or values.get("vraag") or "")
        if isinstance(known, str):
            return self.ask_gemeente(session, Flow.RECORD, warning=known)
        return self._next(known, channel)

    # -- the next question, or the record ----------------------------------------------------

    def _next(self, session: Session, channel: str) -> FlowResult:
        state = RecordState.read(session)
        if state.reference is not None:
            return self._linked(session, state, channel)
        place = self.place_step(session, Flow.RECORD)
        if place is not None:
            return place
        if state.kind is None:
            targets = (
                *(FlowTarget(Flow.RECORD, Step.KIND, k) for k in self._kinds(session)),
                FlowTarget(Flow.RECORD, Step.CANCEL),
            )
            return self.ask(session, Flow.RECORD, SAY["ask-kind"], targets, "record")
        if state.partner is None:
            candidates = self._candidates(state.kind, session)
            if len(candidates) == 1:
                return self._next(replace(state, partner=candidates[0]).write(session), channel)
            targets = (
                *(FlowTarget(Flow.RECORD, Step.PARTNER, p) for p in candidates),
                FlowTarget(Flow.RECORD, Step.CANCEL),
            )
            text = SAY["ask-partner"]
            return self.ask(session, Flow.RECORD, text, targets, "record-partner")
        if state.asker is None:
            return self._ask_direction(session, state.kind, state.partner)
        direction = self._direction(session, state.kind, state.partner, state.asker)
        return self._record(session, state.kind, state.partner, direction, channel)

    def _ask_direction(self, session: Session, kind: Kind, partner: str) -> FlowResult:
        subject = self.subject(kind, partner, self.pack(session))
        if kind in _FIXED or partner in PSEUDO_PARTNERS:
            text = SAY["confirm"].format(subject=subject)
            answers: tuple[Asker, ...] = (Asker.FIXED,)
        else:
            text = SAY["ask-direction"].format(subject=subject)
            answers = (Asker.ME, Asker.OTHER)
        targets = (
            *(FlowTarget(Flow.RECORD, Step.DIRECTION, a) for a in answers),
            FlowTarget(Flow.RECORD, Step.CANCEL),
        )
        return self.ask(session, Flow.RECORD, text, targets, "record-confirm")

    def _direction(self, session: Session, kind: Kind, partner: str, asker: Asker) -> Direction:
        if partner == "intern":
            return "intern"
        if kind in _FIXED:
            return _FIXED[kind]
        partner_side = self.is_partner_professional(session)
        return "partner-jgz" if (asker is Asker.ME) == partner_side else "jgz-partner"

    def _linked(self, session: Session, state: RecordState, channel: str) -> FlowResult:
        """Confirm, then record the consultation of a picked-up request under its reference."""
        assert state.reference is not None
        request = find_request(session, state.reference)
        if request is None:
            return self.start(session)
        if state.asker is None:
            subject = self.subject(request.kind, request.partner, self._pack_of(request))
            text = SAY["confirm-linked"].format(subject=subject, reference=request.reference)
            targets = (
                FlowTarget(Flow.RECORD, Step.CONFIRM_LINKED, request.reference),
                FlowTarget(Flow.RECORD, Step.CANCEL),
            )
            return self.ask(session, Flow.RECORD, text, targets, "record-linked")
        return self._record(
            close_request(session, request.reference),
            request.kind,
            request.partner,
            request.direction,
            channel,
            request=request,
        )

    def _pack_of(self, request: OpenRequest) -> RegionPack | None:
        return self._knowledge.pack_for(request.region) if request.region else None

    def _record(
        self,
        session: Session,
        kind: Kind,
        partner: str,
        direction: Direction,
        channel: str,
        *,
        request: OpenRequest | None = None,
    ) -> FlowResult:
        record = self.new_record(
            session,
            kind,
            partner,
            direction,
            channel,
            "vastgelegd",
            reference=request.reference if request else None,
            region=request.region if request else None,
        )
        pack = self._knowledge.pack_for(record.region) if record.region else None
        day = dutch_date(date.fromisoformat(record.time[:10]))
        dossier, sources = self._dossier(session, kind, pack)
        text = SAY["recorded"].format(
            dossier=dossier,
            reference=record.reference,
            subject=self.subject(kind, partner, pack),
            day=day,
        )
        if kind in _ADVICE:
            text = f"{text} {SAY['anonymous']}"
        after = self.after(self.used_place(session))
        done = Reply(
            text,
            kind="advice",
            buttons=self.buttons(after.offer, after),
            sources=source_notes(self._knowledge, sources),
        )
        failed = Reply(SAY["record-failed"], kind="warning")
        effect = Effect(done=(done,), failed=(failed,), record=record, once=request is not None)
        return FlowResult(after, [], "recorded", effect)

    def already_recorded(self, session: Session, kept: ConsultationRecord) -> FlowResult:
        """A request's consultation is in the register already as ``kept`` (another press, in
        another window or by someone else in the chat, recorded it): say when; the request is
        done in this session too."""
        after = self.after(close_request(session, kept.reference))
        text = SAY["already-recorded"].format(when=shown_time(kept.time), reference=kept.reference)
        reply = Reply(text, kind="info", buttons=self.buttons(after.offer, after))
        return FlowResult(after, [reply], "record-already")

    def _dossier(
        self, session: Session, kind: Kind, pack: RegionPack | None
    ) -> tuple[str, tuple[str, ...]]:
        """The dossier line of the region's pack when it applies to this kind and to the user's
        organisation (a JGZ line is not for Veilig Thuis); else the plain one."""
        dossier = pack.dossier if pack is not None else None
        gemeente = self.gemeente(session)
        code = gemeente.code if gemeente else None
        if (
            pack is None
            or dossier is None
            or self.is_partner_professional(session)
            or not self._knowledge.dossier_applies(pack, code)
        ):
            return SAY["dossier"], ()
        line = dossier.kinds.get(kind, dossier.line) if kind != "register" else dossier.line
        return line, (dossier.source,) if dossier.source else ()

    # -- what can be recorded here ------------------------------------------------------------

    def _kinds(self, session: Session) -> tuple[Kind, ...]:
        """The kinds offered: the role's national ones and the child's region's own."""
        if self.is_partner_professional(session):
            return PARTNER_KINDS
        pack = self.pack(session)
        extra = pack.kinds if pack is not None else ()
        national = [k for k in JGZ_KINDS if k not in ("procesevaluatie", "overig")]
        return (*national, *(k for k in extra if k not in JGZ_KINDS), "procesevaluatie", "overig")

    def _candidates(self, kind: Kind | None, session: Session) -> tuple[str, ...]:
        """The partners a consultation of ``kind`` was held with, in the child's region."""
        pack = self.pack(session) or self._knowledge.pack_for(None)
        if kind == "collegiale-consultatie":
            return ("intern",)
        if kind == "aandachtsfunctionaris":
            return self._present(("aandachtsfunctionaris",))
        if kind == "vertrouwensarts":
            return self._present((pack.vertrouwensarts or NATIONAL_VERTROUWENSARTS,))
        if self.is_partner_professional(session):
            return self._present(self._jgz_of_child(session, pack))
        if kind in ("advies-veilig-thuis", "melding"):
            return self._present((pack.veilig_thuis or NATIONAL_VT,))
        if kind in ("jeugdbescherming", "save"):
            return self._present(pack.protection)
        if kind in ("opschalen", "afschalen"):
            return self._present((*(o for o in (pack.veilig_thuis,) if o), *pack.protection))
        gemeente = self.gemeente(session)
        code = gemeente.code if gemeente else None
        chain = (p for p in pack.chain if p not in pack.jgz and self._knowledge.serves(p, code))
        return (*self._present(tuple(chain), fallback=False), "overig")

    def _jgz_of_child(self, session: Session, pack: RegionPack) -> tuple[str, ...]:
        """The JGZ a Veilig Thuis / SAVE professional consulted: the child's gemeente's."""
        gemeente = self.gemeente(session)
        coverage = self._knowledge.coverage.get(gemeente.code) if gemeente else None
        return (coverage.jgz,) if coverage is not None else pack.jgz

    def _present(self, partners: tuple[str, ...], *, fallback: bool = True) -> tuple[str, ...]:
        known = self._knowledge.organisations
        found = tuple(dict.fromkeys(p for p in partners if p in known or p in PSEUDO_PARTNERS))
        return found or (("overig",) if fallback else ())

    @staticmethod
    def kind_button(kind: str, pack: RegionPack | None) -> str:
        """The button label of ``kind`` (the region's own name for it)."""
        return kind_label(kind, pack)
