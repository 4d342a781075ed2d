"""Requesting a consultation, both ways, and asking for a process evaluation.

- A JGZ professional asks a partner with an intake (Veilig Thuis, SAVE, a local team) for a
  consultation: partner, urgency, how to be reached, a short form. Recorded JGZ → partner.
- A Veilig Thuis or SAVE professional sends the JGZ of the child's gemeente a bevraging,
  terugkoppeling (started, finished, handed over to whom) or an op-/afschaling. Recorded
  partner → JGZ, with the partner's organisation and the gemeente's region.
- Either asks a partner for a procesevaluatie of a case where they got stuck.

The session keeps ids only; what is typed in the form is checked, forwarded and forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from dialogs.consultation.fields import (
    check_form,
    request_fields,
)
from dialogs.consultation.labels import REQUEST_KINDS, STAGES, URGENCIES, kind_label
from dialogs.consultation.steps import (
    FORM_FACT,
    GEMEENTE_FACT,
    GEMEENTE_FORMS,
    MENU,
    RECORD_START,
    REQUEST_NODE,
    Effect,
    FlowResult,
    Steps,
    without_flow,
)
from dialogs.contacts import contact_cards
from dialogs.intake import ConsultationRequest, IntakeDesk, Pickup, seal_pickup
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.register import Direction, Kind
from dialogs.session import Offer, Session
from dialogs.turn import FormField, Reply, Turn
from knowledge.library import KnowledgeBase

__all__ = ["OPEN_PREFIX", "RequestFlow", "request_target"]

OPEN_PREFIX = "aanvraag:"
EVALUATION = "procesevaluatie"
_REQUEST_FORM = "verzoek"
_CONSULTATION_SUBJECT = "Consultatieverzoek"


def request_target(partner: str) -> str:
    """The button target that starts a request to ``partner``."""
    return f"av:bij:{partner}"


class RequestFlow(Steps):
    """The ``av:`` steps."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        key: bytes,
        label: Callable[[str], str | None],
        clock: Callable[[], float],
    ) -> None:
        super().__init__(knowledge, label=label, clock=clock)
        self._intakes = intakes
        self._key = key

    # -- who can be asked ----------------------------------------------------------------------

    def with_intake(self) -> tuple[str, ...]:
        """Organisations whose intake this deployment can reach."""
        known = self._knowledge.organisations
        return tuple(p for p in self._intakes.partners() if p in known)

    def _jgz(self) -> frozenset[str]:
        return frozenset(o for p in self._knowledge.packs.values() for o in p.jgz)

    def _askable(self, session: Session) -> tuple[str, ...]:
        """Partners this user may ask: the JGZ for Veilig Thuis/SAVE, anyone with an intake
        otherwise (a request to a JGZ organisation then runs partner → JGZ)."""
        if self.is_partner_professional(session):
            jgz = self._jgz()
            return tuple(p for p in self.with_intake() if p in jgz)
        region = self.child_region(session)
        if region is None:
            return self.with_intake()
        # The child's region is known (a place answer): only that region's partners, so a
        # request never goes to another region's Veilig Thuis or team.
        partners = self._knowledge.pack_for(region).partners
        return tuple(p for p in self.with_intake() if p in partners)

    # -- steps ---------------------------------------------------------------------------------

    def start(self, session: Session, partner: str | None = None) -> FlowResult:
        """Start a request, to ``partner`` when given."""
        cleared = without_flow(session)
        if self.is_partner_professional(cleared) and partner is None:
            targets = (*(f"av:soort:{k}" for k in (*REQUEST_KINDS, EVALUATION)), "av:annuleer")
            return self.ask(cleared, REQUEST_NODE, SAY["ask-jgz-kind"], targets, "request-kind")
        available = self._askable(cleared)
        if partner is not None and partner in self.with_intake():
            return self._urgency(cleared.with_fact("av-partner", partner))
        if partner is not None or not available:
            return self._no_intake(cleared, partner, available)
        if len(available) == 1:
            return self._urgency(cleared.with_fact("av-partner", available[0]))
        targets = (*(f"av:partner:{p}" for p in available), f"av:soort:{EVALUATION}")
        text = SAY["ask-request-partner"]
        return self.ask(cleared, REQUEST_NODE, text, (*targets, "av:annuleer"), "request")

    def on_step(self, session: Session, step: str, value: str, turn: Turn) -> FlowResult:
        """A button of the request flow was pressed."""
        if step == "annuleer":
            return self.cancel(session)
        if step in ("partner", "bij"):
            return self.start(session, value)
        if step == "soort" and value in (*REQUEST_KINDS, EVALUATION):
            return self._kind(session.with_fact("av-soort", value))
        if step == "fase" and value in STAGES and "av-soort" in session.facts:
            return self._gemeente(session.with_fact("av-fase", value))
        if step == "uitnodigen" and value in self.with_intake():
            return self._urgency(session.with_fact("av-partner", value))
        if step == "namens" and "av-partner" in session.facts:
            return self._urgency(session.with_fact("av-namens", value))
        if "av-partner" not in session.facts:
            return self.start(session)
        if step == "urgentie" and value in URGENCIES:
            return self._reach(session.with_fact("av-urgentie", value), turn)
        if step == "bereik" and "av-urgentie" in session.facts:
            reach = "telefoon" if value == "telefoon" else "kanaal"
            return self._form(session.with_fact("av-bereik", reach))
        return self.start(session, session.facts["av-partner"])

    def _kind(self, session: Session) -> FlowResult:
        kind = session.facts["av-soort"]
        if kind == EVALUATION:
            invite = self.with_intake()
            if not invite:
                return self._no_intake(session, None, ())
            targets = (*(f"av:uitnodigen:{p}" for p in invite), "av:annuleer")
            return self.ask(session, REQUEST_NODE, SAY["ask-invite"], targets, "request-invite")
        if kind == "terugkoppeling":
            targets = (*(f"av:fase:{s}" for s in STAGES), "av:annuleer")
            return self.ask(session, REQUEST_NODE, SAY["ask-stage"], targets, "request-stage")
        return self._gemeente(session)

    def _gemeente(self, session: Session, warning: str | None = None) -> FlowResult:
        """The child's gemeente decides which JGZ receives the message (asked once)."""
        if warning is None and GEMEENTE_FACT in session.facts:
            return self._to_jgz(session)
        return self.ask_gemeente(session, REQUEST_NODE, submit=LABEL["next"], warning=warning)

    def _to_jgz(self, session: Session) -> FlowResult:
        gemeente = self._knowledge.gemeenten[session.facts[GEMEENTE_FACT].upper()]
        coverage = self._knowledge.coverage.get(gemeente.code)
        jgz = coverage.jgz if coverage is not None else None
        if jgz is None or jgz not in self.with_intake():
            name = self.partner_name(jgz) if jgz else f"De JGZ van gemeente {gemeente.name}"
            return self._by_phone(session, SAY["no-jgz-intake"].format(jgz=name), jgz)
        pack = self._knowledge.pack_for(gemeente.region)
        ours = (*((pack.veilig_thuis,) if pack.veilig_thuis else ()), *pack.protection)
        named = session.with_fact("av-partner", jgz)
        if len(ours) == 1:
            return self._urgency(named.with_fact("av-namens", ours[0]))
        if not ours:
            return self._urgency(named.with_fact("av-namens", "overig"))
        targets = (*(f"av:namens:{p}" for p in ours), "av:annuleer")
        return self.ask(named, REQUEST_NODE, SAY["ask-on-behalf"], targets, "request-on-behalf")

    def _no_intake(
        self, session: Session, partner: str | None, available: tuple[str, ...]
    ) -> FlowResult:
        region = self.child_region(session)
        if region is not None and partner is None and self.with_intake():
            text = SAY["no-region-intake"].format(region=self._knowledge.regions[region].name)
            return self._by_phone(session, text, None)
        named = f" voor {self.partner_name(partner)}" if partner else ""
        text = SAY["no-intake"].format(partner=named)
        return self._by_phone(session, text, partner, available)

    def _by_phone(
        self, session: Session, text: str, partner: str | None, available: tuple[str, ...] = ()
    ) -> FlowResult:
        targets = (*(request_target(p) for p in available), RECORD_START, MENU)
        offer = Offer(REQUEST_NODE, targets)
        known = partner if partner in self._knowledge.organisations else None
        reply = Reply(
            text,
            kind="info",
            buttons=self.buttons(offer),
            contacts=contact_cards(self._knowledge, (known,) if known else ()),
        )
        return FlowResult(replace(session, offer=offer), [reply], "request-by-phone")

    def _urgency(self, session: Session) -> FlowResult:
        targets = (*(f"av:urgentie:{u}" for u in URGENCIES), "av:annuleer")
        return self.ask(session, REQUEST_NODE, SAY["ask-urgency"], targets, "request-urgency")

    def _reach(self, session: Session, turn: Turn) -> FlowResult:
        if turn.reach is None or turn.address is None:
            return self._form(session.with_fact("av-bereik", "telefoon"))
        text = SAY["ask-reach"].format(partner=self.partner_name(session.facts["av-partner"]))
        targets = (f"av:bereik:{turn.reach}", "av:bereik:telefoon", "av:annuleer")
        return self.ask(session, REQUEST_NODE, text, targets, "request-reach")

    def _fields(self, session: Session) -> tuple[FormField, ...]:
        return request_fields(
            message=self.is_partner_professional(session),
            organisation=not self.is_partner_professional(session),
            by_phone=session.facts.get("av-bereik") == "telefoon",
        )

    def _form(self, session: Session, warning: str | None = None) -> FlowResult:
        partner = self.partner_name(session.facts["av-partner"])
        return self.form(
            session,
            REQUEST_NODE,
            text=SAY["ask-form"].format(partner=partner),
            fields=self._fields(session),
            submit=LABEL["submit"],
            waits_for=_REQUEST_FORM,
            action="request-form",
            warning=warning,
        )

    # -- the form comes back -------------------------------------------------------------------

    def submit(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        """A form came back: the gemeente, or the request (checked, forwarded, never stored)."""
        if session.facts.get(FORM_FACT) == GEMEENTE_FORMS[REQUEST_NODE]:
            return self._gemeente_typed(session, values.get("gemeente") or values.get("vraag", ""))
        partner = session.facts.get("av-partner")
        if partner is None or session.facts.get("av-urgentie") is None:
            return self.start(session)
        allowed = tuple(o.phone for o in self._knowledge.organisations.values() if o.phone)
        problem = check_form(self._fields(session), values, allowed=allowed)
        if problem is not None:
            return self._form(session, problem)
        return self._send(session, turn, values)

    def _gemeente_typed(self, session: Session, typed: str) -> FlowResult:
        known = self.with_gemeente(session, typed)
        if isinstance(known, str):
            return self._gemeente(session, known)
        return self._to_jgz(known)

    def _send(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        recipient = session.facts["av-partner"]
        kind, partner, direction = self._what(session, recipient)
        record = self.new_record(session, kind, partner, direction, turn.channel, "aangevraagd")
        by_phone = session.facts.get("av-bereik") == "telefoon"
        pickup = Pickup(
            record.reference,
            kind,
            partner,
            record.region,
            direction,
            turn.channel,
            None if by_phone else turn.address,
            recipient if recipient != partner else None,
            turn.key,
        )
        request = ConsultationRequest(
            reference=record.reference,
            partner=recipient,
            partner_name=self.partner_name(recipient),
            urgency=URGENCIES[session.facts["av-urgentie"]],
            question=" ".join(values.get("vraag", "").split()) or None,
            callback=self._callback(turn, values, by_phone=by_phone),
            requested_at=record.time,
            pickup=seal_pickup(pickup, self._key),
            subject=self._subject(session, kind),
            requester=self._requester(session, values, partner),
            gemeente=self._gemeente_name(session),
            phone=values.get("telefoon", "").strip() or None if by_phone else None,
            reach=None if by_phone else turn.reach,
            sender=None if by_phone else turn.sender,
        )
        after = self.after(session).with_fact(OPEN_PREFIX + record.reference.lower(), "open")
        name = self.partner_name(recipient)
        done = Reply(
            SAY["sent"].format(partner=name, reference=record.reference),
            kind="advice",
            buttons=self.buttons(after.offer),
        )
        failed = Reply(SAY["send-failed"].format(partner=name), kind="warning")
        effect = Effect(done=(done,), failed=(failed,), record=record, request=request)
        return FlowResult(after, [], "requested", effect)

    def _what(self, session: Session, recipient: str) -> tuple[Kind, str, Direction]:
        """Kind, register partner and direction of the request."""
        asked: Kind | None = session.facts.get("av-soort")  # type: ignore[assignment]
        if self.is_partner_professional(session):
            partner = session.facts.get("av-namens") or recipient
            return asked or "bevraging", partner, "partner-jgz"
        if recipient in self._jgz():
            return asked or "overig", recipient, "partner-jgz"
        return asked or self._kind_for(recipient), recipient, "jgz-partner"

    def _kind_for(self, partner: str) -> Kind:
        packs = self._knowledge.packs.values()
        if any(p.veilig_thuis == partner for p in packs):
            return "advies-veilig-thuis"
        if partner in ("vertrouwensarts", "aandachtsfunctionaris"):
            return partner  # type: ignore[return-value]
        if any(partner in p.protection for p in packs):
            return "save"
        return "overig"

    @staticmethod
    def _subject(session: Session, kind: Kind) -> str:
        stage = session.facts.get("av-fase")
        if kind in (*REQUEST_KINDS, EVALUATION):
            label = kind_label(kind)
            return f"{label}: {STAGES[stage]}" if stage is not None and stage in STAGES else label
        return _CONSULTATION_SUBJECT

    def _requester(self, session: Session, values: Mapping[str, str], partner: str) -> str:
        """The requester's own name and organisation (their own data, for the partner)."""
        name = " ".join(values.get("naam", "").split())
        if self.is_partner_professional(session):
            organisation = self.partner_name(partner)
        else:
            organisation = " ".join(values.get("organisatie", "").split())
        return f"{name} ({organisation})" if organisation else name

    @staticmethod
    def _callback(turn: Turn, values: Mapping[str, str], *, by_phone: bool) -> str:
        if by_phone:
            return f"telefoon {values.get('telefoon', '').strip()}"
        return f"via {turn.reach or turn.channel}: {turn.sender or 'de aanvrager'}"

    def _gemeente_name(self, session: Session) -> str | None:
        code = session.facts.get(GEMEENTE_FACT)
        gemeente = self._knowledge.gemeenten.get(code.upper()) if code else None
        return gemeente.name if gemeente else None
