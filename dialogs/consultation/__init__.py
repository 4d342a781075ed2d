"""The consultation flows: record *that* a consultation took place, request one (both ways),
pick one up.

The flows keep only ids in the session (kind, partner, urgency, the child's gemeente), as typed
state (``state``); their buttons are typed targets (``dialogs.targets.FlowTarget``). What the
user types for a request — a short question, their own name and number — arrives in one form
turn, is checked (every problem at once), forwarded at once and never kept in a session; the
requester's own name and organisation are remembered in memory for the conversation
(``requester``).

Modules: ``labels`` (one set of names, shared with the report), ``fields`` (form fields and
their checks), ``state`` (what a session keeps), ``requester``, ``steps`` (what the flows
share), ``record``, ``request`` and ``flows`` (the seam the conversation calls).
"""

from __future__ import annotations

from dialogs.consultation.fields import ClientData
from dialogs.consultation.flows import ConsultationFlows
from dialogs.consultation.labels import KIND_LABELS, URGENCIES
from dialogs.consultation.request import request_target
from dialogs.consultation.requester import MemoryRequesterBook, Requester, RequesterBook
from dialogs.consultation.state import GEMEENTE_FACT, REGION_FACT, ChildFacts
from dialogs.consultation.steps import (
    RECORD_NODE,
    RECORD_START,
    REQUEST_NODE,
    REQUEST_START,
    SUBMIT,
    Effect,
    FlowResult,
)
from dialogs.intake import PICKUP_NODE
from dialogs.openrequests import open_requests

__all__ = [
    "GEMEENTE_FACT",
    "KIND_LABELS",
    "PICKUP_NODE",
    "RECORD_NODE",
    "RECORD_START",
    "REGION_FACT",
    "REQUEST_NODE",
    "REQUEST_START",
    "SUBMIT",
    "URGENCIES",
    "ChildFacts",
    "ClientData",
    "ConsultationFlows",
    "Effect",
    "FlowResult",
    "MemoryRequesterBook",
    "Requester",
    "RequesterBook",
    "open_requests",
    "request_target",
]
