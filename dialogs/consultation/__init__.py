"""The consultation flows: record *that* a consultation took place, request one (both ways),
pick one up.

The flows keep only ids in the session (kind, partner, urgency, the child's region). What the
user types for a request — a short question, their own name and number — arrives in one form
turn, is checked field by field, forwarded at once and never kept.

Modules: ``labels`` (one set of names, shared with the report), ``fields`` (form fields and
their checks), ``steps`` (what the flows share), ``record``, ``request`` and ``flows`` (the
seam the conversation calls).
"""

from __future__ import annotations

from dialogs.consultation.flows import ConsultationFlows, open_requests
from dialogs.consultation.labels import KIND_LABELS, URGENCIES
from dialogs.consultation.request import request_target
from dialogs.consultation.steps import (
    RECORD_NODE,
    RECORD_START,
    REGION_FACT,
    REQUEST_NODE,
    REQUEST_START,
    SUBMIT,
    Effect,
    FlowResult,
)
from dialogs.intake import PICKUP_NODE

__all__ = [
    "KIND_LABELS",
    "PICKUP_NODE",
    "RECORD_NODE",
    "RECORD_START",
    "REGION_FACT",
    "REQUEST_NODE",
    "REQUEST_START",
    "SUBMIT",
    "URGENCIES",
    "ConsultationFlows",
    "Effect",
    "FlowResult",
    "open_requests",
    "request_target",
]
