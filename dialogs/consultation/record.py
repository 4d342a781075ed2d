"""Recording *that* a consultation took place: kind, partner, direction and region, nothing more.

The direction is asked only where it is not plain from the kind (a melding runs JGZ → Veilig
Thuis, terugkoppeling partner → JGZ). Without a region from the partner or an earlier place
answer, the child's gemeente is asked once and only its Veilig Thuis region is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dialogs.consultation.labels import JGZ_KINDS, KIND_LABELS, PARTNER_KINDS
from dialogs.consultation.steps import (
    RECORD_NODE,
    Effect,
    FlowResult,
    Steps,
    without_flow,
)
from dialogs.contacts import source_notes
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.register import Direction, Kind
from dialogs.session import Session
from dialogs.turn import Reply
from knowledge.dates import dutch_date

__all__ = ["RecordFlow"]

NATIONAL_VT = "veilig-thuis"
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


class RecordFlow(Steps):
    """The ``vl:`` steps."""

    def start(self, session: Session) -> FlowResult:
        """Ask which kind of consultation to record."""
        cleared = without_flow(session)
        kinds = PARTNER_KINDS if self.is_partner_professional(session) else JGZ_KINDS
        targets = (*(f"vl:soort:{k}" for k in kinds), "vl:annuleer")
        return self.ask(cleared, RECORD_NODE, SAY["ask-kind"], targets, "record")

    def on_step(self, session: Session, step: str, value: str, channel: str) -> FlowResult:
        """A button of the record flow was pressed."""
        if step == "annuleer":
            return self.cancel(session)
        if step == "soort" and value in KIND_LABELS:
            return self._partner(session.with_fact("vl-soort", value))
        kind = session.facts.get("vl-soort")
        if kind not in KIND_LABELS:
            return self.start(session)
        if step == "partner":
            return self._direction(session.with_fact("vl-partner", value))
        if step == "richting" and value in ("ik", "ander", "vast"):
            return self._region(session.with_fact("vl-richting", value), channel)
        return self.start(session)

    def submit(self, session: Session, values: Mapping[str, str], channel: str) -> FlowResult:
        """The child's gemeente came back: keep its region only, then record."""
        known = self.with_gemeente(session, values.get("gemeente") or values.get("vraag") or "")
        if isinstance(known, str):
            return self._ask_gemeente(session, known)
        return self._region(known, channel)

    def _partner(self, session: Session) -> FlowResult:
        kind: Kind = session.facts["vl-soort"]  # type: ignore[assignment]
        candidates = self._present(self._candidates(kind, session))
        if len(candidates) == 1:
            return self._direction(session.with_fact("vl-partner", candidates[0]))
        targets = (*(f"vl:partner:{p}" for p in candidates), "vl:annuleer")
        return self.ask(session, RECORD_NODE, SAY["ask-partner"], targets, "record-partner")

    def _direction(self, session: Session) -> FlowResult:
        kind: Kind = session.facts["vl-soort"]  # type: ignore[assignment]
        subject = self.subject(kind, session.facts["vl-partner"])
        if kind in _FIXED or session.facts["vl-partner"] == "intern":
            text = SAY["confirm"].format(subject=subject)
            targets: tuple[str, ...] = ("vl:richting:vast", "vl:annuleer")
        else:
            text = SAY["ask-direction"].format(subject=subject)
            targets = ("vl:richting:ik", "vl:richting:ander", "vl:annuleer")
        return self.ask(session, RECORD_NODE, text, targets, "record-confirm")

    def _region(self, session: Session, channel: str) -> FlowResult:
        partner = session.facts["vl-partner"]
        if self.region_of(partner, session) is None:
            return self._ask_gemeente(session)
        kind: Kind = session.facts["vl-soort"]  # type: ignore[assignment]
        return self._record(session, kind, partner, self._chosen_direction(session), channel)

    def _ask_gemeente(self, session: Session, warning: str | None = None) -> FlowResult:
        return self.ask_gemeente(session, RECORD_NODE, submit=LABEL["confirm"], warning=warning)

    def _chosen_direction(self, session: Session) -> Direction:
        kind: Kind = session.facts["vl-soort"]  # type: ignore[assignment]
        if session.facts["vl-partner"] == "intern":
            return "intern"
        if kind in _FIXED:
            return _FIXED[kind]
        partner_side = self.is_partner_professional(session)
        asked_by_me = session.facts.get("vl-richting") == "ik"
        return "partner-jgz" if asked_by_me == partner_side else "jgz-partner"

    def _record(
        self, session: Session, kind: Kind, partner: str, direction: Direction, channel: str
    ) -> FlowResult:
        record = self.new_record(session, kind, partner, direction, channel, "vastgelegd")
        day = dutch_date(date.fromisoformat(record.time[:10]))
        dossier = self._dossier(session, kind, record.region)
        text = SAY["recorded"].format(
            dossier=dossier[0],
            reference=record.reference,
            subject=self.subject(kind, partner),
            day=day,
        )
        if kind in _ADVICE:
            text = f"{text} {SAY['anonymous']}"
        after = self.after(session)
        done = Reply(
            text,
            kind="advice",
            buttons=self.buttons(after.offer),
            sources=source_notes(self._knowledge, dossier[1]),
        )
        failed = Reply(SAY["record-failed"], kind="warning")
        effect = Effect(done=(done,), failed=(failed,), record=record)
        return FlowResult(after, [], "recorded", effect)

    def _dossier(
        self, session: Session, kind: Kind, region: str | None
    ) -> tuple[str, tuple[str, ...]]:
        """The dossier line of the region's pack when it applies to this kind and to the user's
        organisation (a JGZ line is not for Veilig Thuis); else the plain one."""
        dossier = self._knowledge.pack_for(region).dossier
        if dossier is None or self.is_partner_professional(session):
            return SAY["dossier"], ()
        line = dossier.kinds.get(kind, dossier.line) if kind != "register" else dossier.line
        return line, (dossier.source,) if dossier.source else ()

    def _candidates(self, kind: Kind, session: Session) -> tuple[str, ...]:
        packs = self.packs(session)
        if kind == "collegiale-consultatie":
            return ("intern",)
        if kind in ("aandachtsfunctionaris", "vertrouwensarts"):
            return (kind,)
        if kind in ("advies-veilig-thuis", "melding"):
            return (*(p.veilig_thuis for p in packs if p.veilig_thuis), NATIONAL_VT)
        if kind == "save":
            return tuple(o for p in packs for o in p.protection)
        if self.is_partner_professional(session):
            return (
                *(p.veilig_thuis for p in packs if p.veilig_thuis),
                *(o for p in packs for o in p.protection),
            )
        if kind in ("opschalen", "afschalen"):
            return (
                *(p.veilig_thuis for p in packs if p.veilig_thuis),
                *(o for p in packs for o in p.protection),
            )
        return (*dict.fromkeys(o for p in packs for o in p.chain), "overig")

    def _present(self, partners: tuple[str, ...]) -> tuple[str, ...]:
        known = self._knowledge.organisations
        found = tuple(dict.fromkeys(p for p in partners if p in known or p in ("intern", "overig")))
        return found or ("overig",)
