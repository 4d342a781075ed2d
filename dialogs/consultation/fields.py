"""The fields of the consultation forms, each checked on its own as soon as it is entered.

Channels that fill a form field by field (the terminal) call :func:`check_field` after each
field; the flows run the same checks on the whole form when it comes back and name every
problem at once (:func:`check_form`), with the values kept in the form shown again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import phonenumbers

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
    "ClientData",
    "FormProblem",
    "check_field",
    "check_form",
    "filled",
    "find_gemeente",
    "gemeente_candidates",
    "pii_only",
    "request_fields",
]

QUESTION_LIMIT = 300
NAME_LIMIT = 80
_ADDRESS_LIKE = re.compile(r"\d")
GEMEENTE_FIELD = FormField("gemeente", LABEL["gemeente"], True, 60)

ClientData = Callable[[str, Iterable[str]], tuple[pii.PiiHit, ...]]
"""The client-data guard a question passes: the chat's own (``pii.find_pii`` and the names the
understanding finds), given the phone numbers that may stay."""
FormProblem = tuple[str, str]
"""A field's name and why its value cannot be used."""


def request_fields(
    *, message: bool, organisation: bool, by_phone: bool, gemeente: str = ""
) -> tuple[FormField, ...]:
    """The request form: the child's gemeente (filled in, changeable), a short question, the
    requester's own name (and organisation), and a work number when the partner is to call back.
    Name, organisation and number are one line each; the question several."""
    question = LABEL["message"] if message else LABEL["question"]
    fields = [
        replace(GEMEENTE_FIELD, value=gemeente),
        FormField("vraag", question, max_length=QUESTION_LIMIT, kind="multiline"),
        FormField("naam", LABEL["name"], max_length=NAME_LIMIT),
    ]
    if organisation:
        fields.append(FormField("organisatie", LABEL["organisation"], max_length=NAME_LIMIT))
    if by_phone:
        fields.append(FormField("telefoon", LABEL["phone"], True, 20, "tel"))
    return tuple(fields)


def check_field(
    name: str,
    value: str,
    *,
    allowed: Iterable[str] = (),
    client_data: ClientData | None = None,
) -> str | None:
    """Why ``value`` cannot go into field ``name`` (a Dutch sentence), or None when it can.

    ``allowed``: phone numbers that may appear in a question (the callback, partner numbers);
    ``client_data``: the guard for the question (default: :func:`dialogs.pii.find_pii`).
    """
    text = " ".join(value.split())
    if name == "telefoon":
        return _phone_problem(text)
    limit = QUESTION_LIMIT if name == "vraag" else NAME_LIMIT
    if len(text) > limit:
        return SAY["too-long"].format(field=_field_name(name), limit=limit)
    if name == "vraag" and text:
        hits = (client_data or pii_only)(text, allowed)
        return pii.explain(hits) if hits else None
    if name == "gemeente" and pii.find_pii(text):
        return SAY["gemeente-client-data"]
    if name == "gemeente" and _ADDRESS_LIKE.search(text):
        return SAY["address-not-gemeente"]
    if name == "gemeente" and not text:
        return SAY["need-gemeente"]
    return None


def _phone_problem(text: str) -> str | None:
    """Why ``text`` is no work number: empty, or not a valid Dutch (or +-prefixed) number."""
    if not text:
        return SAY["need-phone"]
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return None
    return SAY["bad-phone"].format(number=text)


def pii_only(text: str, allowed: Iterable[str]) -> tuple[pii.PiiHit, ...]:
    """The PII guard without the understanding's names (channels that check a field alone)."""
    return pii.find_pii(text, allowed_numbers=allowed)


def check_form(
    fields: Iterable[FormField],
    values: Mapping[str, str],
    *,
    allowed: Iterable[str] = (),
    client_data: ClientData | None = None,
) -> list[FormProblem]:
    """Every problem with a filled-in form, in form order (empty: it can be sent)."""
    numbers = (values.get("telefoon", ""), *allowed)
    problems = []
    for field in fields:
        value = values.get(field.name, "")
        problem = check_field(field.name, value, allowed=numbers, client_data=client_data)
        if problem is not None:
            problems.append((field.name, problem))
    return problems


def filled(
    fields: Iterable[FormField], values: Mapping[str, str], *, cleared: Iterable[str] = ()
) -> tuple[FormField, ...]:
    """``fields`` showing the user's own ``values`` again (after an error), except the fields
    ``cleared`` (a question with client data is not written back into the chat)."""
    dropped = set(cleared)
    return tuple(
        replace(f, value="" if f.name in dropped else " ".join(values.get(f.name, f.value).split()))
        for f in fields
    )


def find_gemeente(knowledge: KnowledgeBase, typed: str) -> Gemeente | None:
    """The gemeente named by ``typed``: a gemeente's name, a woonplaats in it or a former
    gemeente (exact, after normalising); None when unknown or ambiguous."""
    found = gemeente_candidates(knowledge, typed)
    return found[0] if len(found) == 1 else None


def gemeente_candidates(knowledge: KnowledgeBase, typed: str) -> list[Gemeente]:
    """Every gemeente ``typed`` may name: the gemeente of that name alone, else each gemeente
    with a woonplaats or former gemeente of that name (several: the user is asked which)."""
    wanted = normalise(typed)
    if not wanted:
        return []
    for gemeente in knowledge.gemeenten.values():
        if normalise(gemeente.name) == wanted:
            return [gemeente]
    found = {
        g.code: g
        for g in knowledge.gemeenten.values()
        if any(normalise(place) == wanted for _, place in g.places)
    }
    for alias in knowledge.aliases.values():
        if normalise(alias.name) == wanted:
            for code in alias.gemeenten:
                found.setdefault(code, knowledge.gemeenten[code])
    return sorted(found.values(), key=lambda g: g.name)


def _field_name(name: str) -> str:
    return {"vraag": "Uw vraag", "naam": "Uw naam", "organisatie": "Uw organisatie"}.get(
        name, "De gemeente"
    )
