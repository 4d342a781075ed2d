"""The consultation flows behind one seam: the conversation routes ``vl:``/``av:`` targets and
the request form here ("Ik pak dit op" is dialogs.consultation.pickup's)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from dialogs.consultation.labels import STAGES, URGENCIES, kind_label
from dialogs.consultation.record import RecordFlow
from dialogs.consultation.request import OPEN_PREFIX, RequestFlow
from dialogs.consultation.steps import (
    FORM_FACT,
    GEMEENTE_FORMS,
    RECORD_NODE,
    RECORD_START,
    REQUEST_START,
    SUBMIT,
    FlowResult,
    Steps,
)
from dialogs.intake import IntakeDesk
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.session import Session
from dialogs.turn import Turn
from knowledge.library import KnowledgeBase

__all__ = ["ConsultationFlows", "open_requests"]

_FIXED_LABELS = {
    RECORD_START: LABEL["record"],
    REQUEST_START: LABEL["request"],
    SUBMIT: LABEL["submit"],
    "vl:annuleer": LABEL["cancel"],
    "av:annuleer": LABEL["cancel"],
    "vl:richting:vast": LABEL["confirm"],
    "vl:richting:ik": LABEL["i-asked"],
    "vl:richting:ander": LABEL["they-asked"],
    "av:bereik:telefoon": LABEL["by-phone"],
    "av:soort:procesevaluatie": LABEL["evaluation"],
    "av:soort:bevraging": LABEL["ask-info"],
    "av:soort:terugkoppeling": LABEL["feedback"],
}


LABEL_LIMIT = 40
"""The longest button label a phone shows in full (as for content labels)."""


def open_requests(session: Session) -> tuple[str, ...]:
    """Reference codes of this session's requests not yet picked up."""
    return tuple(k[len(OPEN_PREFIX) :].upper() for k in session.facts if k.startswith(OPEN_PREFIX))


class ConsultationFlows:
    """Record a consultation, request one (both ways)."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        intakes: IntakeDesk,
        key: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._knowledge = knowledge
        self._key = key
        self._clock = clock
        self._names = Steps(knowledge, label=self.label, clock=clock)
        self._record = RecordFlow(knowledge, label=self.label, clock=clock)
        self._request = RequestFlow(
            knowledge, intakes=intakes, key=key, label=self.label, clock=clock
        )

    def label(self, target: str) -> str | None:
        """The button label of a flow target, or None when it is not one."""
        flow, _, rest = target.partition(":")
        step, _, value = rest.partition(":")
        if flow not in ("vl", "av"):
            return None
        if target in _FIXED_LABELS:
            return _FIXED_LABELS[target]
        named = {
            "bij": lambda: self._request_to(value),
            "partner": lambda: self.partner_name(value, short=True),
            "uitnodigen": lambda: self.partner_name(value, short=True),
            "namens": lambda: self.partner_name(value, short=True),
            "soort": lambda: kind_label(value),
            "urgentie": lambda: URGENCIES.get(value, value),
            "fase": lambda: STAGES.get(value, value),
            "bereik": lambda: LABEL["by-channel"].format(reach=value),
        }
        return named[step]() if step in named else None

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
        """Ask which kind of consultation to record."""
        return self._record.start(session)

    def on_record(self, session: Session, step: str, value: str, channel: str) -> FlowResult:
        """A step of the record flow was chosen."""
        return self._record.on_step(session, step, value, channel)

    def start_request(self, session: Session, partner: str | None = None) -> FlowResult:
        """Start a request, to ``partner`` when given."""
        return self._request.start(session, partner)

    def on_request(self, session: Session, step: str, value: str, turn: Turn) -> FlowResult:
        """A step of the request flow was chosen."""
        return self._request.on_step(session, step, value, turn)

    def wants_form(self, session: Session) -> bool:
        """True when the session waits for a form (typed text then fills its first field)."""
        return session.offer is not None and SUBMIT in session.offer.targets

    def submit(self, session: Session, turn: Turn, values: Mapping[str, str]) -> FlowResult:
        """A form came back: the child's gemeente for a record, or a request."""
        if session.facts.get(FORM_FACT) == GEMEENTE_FORMS[RECORD_NODE]:
            return self._record.submit(session, values, turn.channel)
        return self._request.submit(session, turn, values)
