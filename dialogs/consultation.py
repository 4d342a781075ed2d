"""The consultation flows: record *that* a consultation took place, and request one.

Both flows keep only ids in the session (the kind, the partner, the urgency). What the user
types for a request — a short question, a callback number — arrives in one form turn, passes the
PII guard and is forwarded at once; it is never kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from dialogs import pii
from dialogs.contacts import contact_cards, source_notes
from dialogs.intake import (
    PICKUP_NODE,
    ConsultationRequest,
    IntakeDesk,
    Pickup,
    open_pickup,
    seal_pickup,
)
from dialogs.register import ConsultationRecord, Direction, Kind, minute, new_reference
from dialogs.session import Offer, Session
from dialogs.turn import Button, Form, FormField, Payload, Reply, Turn
from knowledge.library import KnowledgeBase
from knowledge.model import RegionPack

__all__ = [
    "PICKUP_NODE",
    "RECORD_NODE",
    "RECORD_START",
    "REQUEST_NODE",
    "REQUEST_START",
    "SUBMIT",
    "ConsultationFlows",
    "Effect",
    "FlowResult",
    "open_requests",
    "request_target",
]

RECORD_NODE = "_vl"
REQUEST_NODE = "_av"
RECORD_START = "vl:start"
REQUEST_START = "av:start"
SUBMIT = "av:versturen"
_MENU = "_cmd:menu"
_OPEN_PREFIX = "aanvraag:"
_QUESTION_LIMIT = 300
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")

KIND_LABELS: Mapping[Kind, str] = {
    "collegiale-consultatie": "Collegiale consultatie",
    "advies-veilig-thuis": "Advies Veilig Thuis",
    "vertrouwensarts": "Vertrouwensarts",
    "aandachtsfunctionaris": "Aandachtsfunctionaris",
    "save": "SAVE",
    "melding": "Melding Veilig Thuis",
    "procesevaluatie": "Procesevaluatie (vastgelopen)",
    "overig": "Ander overleg",
}
_NATIONAL_VT = "veilig-thuis"
_VERTROUWENSARTS = "vertrouwensarts"
_INTERNAL = ("intern", "aandachtsfunctionaris")
URGENCIES: Mapping[str, str] = {
    "vandaag": "Vandaag nog",
    "deze-week": "Binnen 3 werkdagen",
    "geen-haast": "Geen haast",
}

_ASK_KIND = (
    "Welk overleg wilt u vastleggen? Verbind bewaart alleen dát er overleg was, het soort en de "
    "organisatie: geen namen, geen inhoud."
)
_ASK_PARTNER = "Met welke organisatie was het overleg?"
_ASK_DIRECTION = "{kind} met {partner}. Wie vroeg om het overleg?"
_CONFIRM_INTERNAL = "{kind} ({partner}) vastleggen?"
_RECORDED = (
    "Vastgelegd. Referentie: {reference}\n"
    "{dossier}: {kind} met {partner} op {day}, "
    "referentie {reference}. Vermeld of het overleg anoniem was."
)
_DOSSIER = "Voor uw dossier"
_CANCELLED = "Niets vastgelegd of verstuurd."
_NO_INTAKE = (
    "Een consultatieverzoek via Verbind is hier niet ingesteld{partner}. Vraag overleg aan per "
    "telefoon: Veilig Thuis 0800-2000 (gratis, 24/7). Daarna kunt u hier vastleggen dat u "
    "overlegde."
)
_ASK_REQUEST_PARTNER = "Bij welke organisatie vraagt u overleg aan?"
_ASK_URGENCY = "Hoe snel is overleg nodig? Direct gevaar? Bel 112."
_ASK_REACH = "Hoe kan {partner} u bereiken?"
_ASK_FORM = (
    "Typ eventueel een korte vraag, zonder cliëntgegevens (geen namen, geboortedata, BSN of "
    "adres). De vraag gaat alleen naar {partner} en wordt niet bewaard."
)
_NEED_PHONE = "Vul uw werknummer in, bijvoorbeeld 030 123 45 67."
_TOO_LONG = "Uw vraag is langer dan {limit} tekens. Maak hem korter."
_SENT = (
    "Verstuurd naar {partner}. Referentie: {reference}\n"
    "U krijgt bericht zodra iemand het oppakt. Direct gevaar? Bel 112."
)
_SEND_FAILED = (
    "Versturen naar {partner} lukte niet. Er is niets verstuurd of bewaard. Bel voor overleg: "
    "Veilig Thuis 0800-2000 (gratis, 24/7)."
)
_RECORD_FAILED = (
    "Vastleggen lukte nu niet: het register is even niet bereikbaar. Er is niets bewaard; "
    "probeer het zo opnieuw."
)
_PICKED_UP = "U pakt verzoek {reference} op. De aanvrager krijgt bericht."
_ALREADY = "Verzoek {reference} was al opgepakt."
_BAD_PICKUP = "Deze knop is ongeldig of verlopen."
NOTICE = "Uw consultatieverzoek {reference} is opgepakt door {partner}."


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


def request_target(partner: str) -> str:
    """The button target that starts a request to ``partner``."""
    return f"av:bij:{partner}"


def open_requests(session: Session) -> tuple[str, ...]:
    """Reference codes of this session's requests not yet picked up."""
    return tuple(k[len(_OPEN_PREFIX) :].upper() for k in session.facts if k.startswith("aanvraag:"))


class ConsultationFlows:
    """Builds the replies of both flows; the conversation routes ``vl:``/``av:`` targets here."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        key: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._knowledge = knowledge
        self._intakes = intakes
        self._key = key
        self._clock = clock

    # -- labels --------------------------------------------------------------------------------

    def label(self, target: str) -> str | None:
        """The button label of a flow target, or None when it is not one."""
        flow, _, rest = target.partition(":")
        step, _, value = rest.partition(":")
        if flow not in ("vl", "av"):
            return None
        fixed = {
            RECORD_START: "Overleg vastleggen",
            REQUEST_START: "Overleg aanvragen",
            SUBMIT: "Versturen",
            "vl:annuleer": "Annuleren",
            "av:annuleer": "Annuleren",
            "vl:richting:intern": "Vastleggen",
            "av:bereik:telefoon": "Op mijn werknummer",
        }
        if target in fixed:
            return fixed[target]
        if step == "soort":
            return KIND_LABELS.get(value, value)  # type: ignore[call-overload, no-any-return]
        if step == "bij":
            return f"Overleg aanvragen: {self.partner_name(value, short=True)}"
        if step == "partner":
            return self.partner_name(value, short=True)
        if step == "urgentie":
            return URGENCIES.get(value, value)
        if step == "bereik":
            return f"Via {value}"
        if step == "richting":
            return self._direction_label(value)
        return None

    def partner_name(self, partner: str, *, short: bool = False) -> str:
        """How a partner is named to the user."""
        if partner == "intern":
            return "een collega (intern)"
        if partner == "overig":
            return "een andere organisatie"
        organisation = self._knowledge.organisations.get(partner)
        if organisation is None:
            return partner
        if short and organisation.aliases and len(organisation.name) > 40:
            return organisation.aliases[0]
        return organisation.name

    # -- recording -----------------------------------------------------------------------------

    def start_record(self, session: Session) -> FlowResult:
        """Ask which kind of consultation to record."""
        cleared = _without_flow(session)
        targets = tuple(f"vl:soort:{k}" for k in KIND_LABELS)
        return self._ask(cleared, RECORD_NODE, _ASK_KIND, (*targets, "vl:annuleer"), "record")

    def on_record(self, session: Session, step: str, value: str, channel: str) -> FlowResult:
        """A step of the record flow was chosen."""
        if step == "annuleer":
            return self._cancel(session)
        if step == "soort" and value in KIND_LABELS:
            return self._record_partner(session.with_fact("vl-soort", value))
        kind = session.facts.get("vl-soort")
        if kind not in KIND_LABELS:
            return self.start_record(session)
        if step == "partner":
            return self._record_confirm(session.with_fact("vl-partner", value))
        partner = session.facts.get("vl-partner", "overig")
        if step == "richting" and value in ("jgz-partner", "partner-jgz", "intern"):
            return self._record(session, kind, partner, value, channel)  # type: ignore[arg-type]
        return self.start_record(session)

    def _record_partner(self, session: Session) -> FlowResult:
        kind: Kind = session.facts["vl-soort"]  # type: ignore[assignment]
        candidates = self._present(self._record_partners(kind, session))
        if len(candidates) == 1:
            return self._record_confirm(session.with_fact("vl-partner", candidates[0]))
        targets = (*(f"vl:partner:{p}" for p in candidates), "vl:annuleer")
        return self._ask(session, RECORD_NODE, _ASK_PARTNER, targets, "record-partner")

    def _record_confirm(self, session: Session) -> FlowResult:
        kind = KIND_LABELS[session.facts["vl-soort"]]  # type: ignore[index]
        partner = session.facts["vl-partner"]
        name = self.partner_name(partner)
        if partner in _INTERNAL:
            text = _CONFIRM_INTERNAL.format(kind=kind, partner=name)
            targets: tuple[str, ...] = ("vl:richting:intern", "vl:annuleer")
        else:
            text = _ASK_DIRECTION.format(kind=kind, partner=name)
            targets = ("vl:richting:jgz-partner", "vl:richting:partner-jgz", "vl:annuleer")
        return self._ask(session, RECORD_NODE, text, targets, "record-confirm")

    def _direction_label(self, direction: str) -> str:
        if direction == "jgz-partner":
            return "Ik vroeg om overleg"
        if direction == "partner-jgz":
            return "De organisatie vroeg mij"
        return "Vastleggen"

    def _record(
        self, session: Session, kind: Kind, partner: str, direction: Direction, channel: str
    ) -> FlowResult:
        record = self._new_record(session, kind, partner, direction, channel, "vastgelegd")
        day = record.time[8:10] + "-" + record.time[5:7] + "-" + record.time[:4]
        dossier = self._knowledge.pack_for(record.region).dossier
        text = _RECORDED.format(
            dossier=dossier.line if dossier is not None else _DOSSIER,
            reference=record.reference,
            kind=KIND_LABELS[kind],
            partner=self.partner_name(partner),
            day=day,
        )
        after = self._after(session)
        done = Reply(
            text,
            kind="advice",
            buttons=self._buttons(after.offer),
            sources=source_notes(
                self._knowledge, (dossier.source,) if dossier and dossier.source else ()
            ),
        )
        failed = Reply(_RECORD_FAILED, kind="warning")
        effect = Effect(done=(done,), failed=(failed,), record=record)
        return FlowResult(after, [], "recorded", effect)

    # -- requesting ----------------------------------------------------------------------------

    def start_request(self, session: Session, partner: str | None = None) -> FlowResult:
        """Start a request, to ``partner`` when given."""
        cleared = _without_flow(session)
        known = self._knowledge.organisations
        available = tuple(p for p in self._intakes.partners() if p in known)
        if partner is not None and partner in available:
            return self._urgency(cleared.with_fact("av-partner", partner))
        if partner is not None or not available:
            return self._no_intake(cleared, partner, available)
        if len(available) == 1:
            return self._urgency(cleared.with_fact("av-partner", available[0]))
        targets = (*(f"av:partner:{p}" for p in available), "av:annuleer")
        return self._ask(cleared, REQUEST_NODE, _ASK_REQUEST_PARTNER, targets, "request")

    def on_request(self, session: Session, step: str, value: str, turn: Turn) -> FlowResult:
        """A step of the request flow was chosen."""
        if step == "annuleer":
            return self._cancel(session)
        if step in ("partner", "bij"):
            return self.start_request(session, value)
        if "av-partner" not in session.facts:
            return self.start_request(session)
        if step == "urgentie" and value in URGENCIES:
            updated = session.with_fact("av-urgentie", value)
            if turn.reach is not None and turn.address is not None:
                partner = self.partner_name(updated.facts["av-partner"])
                text = _ASK_REACH.format(partner=partner)
                targets = (f"av:bereik:{turn.reach}", "av:bereik:telefoon", "av:annuleer")
                return self._ask(updated, REQUEST_NODE, text, targets, "request-reach")
            return self._form(updated.with_fact("av-bereik", "telefoon"))
        if step == "bereik" and "av-urgentie" in session.facts:
            reach = "telefoon" if value == "telefoon" else "kanaal"
            return self._form(session.with_fact("av-bereik", reach))
        return self.start_request(session, session.facts["av-partner"])

    def _no_intake(
        self, session: Session, partner: str | None, available: tuple[str, ...]
    ) -> FlowResult:
        named = f" voor {self.partner_name(partner)}" if partner else ""
        targets = (*(request_target(p) for p in available), RECORD_START, _MENU)
        offer = Offer(REQUEST_NODE, targets)
        known = partner if partner in self._knowledge.organisations else None
        reply = Reply(
            _NO_INTAKE.format(partner=named),
            kind="info",
            buttons=self._buttons(offer),
            contacts=contact_cards(self._knowledge, (known,) if known else ()),
        )
        return FlowResult(replace(session, offer=offer), [reply], "request-by-phone")

    def _urgency(self, session: Session) -> FlowResult:
        targets = (*(f"av:urgentie:{u}" for u in URGENCIES), "av:annuleer")
        return self._ask(session, REQUEST_NODE, _ASK_URGENCY, targets, "request-urgency")

    def _form(self, session: Session, warning: str | None = None) -> FlowResult:
        partner = self.partner_name(session.facts["av-partner"])
        fields = [FormField("vraag", "Korte vraag (optioneel)", max_length=_QUESTION_LIMIT)]
        if session.facts.get("av-bereik") == "telefoon":
            fields.append(FormField("telefoon", "Uw werknummer", True, 20, "tel"))
        offer = Offer(REQUEST_NODE, (SUBMIT, "av:annuleer"))
        submit = Button("Versturen", Payload(REQUEST_NODE, SUBMIT))
        reply = Reply(
            _ASK_FORM.format(partner=partner),
            kind="question",
            buttons=(Button("Annuleren", Payload(REQUEST_NODE, "av:annuleer")),),
            form=Form(tuple(fields), submit),
        )
        replies = [Reply(warning, kind="warning")] if warning else []
        return FlowResult(replace(session, offer=offer), [*replies, reply], "request-form")

    def wants_form(self, session: Session) -> bool:
        """True when the session waits for the request form."""
        return session.offer is not None and SUBMIT in session.offer.targets

    def submit(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        """The form came back: check it, then forward the request (never store it)."""
        partner = session.facts.get("av-partner")
        urgency = session.facts.get("av-urgentie")
        if partner is None or urgency is None:
            return self.start_request(session)
        question = " ".join(values.get("vraag", "").split())
        phone = values.get("telefoon", "").strip()
        by_phone = session.facts.get("av-bereik") == "telefoon"
        if by_phone and not _PHONE.match(phone):
            return self._form(session, _NEED_PHONE)
        if len(question) > _QUESTION_LIMIT:
            return self._form(session, _TOO_LONG.format(limit=_QUESTION_LIMIT))
        allowed = (phone, *self._partner_phones())
        hits = pii.find_pii(question, allowed_numbers=allowed) if question else ()
        if hits:
            return self._form(session, pii.explain(hits))
        return self._request(session, turn, partner, urgency, question or None, phone)

    def _request(
        self,
        session: Session,
        turn: Turn,
        partner: str,
        urgency: str,
        question: str | None,
        phone: str,
    ) -> FlowResult:
        kind = self._request_kind(partner)
        direction: Direction = "partner-jgz" if self._is_jgz(partner) else "jgz-partner"
        record = self._new_record(session, kind, partner, direction, turn.channel, "aangevraagd")
        by_phone = session.facts.get("av-bereik") == "telefoon"
        pickup = Pickup(
            record.reference,
            kind,
            partner,
            record.region,
            direction,
            turn.channel,
            None if by_phone else turn.address,
        )
        who = turn.sender or "de aanvrager"
        callback = f"telefoon {phone}" if by_phone else f"via {turn.reach or turn.channel}: {who}"
        request = ConsultationRequest(
            reference=record.reference,
            partner=partner,
            partner_name=self.partner_name(partner),
            urgency=URGENCIES[urgency],
            question=question,
            callback=callback,
            requested_at=record.time,
            pickup=seal_pickup(pickup, self._key),
        )
        after = self._after(session).with_fact(_OPEN_PREFIX + record.reference.lower(), "open")
        name = self.partner_name(partner)
        done = Reply(
            _SENT.format(partner=name, reference=record.reference),
            kind="advice",
            buttons=self._buttons(after.offer),
        )
        failed = Reply(_SEND_FAILED.format(partner=name), kind="warning")
        effect = Effect(done=(done,), failed=(failed,), record=record, request=request)
        return FlowResult(after, [], "requested", effect)

    # -- picking up ----------------------------------------------------------------------------

    def pick_up(self, session: Session, token: str, channel: str) -> FlowResult:
        """A partner pressed "Ik pak dit op" (in their channel or through a pick-up link)."""
        pickup = open_pickup(token, self._key)
        if pickup is None:
            return FlowResult(session, [Reply(_BAD_PICKUP, kind="warning")], "pickup-invalid")
        record = ConsultationRecord(
            reference=pickup.reference,
            time=minute(self._clock()),
            kind=pickup.kind,  # type: ignore[arg-type]
            partner=pickup.partner,
            region=pickup.region,
            direction=pickup.direction,  # type: ignore[arg-type]
            channel=pickup.channel,
            content_version=self._knowledge.meta.version,
            status="opgepakt",
        )
        done = Reply(_PICKED_UP.format(reference=pickup.reference))
        already = Reply(_ALREADY.format(reference=pickup.reference))
        notice = NOTICE.format(
            reference=pickup.reference, partner=self.partner_name(pickup.partner)
        )
        effect = Effect(
            done=(done,), failed=(already,), record=record, pickup=pickup, notice=notice
        )
        return FlowResult(session, [], "pickup", effect)

    def notice(self, reference: str, partner: str) -> str:
        """What the requester is told when their request was picked up."""
        return NOTICE.format(reference=reference, partner=self.partner_name(partner))

    # -- helpers -------------------------------------------------------------------------------

    def _new_record(
        self,
        session: Session,
        kind: Kind,
        partner: str,
        direction: Direction,
        channel: str,
        status: str,
    ) -> ConsultationRecord:
        return ConsultationRecord(
            reference=new_reference(),
            time=minute(self._clock()),
            kind=kind,
            partner=partner,
            region=self._region(partner, session),
            direction=direction,
            channel=channel,
            content_version=self._knowledge.meta.version,
            status=status,  # type: ignore[arg-type]
        )

    def _region(self, partner: str, session: Session) -> str | None:
        for pack in self._knowledge.packs.values():
            if partner in pack.partners:
                return pack.region
        fact = session.facts.get("regio")
        return fact.upper() if fact and fact.upper() in self._knowledge.regions else None

    # -- region packs: who the partners are ----------------------------------------------------

    def _packs(self, session: Session) -> tuple[RegionPack, ...]:
        """The packs that apply: the region of a place looked up in this session, else all."""
        region = session.facts.get("regio")
        if region is not None:
            return (self._knowledge.pack_for(region.upper()),)
        return tuple(self._knowledge.packs.values())

    def _record_partners(self, kind: Kind, session: Session) -> tuple[str, ...]:
        packs = self._packs(session)
        if kind == "collegiale-consultatie":
            return ("intern",)
        if kind in ("aandachtsfunctionaris", "vertrouwensarts"):
            return (kind,)
        if kind in ("advies-veilig-thuis", "melding"):
            return (*(p.veilig_thuis for p in packs if p.veilig_thuis), _NATIONAL_VT)
        if kind == "save":
            return tuple(o for p in packs for o in p.protection)
        return (*dict.fromkeys(o for p in packs for o in p.chain), "overig")

    def _request_kind(self, partner: str) -> Kind:
        packs = self._knowledge.packs.values()
        if partner == _NATIONAL_VT or any(p.veilig_thuis == partner for p in packs):
            return "advies-veilig-thuis"
        if partner in (_VERTROUWENSARTS, "aandachtsfunctionaris"):
            return partner  # type: ignore[return-value]
        if any(partner in p.protection for p in packs):
            return "save"
        return "overig"

    def _is_jgz(self, partner: str) -> bool:
        """True for a JGZ organisation: a request to it runs partner → JGZ."""
        return any(partner in p.jgz for p in self._knowledge.packs.values())

    def _present(self, partners: tuple[str, ...]) -> tuple[str, ...]:
        pseudo = ("intern", "overig")
        known = self._knowledge.organisations
        found = tuple(p for p in partners if p in known or p in pseudo)
        return found or ("overig",)

    def _partner_phones(self) -> tuple[str, ...]:
        return tuple(o.phone for o in self._knowledge.organisations.values() if o.phone)

    def _ask(
        self, session: Session, node: str, text: str, targets: tuple[str, ...], action: str
    ) -> FlowResult:
        offer = Offer(node, targets)
        reply = Reply(text, kind="question", buttons=self._buttons(offer))
        return FlowResult(replace(session, offer=offer), [reply], action)

    def _cancel(self, session: Session) -> FlowResult:
        after = self._after(session)
        reply = Reply(_CANCELLED, buttons=self._buttons(after.offer))
        return FlowResult(after, [reply], "cancelled")

    def _after(self, session: Session) -> Session:
        offer = Offer(RECORD_NODE, (_MENU,))
        return replace(_without_flow(session), tree_id=None, answers=(), offer=offer)

    def _buttons(self, offer: Offer | None) -> tuple[Button, ...]:
        if offer is None:
            return ()
        return tuple(Button(self.label(t) or "Menu", Payload(offer.node, t)) for t in offer.targets)


def _without_flow(session: Session) -> Session:
    flow_facts = ("vl-soort", "vl-partner", "av-partner", "av-urgentie", "av-bereik")
    for fact in flow_facts:
        session = session.with_fact(fact, None)
    return session
