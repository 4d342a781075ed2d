"""What the consultation flows keep in a session, as typed values with one reading and writing.

Sessions hold ids only (``dialogs.session``): a kind, a partner id, an urgency, a CBS code. This
module is the only code that knows under which fact each is kept; the flows read and write the
dataclasses below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

from dialogs.register import Kind
from dialogs.session import Session
from dialogs.targets import Asker, Flow

__all__ = [
    "GEMEENTE_FACT",
    "OWN_ORGANISATION_FACT",
    "REGION_FACT",
    "STATED_ORGANISATION_FACT",
    "ChildFacts",
    "FormWait",
    "RecordState",
    "RequestState",
    "awaiting",
    "waiting_for",
    "without_flow",
]

REGION_FACT = "regio"
"""A coarse Veilig Thuis region code (one of 25, lower case), kept to fill in register entries."""
GEMEENTE_FACT = "gemeente"
"""The CBS code of the child's gemeente (lower case ``gm0355``); never an address."""
_FRESH_FACT = "gemeente-actueel"
"""Set while the gemeente was given for the current child (a place answer, a typed gemeente);
cleared once a request or record used it, so the next one asks "Voor een kind in …?"."""
OWN_ORGANISATION_FACT = "eigen-organisatie"
"""The organisation a Veilig Thuis / SAVE professional works for (an id, chosen once)."""
STATED_ORGANISATION_FACT = "gezegde-organisatie"
"""The content's name of the organisation a professional said they work for, as an id
("save", "veilig-thuis"): the
request's sender when one of the region's own organisations is called so."""
_FORM_FACT = "formulier"


class FormWait(StrEnum):
    """Which form a session waits for."""

    REQUEST = "verzoek"
    RECORD_GEMEENTE = "gemeente-vl"
    REQUEST_GEMEENTE = "gemeente-av"


def waiting_for(session: Session) -> FormWait | None:
    """The form ``session`` waits for, if any."""
    value = session.facts.get(_FORM_FACT)
    return next((w for w in FormWait if w.value == value), None)


def _wait(session: Session, form: FormWait | None) -> Session:
    return session.with_fact(_FORM_FACT, form.value if form is not None else None)


@dataclass(frozen=True)
class ChildFacts:
    """The child's place as the session knows it: its region, gemeente and whether that
    gemeente was given for the current child."""

    region: str | None = None
    gemeente: str | None = None
    fresh: bool = False

    @classmethod
    def read(cls, session: Session) -> ChildFacts:
        """The child's place in ``session`` (codes upper case: ``VT20``, ``GM0355``)."""
        region = session.facts.get(REGION_FACT)
        gemeente = session.facts.get(GEMEENTE_FACT)
        return cls(
            region.upper() if region else None,
            gemeente.upper() if gemeente else None,
            session.facts.get(_FRESH_FACT) == "ja",
        )

    def write(self, session: Session) -> Session:
        """``session`` holding these facts (and no others about the child's place)."""
        session = session.with_fact(REGION_FACT, self.region.lower() if self.region else None)
        session = session.with_fact(GEMEENTE_FACT, self.gemeente.lower() if self.gemeente else None)
        return session.with_fact(_FRESH_FACT, "ja" if self.fresh and self.gemeente else None)

    def used(self) -> ChildFacts:
        """These facts once a request or record used them: the next one asks again."""
        return replace(self, fresh=False)


def _fact(flow: Flow, name: str) -> str:
    return f"{flow.value}-{name}"


def _read(session: Session, flow: Flow, facts: Mapping[str, str]) -> dict[str, Any]:
    return {field: session.facts.get(_fact(flow, name)) for field, name in facts.items()}


def _write(session: Session, flow: Flow, facts: Mapping[str, str], state: object) -> Session:
    for field, name in facts.items():
        session = session.with_fact(_fact(flow, name), getattr(state, field))
    return session


@dataclass(frozen=True)
class RecordState:
    """The record flow so far."""

    kind: Kind | None = None
    partner: str | None = None
    asker: Asker | None = None
    reference: str | None = None
    """Set when recording the consultation of a picked-up request, under its reference."""

    _FACTS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"kind": "soort", "partner": "partner", "asker": "richting", "reference": "ref"}
    )

    @classmethod
    def read(cls, session: Session) -> RecordState:
        """The record flow's state in ``session``."""
        values = _read(session, Flow.RECORD, cls._FACTS)
        values["asker"] = next((a for a in Asker if a.value == values["asker"]), None)
        return cls(**values)

    def write(self, session: Session) -> Session:
        """``session`` holding this state."""
        return _write(session, Flow.RECORD, self._FACTS, self)


@dataclass(frozen=True)
class RequestState:
    """The request flow so far."""

    kind: Kind | None = None
    partner: str | None = None
    """Who receives the request (a partner, or the JGZ of the child's gemeente)."""
    urgency: str | None = None
    reach: str | None = None
    """A :class:`dialogs.targets.Reach`: by phone, or in the user's own channel."""
    stage: str | None = None
    on_behalf: str | None = None
    """For a Veilig Thuis / SAVE professional: the organisation they send it for."""

    _FACTS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            "kind": "soort",
            "partner": "partner",
            "urgency": "urgentie",
            "reach": "bereik",
            "stage": "fase",
            "on_behalf": "namens",
        }
    )

    @classmethod
    def read(cls, session: Session) -> RequestState:
        """The request flow's state in ``session``."""
        return cls(**_read(session, Flow.REQUEST, cls._FACTS))

    def write(self, session: Session) -> Session:
        """``session`` holding this state."""
        return _write(session, Flow.REQUEST, self._FACTS, self)


def without_flow(session: Session) -> Session:
    """``session`` without the state of an unfinished flow."""
    cleared = RecordState().write(RequestState().write(session))
    return _wait(cleared, None)


def awaiting(session: Session, form: FormWait) -> Session:
    """``session`` waiting for ``form``."""
    return _wait(session, form)
