"""The fields of the consultation forms, each checked on its own as soon as it is entered.

Channels that fill a form field by field (the terminal) call :func:`check_field` after each
field; the flows run the same checks on the whole form when it comes back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dialogs import pii
from dialogs.phrases import CONSULTATION as SAY
from dialogs.phrases import CONSULTATION_LABELS as LABEL
from dialogs.turn import FormField
from knowledge.library import KnowledgeBase
from knowledge.model import Gemeente
from knowledge.normalise import normalise

__all__ = [
    "GEMEENTE_FIELD",
    "NAME_LIMIT",
    "QUESTION_LIMIT",
    "check_field",
    "check_form",
    "find_gemeente",
    "request_fields",
]

QUESTION_LIMIT = 300
NAME_LIMIT = 80
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")
_ADDRESS_LIKE = re.compile(r"\d")
GEMEENTE_FIELD = FormField("gemeente", LABEL["gemeente"], True, 60)


def request_fields(*, message: bool, organisation: bool, by_phone: bool) -> tuple[FormField, ...]:
    """The request form: a short question, the requester's own name (and organisation), and a
    work number when the partner is to call back."""
    question = LABEL["message"] if message else LABEL["question"]
    fields = [
        FormField("vraag", question, max_length=QUESTION_LIMIT, kind="multiline"),
        FormField("naam", LABEL["name"], max_length=NAME_LIMIT),
    ]
    if organisation:
        fields.append(FormField("organisatie", LABEL["organisation"], max_length=NAME_LIMIT))
    if by_phone:
        fields.append(FormField("telefoon", LABEL["phone"], True, 20, "tel"))
    return tuple(fields)


def check_field(name: str, value: str, *, allowed: Iterable[str] = ()) -> str | None:
    """Why ``value`` cannot go into field ``name`` (a Dutch sentence), or None when it can.

    ``allowed``: phone numbers that may appear in a question (the callback, partner numbers).
    """
    text = " ".join(value.split())
    if name == "telefoon":
        return None if _PHONE.match(text) else SAY["need-phone"]
    limit = QUESTION_LIMIT if name == "vraag" else NAME_LIMIT
    if len(text) > limit:
        return SAY["too-long"].format(field=_field_name(name), limit=limit)
    if name == "vraag" and text:
        hits = pii.find_pii(text, allowed_numbers=allowed)
        return pii.explain(hits) if hits else None
    if name == "gemeente" and _ADDRESS_LIKE.search(text):
        return SAY["address-not-gemeente"]
    return None


def check_form(
    fields: Iterable[FormField],
    values: Mapping[str, str],
    *,
    allowed: Iterable[str] = (),
) -> str | None:
    """The first problem with a filled-in form, field by field in form order."""
    phone = values.get("telefoon", "")
    for field in fields:
        numbers = (phone, *allowed)
        problem = check_field(field.name, values.get(field.name, ""), allowed=numbers)
        if problem is not None:
            return problem
    return None


def find_gemeente(knowledge: KnowledgeBase, typed: str) -> Gemeente | None:
    """The gemeente named by ``typed``: a gemeente's name or a woonplaats in it (exact, after
    normalising); None when unknown or ambiguous."""
    wanted = normalise(typed)
    if not wanted:
        return None
    for gemeente in knowledge.gemeenten.values():
        if normalise(gemeente.name) == wanted:
            return gemeente
    found = {
        g.code: g
        for g in knowledge.gemeenten.values()
        if any(normalise(place) == wanted for _, place in g.places)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _field_name(name: str) -> str:
    return {"vraag": "Uw vraag", "naam": "Uw naam", "organisatie": "Uw organisatie"}.get(
        name, "De gemeente"
    )
